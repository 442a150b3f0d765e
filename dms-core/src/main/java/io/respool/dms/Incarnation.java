package io.respool.dms;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's incarnation: which start of the node sent a message. The wall clock in microseconds at start, so that
 * a restarted node's incarnation is higher than its dead one's (across processes, as long as the clock does not go
 * back by more than a restart takes), and strictly increasing within one JVM, where tests start a node twice within
 * a microsecond.
 */
final class Incarnation
{
    private static final AtomicLong LAST = new AtomicLong();

    private Incarnation()
    {
    }

    /**
     * @return a new incarnation, higher than every one this JVM gave before.
     */
    static long next()
    {
        final long nowUs = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        return LAST.accumulateAndGet(nowUs, (last, now) -> Math.max(last + 1, now));
    }
}
