package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.format.DiskLease;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.VgHead;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * I/O fencing over the instance table, the image-file stand-in for SCSI-3 persistent reservations. A kick raises
 * the victim's fence generation and waits for the victim's process to acknowledge it: its {@link Coordinator} shuts
 * its {@link FenceGate} and waits out writes in flight before it writes the acknowledgement. A victim that stops
 * heartbeating without acknowledging (paused, hung) is killed if it runs on this host, and the kick returns once it
 * has exited; on another host the kick says it could not confirm.
 */
final class Fencing
{
    static final long ACK_TIMEOUT_MS = 5_000;
    static final long STALE_MS = 1_000;
    /** How often a kick looks for the victim's acknowledgement. */
    static final long POLL_MS = 5;

    private Fencing()
    {
    }

    static KickResult kick(final SharedSectors sectors, final int victim, final int by, final String vgName)
    {
        return kick(sectors, CoordinationClock.SYSTEM, victim, by, vgName);
    }

    static KickResult kick(
        final SharedSectors sectors, final CoordinationClock clock, final int victim, final int by, final String vgName)
    {
        if (victim == by)
        {
            throw new DssException(ErrorCode.INVALID_ARGUMENT, "an instance cannot kick itself: vg=" + vgName +
                ", instance=" + victim + "; use dsscmd unreghl");
        }
        checkRange(victim, vgName);
        final FenceSector mine = sectors.readFence(by);
        if (mine.isValid() && mine.fenced())
        {
            throw new DssException(ErrorCode.FENCED, "instance " + by + " is itself fenced and may not kick others: " +
                "vg=" + vgName + "; register it first (dsscmd reghl)");
        }
        final long generation = writeFence(sectors, clock, victim, true, by);
        final long start = clock.time();
        long lastHeartbeat = Long.MIN_VALUE;
        long lastChangeMs = start;
        while (true)
        {
            final long now = clock.time();
            final MemberSector member = sectors.readMember(victim);
            if (!member.isValid() || member.pid() == 0)
            {
                return releaseLeaseOf(sectors, victim, KickResult.NOT_RUNNING);
            }
            if (member.ackedFenceGeneration() >= generation)
            {
                return releaseLeaseOf(sectors, victim, KickResult.ACKNOWLEDGED);
            }
            if (member.heartbeat() != lastHeartbeat)
            {
                lastHeartbeat = member.heartbeat();
                lastChangeMs = now;
            }
            if (now - lastChangeMs > STALE_MS || now - start > ACK_TIMEOUT_MS)
            {
                if (Processes.isThisHost(member.bootId()))
                {
                    if (Processes.isRunningHere(member.pid(), member.bootId()))
                    {
                        killAndWait(member.pid(), victim, vgName);
                        return releaseLeaseOf(sectors, victim, KickResult.KILLED);
                    }
                    return releaseLeaseOf(sectors, victim, KickResult.NOT_RUNNING);
                }
                return KickResult.UNCONFIRMED;
            }
            clock.pauseMs(POLL_MS);
        }
    }

    private static void killAndWait(final int pid, final int victim, final String vgName)
    {
        final ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        if (process != null)
        {
            process.destroyForcibly();
            try
            {
                process.onExit().get(10, TimeUnit.SECONDS);
            }
            catch (final Exception ex)
            {
                throw new DssException(ErrorCode.IO_ERROR, "kicked instance did not exit after SIGKILL: vg=" + vgName +
                    ", instance=" + victim + ", " + Processes.describe(pid));
            }
        }
    }

    /**
     * A fenced victim will not write again, so its SHARE_DISK lease can be freed at once rather than expire.
     */
    private static KickResult releaseLeaseOf(final SharedSectors sectors, final int victim, final KickResult result)
    {
        final DiskLease lease = sectors.readLease();
        if (lease.isValid() && lease.owner() == victim)
        {
            sectors.writeLease(SharedSectors.blank(new DiskLease()).owner(DiskLease.FREE).periodMs(lease.periodMs()));
        }
        return result;
    }

    /**
     * Raise the fence generation of {@code instanceId} and set or lift its fence.
     *
     * @return the new generation.
     */
    static long writeFence(final SharedSectors sectors, final int instanceId, final boolean fenced, final int by)
    {
        return writeFence(sectors, CoordinationClock.SYSTEM, instanceId, fenced, by);
    }

    static long writeFence(
        final SharedSectors sectors, final CoordinationClock clock, final int instanceId, final boolean fenced,
        final int by)
    {
        final FenceSector current = sectors.readFence(instanceId);
        final long generation = (current.isValid() ? current.generation() : 0) + 1;
        sectors.writeFence(instanceId, SharedSectors.blank(new FenceSector()).generation(generation).fenced(fenced)
            .kickedBy(by).changedMs(clock.time()));
        return generation;
    }

    static List<InstanceStatus> statuses(final SharedSectors sectors)
    {
        return statuses(sectors, CoordinationClock.SYSTEM);
    }

    static List<InstanceStatus> statuses(final SharedSectors sectors, final CoordinationClock clock)
    {
        final long nowMs = clock.time();
        final VgHead head = sectors.readHead();
        final int lockHolder = head.isValid() && head.held() ? head.writer() : -1;
        final List<InstanceStatus> statuses = new ArrayList<>();
        for (int id = 0; id < EntryVolumeLayout.MAX_INSTANCES; id++)
        {
            final FenceSector fence = sectors.readFence(id);
            final MemberSector member = sectors.readMember(id);
            final boolean fenceValid = fence.isValid();
            final boolean memberValid = member.isValid();
            if (!fenceValid && !memberValid)
            {
                continue;
            }
            final boolean fenced = fenceValid && fence.fenced();
            final int pid = memberValid ? member.pid() : 0;
            final boolean alive = memberValid && pid != 0 && (Processes.isThisHost(member.bootId()) ?
                Processes.isRunningHere(pid, member.bootId()) :
                nowMs - member.heartbeatMs() < STALE_MS * 3);
            statuses.add(new InstanceStatus(id, memberValid && member.registered() && !fenced, fenced,
                fenceValid && memberValid && member.ackedFenceGeneration() >= fence.generation(), pid, alive,
                memberValid ? nowMs - member.heartbeatMs() : -1, lockHolder == id));
        }
        return statuses;
    }

    static void checkRange(final int instanceId, final String vgName)
    {
        if (instanceId < 0 || instanceId >= EntryVolumeLayout.MAX_INSTANCES)
        {
            throw new DssException(ErrorCode.INVALID_ARGUMENT, "instance id out of range: vg=" + vgName +
                ", instance=" + instanceId + ", range=[0," + (EntryVolumeLayout.MAX_INSTANCES - 1) + "]");
        }
    }
}
