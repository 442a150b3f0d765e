package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.VgHead;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How one instance (process) shares a volume group with others.
 * <ul>
 * <li><b>Volume-group lock.</b> Metadata changes run between {@link #enter()} and {@link #exit()}. The first thread
 * in takes the external {@link VgLock} and brings the state up to date from the log; the instance's other threads
 * share the hold, so their records are still group-committed. The lock is released {@link #LINGER_MS} after the last
 * thread left, so that a burst of changes does not pay for the lock each time.</li>
 * <li><b>VG head.</b> After each durable commit, {@link #publish} writes where the log ends; other instances read
 * that one sector before a lookup and replay what is new. A head left "held" means its holder died mid-change: the
 * next holder zeroes whatever a torn batch may have left past the valid end.</li>
 * <li><b>Membership and fencing.</b> The process that runs an instance is its member: it heartbeats in its member
 * sector. Every process, member or not, watches its instance's fence sector; once fenced it shuts its
 * {@link FenceGate} (waiting out writes in flight) and the member acknowledges, so that {@code kickh} knows no
 * write of it can reach the volumes any more.</li>
 * </ul>
 * The agent runs every {@link #TICK_MS} on its own thread, sleeping in between.
 */
final class Coordinator implements Agent
{
    static final long TICK_MS = 5;
    static final long LINGER_MS = 10;
    static final long HEARTBEAT_MS = 100;
    static final long LOCK_TIMEOUT_MS = 30_000;
    /** Longest a busy instance keeps the lock while others may wait for it. */
    static final long MAX_HOLD_MS = 500;
    /** How long an instance that drained the lock for others waits before it takes the lock back. */
    static final long DRAIN_GRACE_MS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    /** How long reghl and unreghl wait for this instance's agent to act on its own fence sector. */
    private static final long FENCE_SEEN_TIMEOUT_MS = 5_000;

    /**
     * What the coordinator asks of the engine.
     */
    interface Engine
    {
        /**
         * Replay what other instances committed. With {@code holdingLock}, also zero whatever lies past the valid
         * end when the head says its last holder died mid-change or the log ends before the published end, so
         * that no record past a torn or damaged one can ever come back. Holds the metadata write lock.
         */
        void catchUp(VgHead head, boolean holdingLock);

        long durableLsn();

        /**
         * Make every staged record durable.
         */
        void flushLog();

        /**
         * Staged records can never be written (fenced): the engine must be reopened.
         */
        void dropStaged(String why);

        long tailLsn();

        long rootSequence();
    }

    private final String vgName;
    private final int instanceId;
    private final SharedSectors sectors;
    private final VgLock vgLock;
    private final CoordinationClock clock;
    private final FenceGate gate = new FenceGate();
    private final long incarnation = ThreadLocalRandom.current().nextLong();
    private final ReentrantLock holdLock = new ReentrantLock();
    private final Condition holdChanged = holdLock.newCondition();
    private final Object publishLock = new Object();
    /** Shares the calling thread holds: a nested change re-enters even while the lock is being drained. */
    private final ThreadLocal<int[]> threadShares = ThreadLocal.withInitial(() -> new int[1]);
    private Engine engine;
    private AgentRunner runner;

    private int holders;
    private boolean externalHeld;
    private boolean acquiring;
    private long lingerDeadlineMs;
    private long heldSinceMs;
    private boolean draining;
    private long drainedAtMs;
    private long published = -1;
    private boolean member;
    private long heartbeat;
    private long lastHeartbeatMs;
    private volatile long fenceGenerationSeen = -1;

    Coordinator(final String vgName, final int instanceId, final SharedSectors sectors, final VgLock vgLock)
    {
        this(vgName, instanceId, sectors, vgLock, CoordinationClock.SYSTEM);
    }

    Coordinator(
        final String vgName, final int instanceId, final SharedSectors sectors, final VgLock vgLock,
        final CoordinationClock clock)
    {
        this.vgName = vgName;
        this.instanceId = instanceId;
        this.sectors = sectors;
        this.vgLock = vgLock;
        this.clock = clock;
    }

    /**
     * Join: become the instance's member unless a live process already is, look at the fence, and start the agent.
     */
    void start(final Engine engine)
    {
        this.engine = engine;
        member = !anotherLiveMember();
        if (member)
        {
            writeMember(true, fenceGenerationOnDisk());
        }
        pollFence();
        runner = new AgentRunner(new SleepingMillisIdleStrategy(TICK_MS), this::onError, null, this);
        AgentRunner.startOnThread(runner, task ->
        {
            final Thread thread = new Thread(task);
            thread.setDaemon(true); // an embedding process that forgot to close must still be able to exit
            return thread;
        });
    }

    /**
     * @return true if another process runs this instance: alive on this host, or heartbeating from another.
     */
    private boolean anotherLiveMember()
    {
        final MemberSector current = sectors.readMember(instanceId);
        if (!current.isValid() || current.pid() == 0 ||
            current.incarnation() == incarnation)
        {
            return false;
        }
        if (Processes.isThisHost(current.bootId()))
        {
            // In this very process, another open of the same instance is live (a closed one wrote pid 0).
            return current.pid() == Processes.PID || Processes.isRunningHere(current.pid(), current.bootId());
        }
        final long deadline = clock.time() + 3 * HEARTBEAT_MS;
        while (clock.time() - deadline <= 0)
        {
            if (sectors.readMember(instanceId).heartbeat() != current.heartbeat())
            {
                return true;
            }
            clock.pauseMs(TICK_MS);
        }
        return false;
    }

    private long fenceGenerationOnDisk()
    {
        final FenceSector fence = sectors.readFence(instanceId);
        return fence.isValid() ? fence.generation() : 0;
    }

    private void onError(final Throwable ex)
    {
        LOG.warn("volume-group coordination: vg={}, instance={}: {}", vgName, instanceId, ex.toString());
    }

    FenceGate gate()
    {
        return gate;
    }

    /**
     * @return true while this instance holds the volume-group lock and some thread has a share of it.
     */
    boolean isHeld()
    {
        holdLock.lock();
        try
        {
            return externalHeld && holders > 0;
        }
        finally
        {
            holdLock.unlock();
        }
    }

    int instanceId()
    {
        return instanceId;
    }

    boolean isMember()
    {
        return member;
    }

    /**
     * Take a share of this instance's hold on the volume-group lock, acquiring it if this is the first.
     */
    void enter()
    {
        final int[] shares = threadShares.get();
        holdLock.lock();
        try
        {
            if (shares[0] > 0)
            {
                holders++; // nested in a change this thread is making: the lock is held, and must stay so
                shares[0]++;
                return;
            }
            while (true)
            {
                if (externalHeld && clock.time() - heldSinceMs > MAX_HOLD_MS)
                {
                    draining = true; // held long enough: let it go so that other instances get their turn
                }
                if (externalHeld && !draining)
                {
                    holders++;
                    shares[0]++;
                    return;
                }
                if (!externalHeld && !acquiring)
                {
                    acquiring = true;
                    break;
                }
                clock.await(holdLock, holdChanged, TICK_MS);
            }
        }
        finally
        {
            holdLock.unlock();
        }
        boolean ok = false;
        try
        {
            // Just gave the lock up for others: give their polling a moment before taking it back.
            for (long sinceDrain; (sinceDrain = clock.time() - drainedAtMs) < DRAIN_GRACE_MS; )
            {
                clock.pauseMs(DRAIN_GRACE_MS - sinceDrain);
            }
            if (gate.isClosed())
            {
                throw gate.refused("metadata change on volume group " + vgName);
            }
            vgLock.acquire(LOCK_TIMEOUT_MS);
            try
            {
                if (!gate.tryEnter())
                {
                    throw gate.refused("metadata change on volume group " + vgName);
                }
                try
                {
                    engine.catchUp(sectors.readHead(), true);
                    writeHead(true, true);
                }
                finally
                {
                    gate.exit();
                }
                ok = true;
            }
            finally
            {
                if (!ok)
                {
                    vgLock.release();
                }
            }
        }
        finally
        {
            holdLock.lock();
            try
            {
                acquiring = false;
                if (ok)
                {
                    externalHeld = true;
                    heldSinceMs = clock.time();
                    holders++;
                    shares[0]++;
                }
                holdChanged.signalAll();
            }
            finally
            {
                holdLock.unlock();
            }
        }
    }

    void exit()
    {
        threadShares.get()[0]--;
        holdLock.lock();
        try
        {
            if (--holders == 0)
            {
                lingerDeadlineMs = draining ? 0 : clock.time() + LINGER_MS;
            }
        }
        finally
        {
            holdLock.unlock();
        }
    }

    /**
     * Replay what other instances committed, unless this instance holds the lock (then nobody else can write).
     *
     * @return true if the head had moved.
     */
    boolean refresh()
    {
        holdLock.lock();
        try
        {
            if (externalHeld || acquiring)
            {
                return false;
            }
            final VgHead head = sectors.readHead();
            if (!head.isValid() ||
                (head.endLsn() == engine.durableLsn() && head.rootSequence() == engine.rootSequence()))
            {
                return false;
            }
            engine.catchUp(head, false);
            return true;
        }
        finally
        {
            holdLock.unlock();
        }
    }

    /**
     * Check, just before a metadata write, that the volume-group lock is still this instance's.
     */
    void checkStillHeld()
    {
        if (vgLock instanceof LeaseVgLock lease && !lease.isValid(clock.time()))
        {
            throw new DssException(ErrorCode.VOLUME_IN_USE, "SHARE_DISK lease lost before a metadata write: vg=" +
                vgName + ", instance=" + instanceId + "; the change was not made, retry it");
        }
    }

    /**
     * Tell other instances that the log is durable up to {@code durableLsn}.
     */
    void publish()
    {
        synchronized (publishLock)
        {
            if (engine.durableLsn() > published)
            {
                writeHead(true, false);
            }
        }
    }

    private void writeHead(final boolean held, final boolean durable)
    {
        synchronized (publishLock)
        {
            final long end = engine.durableLsn();
            sectors.writeHead(SharedSectors.blank(new VgHead()).endLsn(end).checkpointLsn(engine.tailLsn())
                .rootSequence(engine.rootSequence()).writer(instanceId).held(held), durable);
            published = end;
        }
    }

    @Override
    public int doWork()
    {
        final long now = clock.time();
        int work = pollFence();
        vgLock.onTick(now);
        if (member && now - lastHeartbeatMs >= HEARTBEAT_MS)
        {
            writeMember(!gate.isClosed() || fenceGenerationSeen == 0, fenceGenerationSeen);
            lastHeartbeatMs = now;
            work++;
        }
        holdLock.lock();
        try
        {
            if (externalHeld && holders == 0 && !acquiring && now - lingerDeadlineMs >= 0)
            {
                releaseExternal();
                if (draining)
                {
                    draining = false;
                    drainedAtMs = now;
                }
                holdChanged.signalAll();
                work++;
            }
        }
        finally
        {
            holdLock.unlock();
        }
        return work;
    }

    /**
     * Make every staged record durable and publish a clean head before another instance may take the lock; a
     * fenced instance writes neither, and leaves the head "held" so that the next holder seals the log's end.
     */
    private void releaseExternal()
    {
        try
        {
            gate.enter("release of the volume-group lock");
            try
            {
                engine.flushLog();
                writeHead(false, false);
            }
            finally
            {
                gate.exit();
            }
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() != ErrorCode.FENCED)
            {
                throw ex;
            }
            engine.dropStaged("fenced before they were written");
        }
        finally
        {
            externalHeld = false;
            vgLock.release();
        }
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
            gate.close("instance " + instanceId + " is fenced off volume group " + vgName + " (kicked by instance " +
                fence.kickedBy() + "); nothing was written. Once it is safe, run dsscmd reghl to register again");
            LOG.info("fenced: vg={}, instance={}, by={}", vgName, instanceId, fence.kickedBy());
        }
        else
        {
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
            .pid((int)Processes.PID).incarnation(incarnation).heartbeat(++heartbeat).ackedFenceGeneration(ackedFence)
            .bootId(Processes.BOOT_ID).heartbeatMs(clock.time()));
    }

    @Override
    public String roleName()
    {
        return "dss-coordinator-" + vgName + "-" + instanceId;
    }

    /**
     * Stop the agent, release the lock, and leave the member sector unregistered-but-clean (pid 0).
     */
    void close()
    {
        CloseHelper.quietClose(runner);
        holdLock.lock();
        try
        {
            if (externalHeld)
            {
                releaseExternal();
            }
        }
        finally
        {
            holdLock.unlock();
        }
        if (member)
        {
            sectors.writeMember(instanceId, SharedSectors.blank(new MemberSector()).registered(!gate.isClosed())
                .pid(0).incarnation(incarnation).heartbeat(++heartbeat).ackedFenceGeneration(fenceGenerationSeen)
                .bootId(Processes.BOOT_ID).heartbeatMs(clock.time()));
        }
        CloseHelper.quietClose(vgLock);
    }

    SharedSectors sectors()
    {
        return sectors;
    }

    /**
     * Wait until the agent has acted on the fence sector as it is now (after reghl or unreghl from this process).
     */
    void awaitFenceSeen()
    {
        final long generation = fenceGenerationOnDisk();
        final long deadline = clock.time() + FENCE_SEEN_TIMEOUT_MS;
        while (fenceGenerationSeen < generation)
        {
            if (clock.time() - deadline > 0)
            {
                throw new DssException(ErrorCode.IO_ERROR, "this instance did not act on its fence sector within " +
                    FENCE_SEEN_TIMEOUT_MS + " ms: vg=" + vgName + ", instance=" + instanceId + ", generation=" +
                    generation + ", seen=" + fenceGenerationSeen + "; check the instance's log for I/O errors " +
                    "and run inq_reg to see its state");
            }
            clock.pauseMs(1);
        }
    }
}
