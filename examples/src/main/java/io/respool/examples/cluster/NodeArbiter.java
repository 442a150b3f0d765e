package io.respool.examples.cluster;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.cluster.arbiter.Arbiter;
import io.respool.cluster.arbiter.ArbiterContext;
import io.respool.cluster.arbiter.ArbiterListener;
import io.respool.cluster.arbiter.ArbiterState;
import io.respool.cluster.arbiter.ClusterAreaLayout;
import io.respool.cluster.arbiter.ClusterDisk;
import io.respool.cluster.arbiter.DecidedViews;
import io.respool.cluster.arbiter.DecisionRegister;
import io.respool.cluster.arbiter.DiskPaxosRegister;
import io.respool.cluster.arbiter.EntryVolumeSectorIo;
import io.respool.cluster.arbiter.Fencer;
import io.respool.cluster.arbiter.HeartbeatSector;
import io.respool.cluster.arbiter.NetworkLiveness;
import io.respool.cluster.arbiter.SelfFence;
import io.respool.cluster.arbiter.UdpLiveness;
import io.respool.cluster.arbiter.VolumeGroupFencer;
import io.respool.dms.api.MembershipView;
import io.respool.dss.KickResult;
import io.respool.dss.VolumeGroup;
import io.respool.dss.arbitration.ArbitrationSectors;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The cluster manager embedded in a node: the cluster module's {@link Arbiter} over the volume group's entry volume
 * (disk heartbeats, the Disk Paxos register, DSS fencing through {@link VolumeGroupFencer}), with no network lane
 * ({@link NetworkLiveness#diskOnly()}: a node is removed once its disk heartbeat stayed unchanged for the lease
 * timeout). Its {@link DecidedViews} is the DMS membership source. One thread runs the arbiter's duty cycle.
 * <p>
 * It also reports the failover's steps ({@link FailoverEvents}): it watches the peers' heartbeat sectors itself for
 * the first sign of a failure (the arbiter judges only at the lease timeout), and sees the arbiter's proposals and
 * fences through thin wrappers of its register and fencer.
 */
final class NodeArbiter implements AutoCloseable
{
    /** How often the duty cycle runs: well inside the 100 ms heartbeat interval. */
    private static final long DUTY_CYCLE_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final int nodeId;
    private final int nodeCount;
    private final ArbiterContext ctx;
    private final BlockDevice device;
    private final ClusterDisk disk;
    private final VolumeGroupFencer fencer;
    private final DecidedViews views = new DecidedViews();
    private final Arbiter arbiter;
    private final FailoverEvents events;
    private final Thread thread;
    private final long[] lastCounter;
    private final long[] lastChangeNs;
    private final boolean[] suspected;
    private final boolean[] fencedReported;
    private final UdpLiveness lane;
    private final boolean[] silent;
    private volatile boolean running = true;
    private volatile long joiningAtNs;
    private volatile long restartedAtNs;
    private long nextWatchNs;

    /**
     * @param image     the volume group's entry volume (the cluster area lies in its allocation unit 0).
     * @param group     this node's open volume group, for the kick.
     * @param selfFence what the node does when its arbiter fences it.
     * @param lane      every node's UDP lane endpoint (index = node id), or null for none: the disk alone decides.
     * @param arbitrationPaused whether the operator paused the cluster ({@code cmctl pause}).
     */
    NodeArbiter(final int nodeId, final int nodeCount, final Path image, final VolumeGroup group,
        final FailoverEvents events, final SelfFence selfFence, final List<InetSocketAddress> lane,
        final BooleanSupplier arbitrationPaused)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.events = events;
        this.fencer = new VolumeGroupFencer(group, node -> node);
        // a restarted node's DSS instance was fenced when the cluster removed it: the arbiter registers it again
        // (reghl) once the primary has admitted the node back, before it lets the node serve
        this.ctx = new ArbiterContext().nodeId(nodeId).nodeCount(nodeCount).initialView((1L << nodeCount) - 1, 0)
            .storageAdmission(fencer.admission()).arbitrationPaused(arbitrationPaused).conclude();
        this.device = BlockDevices.open(image);
        this.disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
            new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE));
        final long nowNs = System.nanoTime();
        this.lastCounter = new long[nodeCount];
        this.lastChangeNs = new long[nodeCount];
        this.suspected = new boolean[nodeCount];
        this.fencedReported = new boolean[nodeCount];
        this.silent = new boolean[nodeCount];
        java.util.Arrays.fill(lastChangeNs, nowNs);
        this.lane = lane == null ? null : new UdpLiveness(nodeId, ProcessHandle.current().pid(), lane,
            ctx.heartbeatIntervalNs(), nowNs);
        this.arbiter = new Arbiter(ctx, disk, new ReportingRegister(new DiskPaxosRegister(disk, nodeId, nodeCount)),
            this.lane == null ? NetworkLiveness.diskOnly() : this.lane, new ReportingFencer(fencer), selfFence, views,
            ThreadLocalRandom.current().nextLong(), nowNs);
        views.listen(this::onView);
        arbiter.listen(new ArbiterListener()
        {
            @Override
            public void onWithheld(final int node, final String what)
            {
                System.out.println("arbiter: " + what);
            }
        });
        this.thread = new Thread(this::loop, "arbiter-" + nodeId);
        this.thread.setDaemon(true);
    }

    /**
     * Zero the cluster area, as when a cluster is created: the launcher does it before it starts the nodes, so
     * that a run never inherits the views (and fences) of the last one.
     */
    static void format(final Path image, final int nodeCount)
    {
        try (BlockDevice device = BlockDevices.open(image))
        {
            new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE)).format(nodeCount);
        }
    }

    NodeArbiter start()
    {
        thread.start();
        return this;
    }

    DecidedViews views()
    {
        return views;
    }

    /**
     * @param cmNodeId this node's id in the CM configuration (1-based).
     * @return what carries out {@code cmctl switchover/failover -n} for this node: the arbiter's role requests.
     */
    io.respool.cluster.node.NodeControlFiles.Handler roleRequests(final int cmNodeId)
    {
        return new io.respool.cluster.node.ArbiterRoleRequests(arbiter, cmNodeId);
    }

    ArbiterState state()
    {
        return arbiter.state();
    }

    /**
     * Wait for the first decided view.
     *
     * @throws IllegalStateException if none was decided in time, or this node was fenced.
     */
    MembershipView awaitFirstView(final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!views.hasView())
        {
            if (arbiter.state() == ArbiterState.FENCED)
            {
                throw new IllegalStateException("the arbiter fenced this node before a first view: " +
                    arbiter.fenceReason());
            }
            if (deadlineNs - System.nanoTime() < 0)
            {
                throw new IllegalStateException("no membership view decided on the disk in " +
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: is the other node running?");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return views.current();
    }

    private void loop()
    {
        while (running)
        {
            final long nowNs = System.nanoTime();
            try
            {
                arbiter.doWork(nowNs, System.currentTimeMillis());
                watchOwnSector(nowNs);
                watchPeers(nowNs);
            }
            catch (final RuntimeException ex)
            {
                // an I/O error on the cluster area: the arbiter's own timers decide what it means (it fences
                // itself if it cannot renew); say so and go on
                System.out.println("arbiter duty cycle failed: " + ex);
            }
            LockSupport.parkNanos(DUTY_CYCLE_NS);
        }
    }

    /**
     * While not a member, note when this node's own sector first says RESTARTED (the cluster must remove the
     * process before it) and JOINING (asking to be admitted): the steps of a rejoin, for its timing.
     */
    private void watchOwnSector(final long nowNs)
    {
        if (arbiter.state() != ArbiterState.JOINING || (joiningAtNs != 0 && restartedAtNs != 0))
        {
            return;
        }
        final HeartbeatSector own = disk.readHeartbeat(nodeId);
        if (own.isValid() && own.state() == HeartbeatSector.RESTARTED && restartedAtNs == 0)
        {
            restartedAtNs = nowNs;
        }
        if (own.isValid() && own.state() == HeartbeatSector.JOINING && joiningAtNs == 0)
        {
            joiningAtNs = nowNs;
        }
    }

    /**
     * @return when this node's sector first said JOINING, {@link System#nanoTime} clock; 0 if it never did.
     */
    long joiningAtNs()
    {
        return joiningAtNs;
    }

    /**
     * @return when this node's sector first said RESTARTED; 0 if it never did (the cluster had removed it).
     */
    long restartedAtNs()
    {
        return restartedAtNs;
    }

    private void watchPeers(final long nowNs)
    {
        if (nowNs - nextWatchNs < 0 || !views.hasView())
        {
            return;
        }
        nextWatchNs = nowNs + ctx.heartbeatIntervalNs();
        final MembershipView view = views.current();
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer == nodeId || !view.isMember(peer))
            {
                continue;
            }
            watchLane(peer, nowNs);
            final HeartbeatSector sector = disk.readHeartbeat(peer);
            if (!sector.isValid())
            {
                continue;
            }
            if (sector.counter() != lastCounter[peer])
            {
                lastCounter[peer] = sector.counter();
                lastChangeNs[peer] = nowNs;
                if (suspected[peer])
                {
                    suspected[peer] = false;
                    events.emit(FailoverEvents.SUSPICION_CLEARED, "node " + peer + ": disk heartbeat changed again " +
                        "(counter " + sector.counter() + ")");
                }
            }
            else if (nowNs - lastChangeNs[peer] >= ctx.diskSuspectTimeoutNs())
            {
                suspect(peer, "disk heartbeat unchanged for " +
                    TimeUnit.NANOSECONDS.toMillis(nowNs - lastChangeNs[peer]) + " ms (counter " +
                    sector.counter() + ")");
            }
        }
    }

    /**
     * A peer silent on the UDP lane for three heartbeat intervals is reported once (until heard again): the
     * first sign of a partition, which the arbiter judges only at the network suspect timeout.
     */
    private void watchLane(final int peer, final long nowNs)
    {
        if (lane == null || lane.lastHeardNs(peer) == NetworkLiveness.NEVER)
        {
            return;
        }
        final long quietNs = nowNs - lane.lastHeardNs(peer);
        if (quietNs < 3 * ctx.heartbeatIntervalNs())
        {
            silent[peer] = false;
        }
        else if (!silent[peer])
        {
            silent[peer] = true;
            events.emit(FailoverEvents.SUSPECTED, "node " + peer + ": not heard on the UDP lane for " +
                TimeUnit.NANOSECONDS.toMillis(quietNs) + " ms (its disk heartbeat is judged apart)");
        }
    }

    private void onView(final MembershipView view)
    {
        if (view.version() > 1)
        {
            events.emit(FailoverEvents.PUBLISHED, view.toString());
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        fencer.close();
        if (lane != null)
        {
            lane.close();
        }
        device.close();
    }

    /**
     * Report a peer suspected once, by this node's own watch or, when the arbiter is quicker, by its proposal.
     */
    private void suspect(final int peer, final String why)
    {
        if (!suspected[peer])
        {
            suspected[peer] = true;
            events.emit(FailoverEvents.SUSPECTED, "node " + peer + ": " + why);
        }
    }

    /**
     * The register, reporting each proposal that removes a member: the arbiter's confirmation of a failure.
     */
    private final class ReportingRegister implements DecisionRegister
    {
        private final DecisionRegister register;

        ReportingRegister(final DecisionRegister register)
        {
            this.register = register;
        }

        @Override
        public MembershipView latest()
        {
            return register.latest();
        }

        @Override
        public boolean propose(final MembershipView proposal)
        {
            final boolean started = register.propose(proposal);
            final MembershipView latest = register.latest();
            final long removed = latest == null ? 0 : latest.members() & ~proposal.members();
            if (started && removed != 0)
            {
                final int victim = Long.numberOfTrailingZeros(removed);
                suspect(victim, "removal proposed by the arbiter before this node's watch saw it");
                events.emit(FailoverEvents.CONFIRMED, "proposing " + proposal + ": the arbiter found node " +
                    victim + " dead or stopped on this host, or its disk lease (" + ctx.leaseTimeoutNs() / 1_000_000 +
                    " ms) ran out (the reason is its KEY_EVENT_RES_ARBITRATE line)");
            }
            return started;
        }

        @Override
        public boolean refresh()
        {
            return register.refresh();
        }

        @Override
        public boolean busy()
        {
            return register.busy();
        }

        @Override
        public int doWork(final long nowNs)
        {
            return register.doWork(nowNs);
        }

        @Override
        public Outcome outcome()
        {
            return register.outcome();
        }

        @Override
        public String abortReason()
        {
            return register.abortReason();
        }
    }

    /**
     * The fencer, reporting how each kick ended.
     */
    private final class ReportingFencer implements Fencer
    {
        private final Fencer fencer;

        ReportingFencer(final Fencer fencer)
        {
            this.fencer = fencer;
        }

        @Override
        public void start(final int victim)
        {
            fencer.start(victim);
        }

        @Override
        public boolean fenceRaised(final int victim)
        {
            final boolean raised = fencer.fenceRaised(victim);
            if (raised)
            {
                fenced(victim, "storage fence raised, its process gone");
            }
            return raised;
        }

        @Override
        public KickResult poll(final int victim)
        {
            final KickResult result = fencer.poll(victim);
            if (result != null)
            {
                fenced(victim, "kicked: " + result);
            }
            return result;
        }

        private void fenced(final int victim, final String how)
        {
            if (!fencedReported[victim])
            {
                fencedReported[victim] = true;
                events.emit(FailoverEvents.FENCED, "node " + victim + " (DSS instance " + victim + ") fenced off " +
                    "volume group " + ClusterStorage.VG_NAME + ": " + how);
            }
        }
    }
}
