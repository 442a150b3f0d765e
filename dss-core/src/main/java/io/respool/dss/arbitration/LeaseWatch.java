package io.respool.dss.arbitration;

import io.respool.dss.format.DiskLease;

/**
 * The SHARE_DISK lease rules, for its holder and for a contender. A contender reads the lease sector again and again
 * and gives each read to {@link #mayTake}: a lease is free, or may be taken over once its (owner, generation,
 * heartbeat) stayed the same for a whole lease period of the contender's own clock; no clocks of two hosts are
 * compared. The holder renews every quarter period and may write only within {@link #SAFE_FRACTION} of a period
 * after its last renewal confirmed on disk ({@link #holderMayWrite}), so that a paused holder that wakes up stops
 * before anyone could have taken the lease over. Not thread-safe: one contender uses a watch.
 */
public final class LeaseWatch
{
    /** The part of a period after its last confirmed renewal within which a holder may still write. */
    public static final double SAFE_FRACTION = 0.5;

    private final int ownPeriodMs;
    private boolean seen;
    private int owner;
    private long generation;
    private long heartbeat;
    private long unchangedSinceMs;

    /**
     * @param ownPeriodMs the contender's lease period: a holder's lease is waited out for the longer of its own
     *                    period and this one.
     */
    public LeaseWatch(final int ownPeriodMs)
    {
        this.ownPeriodMs = ownPeriodMs;
    }

    /**
     * @return true if {@code lease}, read at {@code nowMs}, is free or was the same at every read for longer than a
     * whole period.
     */
    public boolean mayTake(final DiskLease lease, final long nowMs)
    {
        if (!lease.isValid() || lease.owner() == DiskLease.FREE)
        {
            return true;
        }
        if (!seen || lease.owner() != owner || lease.generation() != generation || lease.heartbeat() != heartbeat)
        {
            seen = true;
            owner = lease.owner();
            generation = lease.generation();
            heartbeat = lease.heartbeat();
            unchangedSinceMs = nowMs;
            return false;
        }
        return nowMs - unchangedSinceMs > Math.max(lease.periodMs(), ownPeriodMs);
    }

    /**
     * @return true if two reads show the same lease: nobody claimed, renewed or freed it between them. Read the lease
     * again just before claiming it, and claim only if this holds.
     */
    public static boolean same(final DiskLease earlier, final DiskLease later)
    {
        return later.isEmpty() && earlier.isEmpty() ||
            later.owner() == earlier.owner() && later.generation() == earlier.generation() &&
            later.heartbeat() == earlier.heartbeat();
    }

    /**
     * @return true while a holder whose last renewal was confirmed on disk at {@code confirmedMs} may still write.
     */
    public static boolean holderMayWrite(final long confirmedMs, final long nowMs, final int periodMs)
    {
        return nowMs - confirmedMs < periodMs * SAFE_FRACTION;
    }
}
