package io.respool.dss.engine;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.ProcessIdentity;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Membership and fencing for one instance. The process that runs the instance is its member: it heartbeats in its
 * member sector every {@link #HEARTBEAT_MS}. Every process, member or not, watches the instance's fence sector; once
 * fenced it shuts its {@link FenceGate}, and when the writes in flight have left, the member acknowledges, so that
 * {@code kickh} knows no write of it can reach the volumes any more. Until then the agent does nothing else (no
 * heartbeat), as a process that is stuck in a write would not either. Runs on the coordination agent, except
 * {@link #join}, {@link #leave} and the fencing commands.
 */
final class MembershipAgent
{
    static final long HEARTBEAT_MS = 100;
    /** How long reghl and unreghl wait for this instance's agent to act on its own fence sector. */
    static final long FENCE_SEEN_TIMEOUT_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(MembershipAgent.class);

    private final String vgName;
    private final int instanceId;
    private final SharedSectors sectors;
    private final FenceGate gate;
    private final CoordinationClock clock;
    private final SharedFileLocks fileLocks;
    private final HostProcesses processes = Processes.HOST;
    private final long incarnation = ThreadLocalRandom.current().nextLong();
    private boolean member;
    private long heartbeat;
    private long lastHeartbeatMs;
    private boolean fenceDrainPending;
    private volatile long fenceGenerationSeen = -1;

    MembershipAgent(
        final String vgName, final int instanceId, final SharedSectors sectors, final FenceGate gate,
        final CoordinationClock clock, final SharedFileLocks fileLocks)
    {
        this.vgName = vgName;
        this.instanceId = instanceId;
        this.sectors = sectors;
        this.gate = gate;
        this.clock = clock;
        this.fileLocks = fileLocks;
    }

    /**
     * Become the instance's member unless a live process already is, and look at the fence.
     */
    void join()
    {
        member = !anotherLiveMember();
        if (member)
        {
            final long startNs = clock.nanoTime();
            writeMember(true, fenceGenerationOnDisk());
            fileLocks.heartbeatLanded(startNs);
            fileLocks.joined();
        }
        pollFence();
    }

    boolean isMember()
    {
        return member;
    }

    /**
     * @return this process's incarnation as the member: random per open, written in its member sector.
     */
    long incarnation()
    {
        return incarnation;
    }

    /**
     * @return true while the instance was fenced and writes it let in before are still in flight: nothing else may
     * happen on the agent until they have left and the fence is acknowledged.
     */
    boolean isFenceDrainPending()
    {
        return fenceDrainPending;
    }

    /**
     * The agent's part: act on the fence sector, then heartbeat when due.
     *
     * @return work done.
     */
    int doWork(final long nowMs)
    {
        int work = pollFence();
        if (!fenceDrainPending && member && nowMs - lastHeartbeatMs >= HEARTBEAT_MS)
        {
            final long startNs = clock.nanoTime();
            writeMember(!gate.isClosed() || fenceGenerationSeen == 0, fenceGenerationSeen);
            fileLocks.heartbeatLanded(startNs);
            lastHeartbeatMs = nowMs;
            work++;
        }
        return work;
    }

    /**
     * Leave the member sector unregistered-but-clean (pid 0), if this process was the member.
     */
    void leave()
    {
        if (member)
        {
            sectors.writeMember(instanceId, SharedSectors.blank(new MemberSector()).registered(!gate.isClosed())
                .process(ProcessIdentity.UNKNOWN).incarnation(incarnation).heartbeat(++heartbeat)
                .ackedFenceGeneration(fenceGenerationSeen).heartbeatMs(clock.time()));
        }
    }

    /**
     * Fence {@code victim} and wait until it acknowledged, was killed, or could not be confirmed.
     */
    KickResult kick(final int victim)
    {
        return Fencing.kick(sectors, clock, processes, victim, instanceId, vgName);
    }

    /**
     * Lift this instance's fence (reghl), and wait until its agent acted on it.
     */
    void register()
    {
        Fencing.writeFence(sectors, clock, instanceId, false, instanceId);
        awaitFenceSeen();
    }

    /**
     * Fence this instance itself (unreghl), and wait until its agent acted on it.
     */
    void unregister()
    {
        Fencing.writeFence(sectors, clock, instanceId, true, instanceId);
        awaitFenceSeen();
    }

    List<InstanceStatus> statuses()
    {
        return Fencing.statuses(sectors, clock, processes);
    }

    /**
     * Wait until the agent has acted on the fence sector as it is now (after reghl or unreghl from this process).
     */
    void awaitFenceSeen()
    {
        final long generation = fenceGenerationOnDisk();
        final long deadline = clock.monotonicMs() + FENCE_SEEN_TIMEOUT_MS;
        while (fenceGenerationSeen < generation)
        {
            if (clock.monotonicMs() - deadline > 0)
            {
                throw new DssException(ErrorCode.IO_ERROR, "this instance did not act on its fence sector within " +
                    FENCE_SEEN_TIMEOUT_MS + " ms: vg=" + vgName + ", instance=" + instanceId + ", generation=" +
                    generation + ", seen=" + fenceGenerationSeen + "; check the instance's log for I/O errors " +
                    "and run inq_reg to see its state");
            }
            clock.pauseMs(1);
        }
    }

    /**
     * @return true if another process runs this instance: alive on this host, or heartbeating from another. Only a
     * process this host names precisely (boot, pid namespace, start time) is judged by {@code /proc}: that includes
     * this very process, when another open of the same instance is live in it (a closed one wrote pid 0). Any other
     * (a container on this kernel, a member sector of version 1) is judged by its heartbeat.
     */
    private boolean anotherLiveMember()
    {
        final MemberSector current = sectors.readMember(instanceId);
        if (!current.isValid() || current.pid() == 0 ||
            current.incarnation() == incarnation)
        {
            return false;
        }
        final HostProcesses.Status status = processes.status(current.process());
        if (status != HostProcesses.Status.ELSEWHERE)
        {
            return status != HostProcesses.Status.GONE;
        }
        final long deadline = clock.monotonicMs() + 3 * HEARTBEAT_MS;
        while (clock.monotonicMs() - deadline <= 0)
        {
            if (sectors.readMember(instanceId).heartbeat() != current.heartbeat())
            {
                return true;
            }
            clock.pauseMs(Coordinator.TICK_MS);
        }
        return false;
    }

    private long fenceGenerationOnDisk()
    {
        final FenceSector fence = sectors.readFence(instanceId);
        return fence.isValid() ? fence.generation() : 0;
    }

    private int pollFence()
    {
        final FenceSector fence = sectors.readFence(instanceId);
        if (!fence.isValid() || fence.generation() == fenceGenerationSeen)
        {
            return 0;
        }
        if (fence.fenced())
        {
            gate.shut("instance " + instanceId + " is fenced off volume group " + vgName + " (kicked by instance " +
                fence.kickedBy() + "); nothing was written. Once it is safe, run dsscmd reghl to register again");
            fileLocks.fenced();
            fenceDrainPending = !gate.isDrained();
            if (fenceDrainPending)
            {
                return 0; // acknowledge only once the writes in flight have left: looked at again next duty cycle
            }
            LOG.info("fenced: vg={}, instance={}, by={}", vgName, instanceId, fence.kickedBy());
        }
        else
        {
            fenceDrainPending = false;
            gate.open();
        }
        fenceGenerationSeen = fence.generation();
        if (member)
        {
            writeMember(!fence.fenced(), fenceGenerationSeen);
        }
        return 1;
    }

    private void writeMember(final boolean registered, final long ackedFence)
    {
        sectors.writeMember(instanceId, SharedSectors.blank(new MemberSector()).registered(registered)
            .process(processes.self()).pid(Processes.PID).incarnation(incarnation).heartbeat(++heartbeat)
            .ackedFenceGeneration(ackedFence).heartbeatMs(clock.time()));
    }
}
