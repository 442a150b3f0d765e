package io.respool.dss.engine;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.ProcessIdentity;
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
import java.util.concurrent.locks.LockSupport;

/**
 * I/O fencing over the instance table, the image-file stand-in for SCSI-3 persistent reservations. A kick
 * ({@link Kick}) raises the victim's fence generation and waits for the victim's process to acknowledge it: its
 * {@link MembershipAgent} shuts its {@link FenceGate} and waits out writes in flight before it writes the
 * acknowledgement. The sectors and the kick's timing rules are {@code io.respool.dss.arbitration}'s; this class adds
 * the waiting on a {@link CoordinationClock}, and what becomes of a victim that stops heartbeating without
 * acknowledging (paused, hung): it is killed if it runs on this host, and the kick returns once it has exited; on
 * another host the kick says it could not confirm. "On this host" means what {@link HostProcesses} can name
 * precisely: the member sector's boot id and pid namespace are this process's, and its pid has the recorded start
 * time; a container on this kernel, a reused pid, or a member sector of version 1 counts as another host.
 */
final class Fencing
{
    static final long ACK_TIMEOUT_MS = Kick.ACK_TIMEOUT_MS;
    static final long STALE_MS = Kick.STALE_MS;
    /** How often a kick looks for the victim's acknowledgement. */
    static final long POLL_MS = 5;
    /** How long a process killed by a kick may take to exit. */
    static final long KILL_EXIT_TIMEOUT_S = 10;

    private Fencing()
    {
    }

    static KickResult kick(
        final SharedSectors sectors, final CoordinationClock clock, final HostProcesses processes, final int victim,
        final int by, final String vgName)
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
                case UNREADABLE ->
                {
                    // never taken for "not running": a live member of a newer version would lose its lease
                    throw new DssException(ErrorCode.CORRUPT, "the member sector of a kicked instance is unreadable (" +
                        kick.member().invalidReason() + "): vg=" + vgName + ", instance=" + victim + "; its fence is " +
                        "raised but whether its process stopped is unknown: stop it by hand, check that every " +
                        "instance runs the same version, then kick again");
                }
                case UNRESPONSIVE ->
                {
                    return unresponsive(sectors, processes, kick.member().process(), victim, vgName);
                }
                case WAITING -> clock.pauseMs(POLL_MS);
            }
        }
    }

    /**
     * The victim stopped heartbeating without acknowledging. Only a process this host names precisely (same boot,
     * same pid namespace, the recorded start time) is killed, or found gone; a pid of any other (another host, a
     * container on this kernel, a writer of member sector version 1) may mean an unrelated process here, so such a
     * victim is judged by the disk alone: its fence stands but is unconfirmed, and its lease is left to expire.
     */
    private static KickResult unresponsive(
        final SharedSectors sectors, final HostProcesses processes, final ProcessIdentity process, final int victim,
        final String vgName)
    {
        switch (processes.status(process))
        {
            case ELSEWHERE ->
            {
                return KickResult.UNCONFIRMED;
            }
            case GONE ->
            {
                return releaseLeaseOf(sectors, victim, KickResult.NOT_RUNNING);
            }
            default ->
            {
                if (process.equals(processes.self()))
                {
                    // another open of the group in this JVM whose agent hangs: a process cannot SIGKILL itself
                    throw new DssException(ErrorCode.IO_ERROR, "the unresponsive member of a kicked instance is this " +
                        "very process: vg=" + vgName + ", instance=" + victim + ", " + process + "; its fence stands; " +
                        "close that open of the volume group, or end this process");
                }
                if (!processes.kill(process))
                {
                    if (processes.status(process) == HostProcesses.Status.GONE)
                    {
                        return releaseLeaseOf(sectors, victim, KickResult.NOT_RUNNING); // exited meanwhile
                    }
                    throw new DssException(ErrorCode.IO_ERROR, "could not SIGKILL the unresponsive process of a " +
                        "kicked instance: vg=" + vgName + ", instance=" + victim + ", " + Processes.describe(process) +
                        "; kill it by hand, then kick again");
                }
                awaitExit(processes, process, victim, vgName);
                return releaseLeaseOf(sectors, victim, KickResult.KILLED);
            }
        }
    }

    /**
     * Wait, in real time, for a process sent SIGKILL to exit: the kernel ends it on its own time, not on the
     * coordination clock (a stepped clock would let the wait time out before the process had a chance to exit).
     */
    private static void awaitExit(
        final HostProcesses processes, final ProcessIdentity process, final int victim, final String vgName)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KILL_EXIT_TIMEOUT_S);
        while (processes.status(process) != HostProcesses.Status.GONE)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new DssException(ErrorCode.IO_ERROR, "kicked instance did not exit within " +
                    KILL_EXIT_TIMEOUT_S + " s of SIGKILL: vg=" + vgName + ", instance=" + victim + ", " +
                    Processes.describe(process) + "; it may be stuck in the kernel (state D): look at /proc/" +
                    process.pid() + "/stack");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
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

    static List<InstanceStatus> statuses(
        final SharedSectors sectors, final CoordinationClock clock, final HostProcesses processes)
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
            final boolean alive = memberValid && pid != 0 && isAlive(processes, member, nowMs);
            statuses.add(new InstanceStatus(id, memberValid && member.registered() && !fenced, fenced,
                fenceValid && memberValid && member.ackedFenceGeneration() >= fence.generation(), pid, alive,
                memberValid ? nowMs - member.heartbeatMs() : -1, lockHolder == id));
        }
        return statuses;
    }

    /**
     * @return true if the member's process runs: by {@code /proc} when this host names it precisely, else by a
     * recent heartbeat on the disk.
     */
    private static boolean isAlive(final HostProcesses processes, final MemberSector member, final long nowMs)
    {
        return switch (processes.status(member.process()))
        {
            case ELSEWHERE -> nowMs - member.heartbeatMs() < STALE_MS * 3;
            case RUNNING, STOPPED -> true;
            case GONE -> false;
        };
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
