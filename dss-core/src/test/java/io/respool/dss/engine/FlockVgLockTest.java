package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DISK volume-group lock waits by the monotonic clock: a wall clock that is set back while it waits does not
 * keep it waiting past its timeout, and one set forward does not time it out early. A stepped clock: each pause
 * advances the monotonic time by what was asked, while every read of the wall clock jumps by an hour.
 */
class FlockVgLockTest
{
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    @TempDir
    Path dir;

    /** Monotonic time advances only by pauses; the wall clock jumps by {@code wallStepMs} at every read. */
    private static final class SteppedClock implements CoordinationClock
    {
        private final long wallStepMs;
        private long wallMs = 1_000_000_000_000L;
        private long nanos;
        private long releaseAtNs = Long.MAX_VALUE;
        private FlockVgLock toRelease;

        SteppedClock(final long wallStepMs)
        {
            this.wallStepMs = wallStepMs;
        }

        @Override
        public long time()
        {
            wallMs += wallStepMs;
            return wallMs;
        }

        @Override
        public long nanoTime()
        {
            return nanos;
        }

        @Override
        public void pauseNs(final long ns)
        {
            nanos += ns;
            if (toRelease != null && nanos >= releaseAtNs)
            {
                toRelease.release();
                toRelease = null;
            }
        }

        @Override
        public void await(final ReentrantLock lock, final Condition condition, final long ms)
        {
            pauseNs(TimeUnit.MILLISECONDS.toNanos(ms));
        }
    }

    private FlockVgLock lockOn(final CoordinationClock clock)
    {
        return new FlockVgLock(dir.resolve("locks"), dir.resolve("entry.img"), clock);
    }

    @Test
    void shouldTimeOutByTheMonotonicClockWhileTheWallClockIsSetBack()
    {
        final SteppedClock clock = new SteppedClock(-HOUR_MS);
        try (FlockVgLock holder = lockOn(clock); FlockVgLock waiter = lockOn(clock))
        {
            holder.acquire(0);
            final DssException refused = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(DssException.class, () -> waiter.acquire(50)),
                "a wall clock going back kept the waiter waiting");
            assertEquals(ErrorCode.VOLUME_IN_USE, refused.errorCode());
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
            assertTrue(waitedMs >= 50 && waitedMs < 60, "waited " + waitedMs + " ms of monotonic time for 50");
        }
    }

    @Test
    void shouldWaitItsWholeTimeoutWhileTheWallClockIsSetForward()
    {
        final SteppedClock clock = new SteppedClock(HOUR_MS);
        try (FlockVgLock holder = lockOn(clock); FlockVgLock waiter = lockOn(clock))
        {
            holder.acquire(0);
            clock.toRelease = holder;
            clock.releaseAtNs = TimeUnit.MILLISECONDS.toNanos(200);
            waiter.acquire(1000); // the holder lets go 200 ms of monotonic time in: not a timeout at the first try
            assertTrue(clock.nanoTime() >= TimeUnit.MILLISECONDS.toNanos(200));
        }
    }
}
