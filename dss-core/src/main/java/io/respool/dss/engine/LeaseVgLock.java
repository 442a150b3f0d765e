package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.arbitration.LeaseWatch;
import io.respool.dss.format.DiskLease;

import java.util.concurrent.ThreadLocalRandom;

/**
 * STORAGE_MODE=SHARE_DISK: a heartbeat lease in the lease sector of the entry volume, needing no shared file system
 * across hosts. The holder's coordination agent raises the heartbeat every quarter period. A contender that sees the
 * same (owner, generation, heartbeat) for a whole period takes the lease over: only whether the sector changed is
 * compared, never clocks of two hosts. Taking over writes a new random generation, waits {@link #SETTLE_MS}, and
 * reads it back: of two contenders writing at once, only the one whose write landed last keeps it.
 * <p>
 * A holder that stops renewing (killed, or paused) loses the lease after one period. So that a paused holder that
 * wakes up cannot write on, {@link #checkBeforeWrite} runs immediately before every metadata write: the lease counts
 * as held only within {@link #SAFE_FRACTION} of a period after the last renewal that was confirmed on disk, and only
 * while the sector still names this holder's claim. A holder that lost it that way never writes the sector again
 * (no renewal, no release): it could overwrite the claim of whoever took it over. dss-core/DESIGN.md, "The paused
 * holder", gives the argument and the timing bound that remains.
 */
final class LeaseVgLock implements VgLock
{
    static final int DEFAULT_PERIOD_MS = 2000;
    static final long SETTLE_MS = 20;
    static final double SAFE_FRACTION = LeaseWatch.SAFE_FRACTION;
    /** How often a contender looks at the lease sector. */
    static final long POLL_MS = 5;

    private final SharedSectors sectors;
    private final int instanceId;
    private final int periodMs;
    private final CoordinationClock clock;
    private volatile boolean held;
    private volatile long confirmedMs;
    private long generation;
    private long heartbeat;
    private volatile int lastSeenOwner = -1;

    LeaseVgLock(final SharedSectors sectors, final int instanceId, final int periodMs, final CoordinationClock clock)
    {
        this.sectors = sectors;
        this.instanceId = instanceId;
        this.periodMs = periodMs;
        this.clock = clock;
    }

    @Override
    public void acquire(final long timeoutMs)
    {
        final long deadline = clock.monotonicMs() + timeoutMs;
        final LeaseWatch watch = new LeaseWatch(periodMs);
        while (true)
        {
            final long now = clock.monotonicMs();
            final DiskLease lease = sectors.readLease();
            if (watch.mayTake(lease, now) && LeaseWatch.same(lease, sectors.readLease()) && claim())
            {
                return;
            }
            if (now - deadline > 0)
            {
                throw new DssException(ErrorCode.VOLUME_IN_USE, "SHARE_DISK volume-group lease not granted within " +
                    timeoutMs + " ms: holder=instance " + lease.owner() + ", heartbeat=" + lease.heartbeat() +
                    "; another instance holds the lease or took it first; retry later");
            }
            clock.pauseMs(POLL_MS);
        }
    }

    private boolean claim()
    {
        final long claimGeneration = ThreadLocalRandom.current().nextLong();
        final long start = clock.monotonicMs();
        sectors.writeLease(SharedSectors.blank(new DiskLease()).owner(instanceId).periodMs(periodMs)
            .generation(claimGeneration).heartbeat(0));
        while (clock.monotonicMs() - start < SETTLE_MS)
        {
            clock.pauseMs(SETTLE_MS - (clock.monotonicMs() - start));
        }
        final DiskLease check = sectors.readLease();
        if (check.invalidReason() == null && check.owner() == instanceId && check.generation() == claimGeneration)
        {
            generation = claimGeneration;
            heartbeat = 0;
            confirmedMs = start;
            held = true;
            return true;
        }
        return false;
    }

    @Override
    public void onTick(final long nowMs)
    {
        if (held && nowMs - confirmedMs >= periodMs / 4)
        {
            final long start = clock.monotonicMs();
            if (!stillOurs(start))
            {
                held = false; // paused past the safe part of the period, or taken over: renewing could undo a claim
                return;
            }
            sectors.writeLease(SharedSectors.blank(new DiskLease()).owner(instanceId).periodMs(periodMs)
                .generation(generation).heartbeat(++heartbeat));
            confirmedMs = start;
        }
    }

    /**
     * @return true while the lease is surely still this instance's: renewed within half a period.
     */
    boolean isValid(final long nowMs)
    {
        return held && LeaseWatch.holderMayWrite(confirmedMs, nowMs, periodMs);
    }

    @Override
    public void checkBeforeWrite(final long nowMs)
    {
        if (!held || !stillOurs(nowMs))
        {
            held = false;
            throw new DssException(ErrorCode.VOLUME_IN_USE, "SHARE_DISK lease lost before a metadata write: " +
                "instance=" + instanceId + ", " + (confirmedMs == 0 ? "never held" : "last renewed " +
                (clock.monotonicMs() - confirmedMs) + " ms ago (period " + periodMs + " ms)") + ", sector owner=" +
                lastSeenOwner + "; nothing was written; the change was not made, retry it");
        }
    }

    /**
     * @return true if, as of {@code nowMs} (read before the sector), the last renewal is recent enough and the
     * sector still holds this holder's claim. Read again just before each write: another contender's claim may have
     * landed over ours.
     */
    private boolean stillOurs(final long nowMs)
    {
        if (!LeaseWatch.holderMayWrite(confirmedMs, nowMs, periodMs))
        {
            return false;
        }
        final DiskLease lease = sectors.readLease();
        lastSeenOwner = lease.invalidReason() == null ? lease.owner() : -1;
        return lease.invalidReason() == null && lease.owner() == instanceId && lease.generation() == generation &&
            LeaseWatch.holderMayWrite(confirmedMs, clock.monotonicMs(), periodMs);
    }

    @Override
    public void release()
    {
        if (held)
        {
            // Free it only while surely still ours: a holder paused past its lease leaves it to expire.
            if (stillOurs(clock.monotonicMs()))
            {
                sectors.writeLease(SharedSectors.blank(new DiskLease()).owner(DiskLease.FREE).periodMs(periodMs));
            }
            held = false;
        }
    }

    @Override
    public boolean canBeLostWhileHeld()
    {
        return true;
    }

    @Override
    public void close()
    {
        release();
    }
}
