package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.arbitration.Kick;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.VgHead;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * I/O fencing over the instance table, the image-file stand-in for SCSI-3 persistent reservations. A kick
 * ({@link Kick}) raises the victim's fence generation and waits for the victim's process to acknowledge it: its
 * {@link MembershipAgent} shuts its {@link FenceGate} and waits out writes in flight before it writes the
 * acknowledgement. The sectors and the kick's timing rules are {@code io.respool.dss.arbitration}'s; this class adds
 * the waiting on a {@link CoordinationClock}, and what becomes of a victim that stops heartbeating without
 * acknowledging (paused, hung): it is killed if it runs on this host, and the kick returns once it has exited; on
 * another host the kick says it could not confirm.
 */
final class Fencing
{
    static final long ACK_TIMEOUT_MS = Kick.ACK_TIMEOUT_MS;
    static final long STALE_MS = Kick.STALE_MS;
    /** How often a kick looks for the victim's acknowledgement. */
    static final long POLL_MS = 5;

    private Fencing()
    {
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
        final Kick kick = new Kick(sectors.arbitration(), victim, by);
        kick.start(clock.time()); // also written as the fence sector's time of change, which is shown
        while (true)
        {
            switch (kick.poll(clock.time()))
            {
                case NOT_RUNNING ->
                {
                    return releaseLeaseOf(sectors, victim, KickResult.NOT_RUNNING);
                }
                case ACKNOWLEDGED ->
                {
                    return releaseLeaseOf(sectors, victim, KickResult.ACKNOWLEDGED);
                }
                case UNRESPONSIVE ->
                {
                    final MemberSector member = kick.member();
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
                case WAITING -> clock.pauseMs(POLL_MS);
            }
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
        sectors.arbitration().freeLeaseOf(victim);
        return result;
    }

    /**
     * Raise the fence generation of {@code instanceId} and set or lift its fence.
     *
     * @return the new generation.
     */
    static long writeFence(
        final SharedSectors sectors, final CoordinationClock clock, final int instanceId, final boolean fenced,
        final int by)
    {
        return sectors.arbitration().raiseFence(instanceId, fenced, by, clock.time());
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
