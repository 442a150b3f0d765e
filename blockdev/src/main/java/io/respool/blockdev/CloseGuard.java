package io.respool.blockdev;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts calls in flight on a device so that {@link #closeAndAwait()} can wait for them before the mapping is
 * unmapped or the file descriptor closed: unmapping under a running copy would crash the JVM, and closing an fd
 * under a running {@code pread} could let a reused fd number send the I/O to another file.
 * <p>
 * The state is one {@code long}: the sign bit is the closed flag, the rest the number of calls in flight. An
 * {@link #enter()} that sees the sign bit backs out, so a call either completes before the close proceeds or
 * never starts.
 */
final class CloseGuard
{
    private static final long CLOSED_BIT = Long.MIN_VALUE;
    private static final long MAX_PARK_NS = 1_000_000L;

    private final AtomicLong state = new AtomicLong();

    /**
     * Start a call.
     *
     * @return true if the device is open and the call may proceed, in which case {@link #exit()} must follow;
     * false if it is closed.
     */
    boolean enter()
    {
        if (state.incrementAndGet() < 0)
        {
            state.decrementAndGet();
            return false;
        }

        return true;
    }

    /**
     * End a call that {@link #enter()} let in.
     */
    void exit()
    {
        state.decrementAndGet();
    }

    /**
     * @return true once {@link #closeAndAwait()} has been called.
     */
    boolean isClosed()
    {
        return state.get() < 0;
    }

    /**
     * Mark closed, then wait until every call in flight has exited.
     *
     * @return true for the call that closed, false if already closed (that call does not wait).
     */
    boolean closeAndAwait()
    {
        long current;
        do
        {
            current = state.get();
            if (current < 0)
            {
                return false;
            }
        }
        while (!state.compareAndSet(current, current | CLOSED_BIT));

        long parkNs = 1_000L;
        while ((state.get() & ~CLOSED_BIT) != 0)
        {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs << 1, MAX_PARK_NS);
        }

        return true;
    }
}
