package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileRangeLock;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.format.VgHead;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How one instance (process) shares a volume group with others: the coordination agent, composed of
 * <ul>
 * <li>{@link VgLockHold}: the instance's threads share one hold on the volume-group lock;</li>
 * <li>{@link HeadPublisher}: the VG head, where the log ends and whether a change is under way;</li>
 * <li>{@link MembershipAgent}: the member heartbeat and the fence, which shuts the {@link FenceGate}.</li>
 * </ul>
 * The agent runs every {@link #TICK_MS} on its own thread, sleeping in between, and reads its
 * {@link CoordinationClock} once per duty cycle. {@link #join} instead lets a test drive {@link #doWork} by hand.
 */
final class Coordinator implements Agent
{
    static final long TICK_MS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

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
    private final MembershipAgent membership;
    private final SharedFileLocks fileLocks;
    private final AtomicLong errors = new AtomicLong();
    private HeadPublisher head;
    private VgLockHold hold;
    private AgentRunner runner;
    private volatile String readOnlyReason;
    private volatile boolean frozen;

    Coordinator(
        final String vgName, final int instanceId, final SharedSectors sectors, final VgLock vgLock,
        final CoordinationClock clock)
    {
        this.vgName = vgName;
        this.instanceId = instanceId;
        this.sectors = sectors;
        this.vgLock = vgLock;
        this.clock = clock;
        this.fileLocks = new SharedFileLocks(vgName, instanceId, sectors, clock, this,
            new SharedFileLocks.Membership()
            {
                @Override
                public boolean isMember()
                {
                    return membership.isMember();
                }

                @Override
                public long incarnation()
                {
                    return membership.incarnation();
                }
            });
        this.membership = new MembershipAgent(vgName, instanceId, sectors, gate, clock, fileLocks);
    }

    /**
     * Join, and start the agent on its own (daemon) thread.
     */
    void start(final Engine engine)
    {
        join(engine);
        runner = new AgentRunner(new SleepingMillisIdleStrategy(TICK_MS), this::onError, null, this);
        AgentRunner.startOnThread(runner, task ->
        {
            final Thread thread = new Thread(task);
            thread.setDaemon(true); // an embedding process that forgot to close must still be able to exit
            return thread;
        });
    }

    private void prepare(final Engine engine)
    {
        head = new HeadPublisher(instanceId, sectors, engine, () -> vgLock.checkBeforeWrite(clock.monotonicMs()));
        hold = new VgLockHold(vgName, instanceId, vgLock, gate, head, clock);
    }

    /**
     * Open read-only: no member, no agent, nothing written. The gate is shut before any write with
     * {@code reason}; a damaged log also freezes the view (no refresh), since no instance can change the group
     * past the damage.
     */
    void startReadOnly(final Engine engine, final String reason, final boolean damaged)
    {
        prepare(engine);
        gate.shutReadOnly(reason, damaged ? ErrorCode.CORRUPT : ErrorCode.READ_ONLY);
        readOnlyReason = reason;
        frozen = damaged;
    }

    /**
     * @throws DssException if the group was opened read-only: before any lock is taken.
     */
    void refuseIfReadOnly(final String what)
    {
        if (readOnlyReason != null)
        {
            throw gate.refused(what);
        }
    }

    /**
     * Join: become the instance's member unless a live process already is, and look at the fence. The caller then
     * runs {@link #doWork} ({@link #start} does so on a thread).
     */
    void join(final Engine engine)
    {
        prepare(engine);
        membership.join();
    }

    /**
     * Where the agent's errors go: counted, then logged. The agent carries on (the next duty cycle tries again).
     */
    void onError(final Throwable ex)
    {
        final long count = errors.incrementAndGet();
        LOG.warn("volume-group coordination: vg={}, instance={}, errors={}: {}", vgName, instanceId, count,
            ex.toString());
    }

    /**
     * @return how many errors the coordination agent (this instance's fencing agent) has had since it started: a
     * rising count means heartbeats, fence polls or lock releases are failing.
     */
    long errorCount()
    {
        return errors.get();
    }

    FenceGate gate()
    {
        return gate;
    }

    VgLockHold.State holdState()
    {
        return hold.state();
    }

    int instanceId()
    {
        return instanceId;
    }

    boolean isMember()
    {
        return membership.isMember();
    }

    /**
     * Take a share of this instance's hold on the volume-group lock, acquiring it if this is the first.
     */
    void enter()
    {
        hold.enter();
    }

    void exit()
    {
        hold.exit();
    }

    /**
     * Replay what other instances committed, unless this instance holds the lock (then nobody else can write).
     *
     * @return true if the head had moved.
     */
    boolean refresh()
    {
        if (frozen)
        {
            return false;
        }
        return hold.runIfFree(head::catchUpIfMoved);
    }

    /**
     * @return true if the volume-group lock can be lost while held (the SHARE_DISK lease): see
     * {@link VgLock#canBeLostWhileHeld()}.
     */
    boolean lockCanBeLostWhileHeld()
    {
        return vgLock.canBeLostWhileHeld();
    }

    /**
     * Check, just before a metadata write, that the volume-group lock is still this instance's.
     */
    void checkStillHeld()
    {
        hold.checkStillHeld();
    }

    /**
     * Tell other instances that the log is durable up to {@code durableLsn}.
     */
    void publish()
    {
        head.publish();
    }

    @Override
    public int doWork()
    {
        final long nowMs = clock.monotonicMs();
        int work = membership.doWork(nowMs);
        if (membership.isFenceDrainPending())
        {
            return work; // as if stuck until the writes in flight have left: no lease renewal, no release
        }
        vgLock.onTick(nowMs);
        work += hold.doWork(nowMs);
        return work;
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
        fileLocks.close();
        if (hold != null)
        {
            hold.close();
        }
        membership.leave();
        CloseHelper.quietClose(vgLock);
    }

    /**
     * One attempt at a file lock held across instances through the entry volume; see {@link SharedFileLocks}.
     */
    FileRangeLock tryLockRange(final long fileId, final long position, final long size, final boolean shared)
    {
        return fileLocks.tryLock(fileId, position, size, shared);
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
        membership.awaitFenceSeen();
    }

    /**
     * Fence {@code victim}, timed by this coordinator's clock; see {@link Fencing}.
     */
    KickResult kick(final int victim)
    {
        return membership.kick(victim);
    }

    /**
     * reghl: lift this instance's fence and wait until the agent acted on it.
     */
    void register()
    {
        membership.register();
    }

    /**
     * unreghl: fence this instance and wait until the agent acted on it.
     */
    void unregister()
    {
        membership.unregister();
    }

    List<InstanceStatus> statuses()
    {
        return membership.statuses();
    }
}
