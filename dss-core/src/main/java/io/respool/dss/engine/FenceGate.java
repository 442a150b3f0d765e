package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every write of this instance to the shared volumes (file data, zeroing, redo records) passes this gate. When the
 * instance is fenced, the coordination agent {@link #shut}s the gate and then polls {@link #isDrained}: once it is
 * true, nothing this process writes reaches the volumes. Entering increments the in-flight count before reading the
 * closed flag, and shutting sets the flag before reading the count (both volatile), so a write either sees the gate
 * shut or is counted.
 */
final class FenceGate
{
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile String closedReason;
    private volatile ErrorCode closedCode = ErrorCode.FENCED;

    /**
     * @throws DssException FENCED if the gate is closed; nothing was written.
     */
    void enter(final String what)
    {
        if (!tryEnter())
        {
            throw refused(what);
        }
    }

    /**
     * Enter without building a message: the data path's form. Pair a true result with {@link #exit()}.
     *
     * @return false if the gate is closed; then throw {@link #refused}.
     */
    boolean tryEnter()
    {
        // Refused writers must not touch the count: their brief increments could keep a drain from ever being seen.
        if (closedReason != null)
        {
            return false;
        }
        inFlight.incrementAndGet();
        if (closedReason != null)
        {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    DssException refused(final String what)
    {
        return new DssException(closedCode, what + " refused: " + closedReason);
    }

    void exit()
    {
        inFlight.decrementAndGet();
    }

    /**
     * Shut the gate without waiting: from now on every write is refused, and once {@link #isDrained()} no write
     * that entered before is still in flight. Refusals name the latest reason.
     */
    void shut(final String reason)
    {
        closedCode = ErrorCode.FENCED;
        closedReason = reason;
    }

    /**
     * Shut the gate for good, before any write: the volume group was opened read-only. Refusals carry
     * {@code code} and the reason.
     */
    void shutReadOnly(final String reason, final ErrorCode code)
    {
        closedCode = code;
        closedReason = reason;
    }

    /**
     * @return true if no write is in flight: after {@link #shut}, none can reach the volumes any more.
     */
    boolean isDrained()
    {
        return inFlight.get() == 0;
    }

    void open()
    {
        closedReason = null;
    }

    boolean isClosed()
    {
        return closedReason != null;
    }

    String closedReason()
    {
        return closedReason;
    }
}
