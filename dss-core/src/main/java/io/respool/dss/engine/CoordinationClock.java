package io.respool.dss.engine;

import org.agrona.concurrent.EpochClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Time for the code that shares a volume group with other instances ({@link Coordinator}, the {@link VgLock}s,
 * {@link Fencing}): what time it is, and how to let time pass while waiting on another instance. {@link #SYSTEM}
 * reads the wall clock (for display) and the monotonic clock (for deadlines), and parks the thread. A test passes a
 * stepped clock whose {@link #pauseNs} advances a manual clock and runs the agents' duty cycles instead, so that a
 * lease expiry or a kick plays out on one thread with no sleep. Deadlines, lease periods and waits use {@link #monotonicMs()}, which never steps when the wall clock is
 * set (a wall clock set back would keep a waiter waiting, or a paused lease holder writing; set forward, it would
 * time a waiter out at once, or let a contender take a live lease); they are compared as
 * {@code now - deadline > 0}, never across hosts. {@link #time()}, ms since the epoch, is only shown (the member
 * sector's last heartbeat).
 */
interface CoordinationClock extends EpochClock
{
    /**
     * The wall clock, and parking.
     */
    CoordinationClock SYSTEM = new CoordinationClock()
    {
        @Override
        public long time()
        {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime()
        {
            return System.nanoTime();
        }

        @Override
        public void pauseNs(final long ns)
        {
            LockSupport.parkNanos(ns);
        }

        @Override
        public void await(final ReentrantLock lock, final Condition condition, final long ms)
        {
            condition.awaitUninterruptibly(); // the coordination agent signals every change of state
        }
    };

    /**
     * @return a monotonic time in ns, for deadlines and for how long something stood still: unlike {@link #time()},
     * it never steps when the wall clock is set. A stepped clock's default derives it from {@link #time()}.
     */
    default long nanoTime()
    {
        return TimeUnit.MILLISECONDS.toNanos(time());
    }

    /**
     * @return {@link #nanoTime()} in ms: what every deadline, lease and wait of the coordination is timed by.
     * {@link #time()} is only written to disk for display and compared, across hosts, for display.
     */
    default long monotonicMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime());
    }

    /**
     * Let about {@code ns} pass before the caller looks again.
     */
    void pauseNs(long ns);

    /**
     * Let about {@code ms} pass before the caller looks again.
     */
    default void pauseMs(final long ms)
    {
        pauseNs(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /**
     * Wait on {@code condition}, whose {@code lock} the caller holds once, until it is signalled; a stepped clock
     * instead releases the lock and lets {@code ms} pass. Either way the caller then looks at its state again.
     */
    void await(ReentrantLock lock, Condition condition, long ms);
}
