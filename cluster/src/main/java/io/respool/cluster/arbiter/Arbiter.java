package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node's arbiter: renews its disk heartbeat, watches its peers' on its own clock, takes network silence as a
 * suspicion to confirm on the disk, proposes the view that removes a failed node, fences every node a decided view
 * removes before publishing that view to {@link DecidedViews}, and fences itself when it cannot renew in time, is
 * removed, or is cut off from a primary that still renews (a partition: the primary's side continues). Rules and
 * their argument: cluster/DESIGN.md. An agent: {@link #doWork} with the caller's clock, no threads of its own;
 * {@link #mayServe} may be read from any thread.
 */
public final class Arbiter
{
    private static final Logger LOG = LoggerFactory.getLogger(Arbiter.class);
    private static final long GAP_REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final ArbiterContext ctx;
    private final ClusterDisk disk;
    private final DecisionRegister register;
    private final NetworkLiveness network;
    private final Fencer fencer;
    private final SelfFence selfFence;
    private final DecidedViews views;
    private final OwnHeartbeat heartbeat;
    private final PeerWatch[] watches;
    private final Map<Integer, Fencing> fencings = new HashMap<>();
    private final int me;
    private final long startNs;
    private volatile ArbiterState state = ArbiterState.JOINING;
    private MembershipView published;
    private boolean refreshedOnce;
    private boolean proposing;
    private long nextPeerReadNs;
    private long nextPollNs;
    private long backoffUntilNs;
    private long nextGapReportNs;
    private String fenceReason;

    public Arbiter(
        final ArbiterContext ctx, final ClusterDisk disk, final DecisionRegister register,
        final NetworkLiveness network, final Fencer fencer, final SelfFence selfFence, final DecidedViews views,
        final long incarnation, final long nowNs)
    {
        this.ctx = ctx.conclude();
        this.disk = disk;
        this.register = register;
        this.network = network;
        this.fencer = fencer;
        this.selfFence = selfFence;
        this.views = views;
        this.me = ctx.nodeId();
        this.startNs = nowNs;
        this.nextGapReportNs = nowNs + GAP_REPORT_INTERVAL_NS;
        this.heartbeat = new OwnHeartbeat(disk, me, incarnation, this.ctx.hostProcesses().self(),
            ctx.heartbeatIntervalNs(), ctx.selfFenceTimeoutNs(), nowNs);
        this.watches = new PeerWatch[ctx.nodeCount()];
        for (int node = 0; node < watches.length; node++)
        {
            watches[node] = new PeerWatch(node, nowNs);
        }
    }

    /**
     * @return the distribution of this node's own heartbeat renewal gaps so far, for the log and {@code query}.
     */
    public String renewalGaps()
    {
        return heartbeat.gaps().toString();
    }

    public ArbiterState state()
    {
        return state;
    }

    /**
     * @return why this node fenced itself, null if it did not.
     */
    public String fenceReason()
    {
        return fenceReason;
    }

    /**
     * The gate every write to the shared storage and every served request checks, immediately before it.
     *
     * @return true while this node is a member whose own heartbeat was confirmed within the self-fence timeout.
     */
    public boolean mayServe(final long nowNs)
    {
        return state == ArbiterState.MEMBER && heartbeat.mayServe(nowNs);
    }

    /**
     * One duty cycle.
     *
     * @return work done.
     */
    public int doWork(final long nowNs, final long wallMs)
    {
        if (state != ArbiterState.FENCED && heartbeat.lapsed(nowNs))
        {
            fence(nowNs, heartbeat.expiryReason(nowNs));
        }
        final long version = published == null ? 0 : published.version();
        final int sectorState = state == ArbiterState.FENCED ? HeartbeatSector.SELF_FENCED : HeartbeatSector.RUNNING;
        int work = heartbeat.doWork(nowNs, sectorState, version, wallMs);
        if (nowNs - nextGapReportNs >= 0)
        {
            nextGapReportNs = nowNs + GAP_REPORT_INTERVAL_NS;
            LOG.info("node {}: {}", me, heartbeat.gaps());
        }
        if (state == ArbiterState.FENCED)
        {
            return work;
        }
        work += network.doWork(nowNs);
        work += readPeers(nowNs);
        work += register.doWork(nowNs);
        if (!register.busy())
        {
            onRegisterIdle(nowNs);
        }
        work += publishWhenFenced(nowNs);
        if (state == ArbiterState.MEMBER && !proposing && !register.busy() && fencings.isEmpty() &&
            nowNs - backoffUntilNs >= 0)
        {
            judge(nowNs);
        }
        return work;
    }

    private int readPeers(final long nowNs)
    {
        if (nowNs - nextPeerReadNs < 0)
        {
            return 0;
        }
        nextPeerReadNs = nowNs + ctx.heartbeatIntervalNs();
        for (int node = 0; node < watches.length; node++)
        {
            if (node != me)
            {
                try
                {
                    watches[node].onRead(disk.readHeartbeat(node), nowNs);
                }
                catch (final RuntimeException ex)
                {
                    LOG.debug("node {}: heartbeat read of node {} failed: {}", me, node, ex.getMessage());
                }
            }
        }
        return 1;
    }

    private void onRegisterIdle(final long nowNs)
    {
        if (proposing)
        {
            proposing = false;
            if (register.outcome() == DecisionRegister.Outcome.ABORTED)
            {
                backoffUntilNs = nowNs + ctx.proposeBackoffNs() * (1 + me);
                LOG.info("node {}: ballot aborted ({}), backing off", me, register.abortReason());
                register.refresh();
                return;
            }
        }
        if (state == ArbiterState.JOINING && register.latest() == null)
        {
            if (!refreshedOnce)
            {
                refreshedOnce = register.refresh();
            }
            else if (nowNs - backoffUntilNs >= 0)
            {
                propose(new MembershipView(1, ctx.initialMembers(), ctx.initialPrimary(), ctx.initialPrimary()),
                    "first view");
            }
            return;
        }
        if (nowNs - nextPollNs >= 0 && register.refresh())
        {
            nextPollNs = nowNs + ctx.registerPollIntervalNs();
        }
    }

    private int publishWhenFenced(final long nowNs)
    {
        final MembershipView latest = register.latest();
        if (latest == null || published != null && latest.version() <= published.version())
        {
            return 0;
        }
        if (!latest.isMember(me))
        {
            fence(nowNs, "removed by decided view " + latest);
            views.publish(latest);
            published = latest;
            return 1;
        }
        final long before = published == null ? (1L << ctx.nodeCount()) - 1 : published.members();
        boolean allFenced = true;
        for (long removed = before & ~latest.members(); removed != 0; removed &= removed - 1)
        {
            final int victim = Long.numberOfTrailingZeros(removed);
            final Fencing fencing = fencings.computeIfAbsent(victim,
                node -> new Fencing(node, fencer, ctx.hostProcesses(), ctx.leaseTimeoutNs(), nowNs));
            allFenced &= fencing.poll(watches[victim], nowNs);
        }
        if (!allFenced)
        {
            return 1;
        }
        fencings.clear();
        published = latest;
        views.publish(latest);
        LOG.info("node {}: published {}", me, latest);
        if (state == ArbiterState.JOINING)
        {
            state(ArbiterState.MEMBER, nowNs, "member of " + latest);
        }
        return 1;
    }

    private void judge(final long nowNs)
    {
        final MembershipView view = published;
        for (long rest = view.members() & ~(1L << me); rest != 0; rest &= rest - 1)
        {
            final int peer = Long.numberOfTrailingZeros(rest);
            final PeerWatch watch = watches[peer];
            final long heardNs = network.lastHeardNs(peer);
            final long silentNs = heardNs == NetworkLiveness.NO_LANE ? 0 : nowNs - Math.max(heardNs, startNs);
            final boolean netSilent = heardNs != NetworkLiveness.NO_LANE && silentNs >= ctx.networkSuspectTimeoutNs();
            final long diskNs = watch.unchangedNs(nowNs);
            final String silence = "network silent " + ms(silentNs) + " ms, disk heartbeat unchanged " +
                ms(diskNs) + " ms";
            if (watch.selfFenced())
            {
                remove(view, peer, "it fenced itself (" + silence + ")");
                return;
            }
            if (diskNs >= ctx.diskSuspectTimeoutNs() && certainFence(view, peer, watch, diskNs, silence))
            {
                return;
            }
            if (diskNs >= ctx.leaseTimeoutNs())
            {
                remove(view, peer, "disk heartbeat timeout (" + silence + ")");
                return;
            }
            if (me == view.primary() && netSilent)
            {
                remove(view, peer, "disconnected from the primary (" + silence + ")");
                return;
            }
            if (peer == view.primary() && netSilent)
            {
                if (diskNs >= ctx.diskConfirmTimeoutNs())
                {
                    remove(view, peer, "primary silent on the network and on the disk (" + silence + ")");
                }
                else
                {
                    fence(nowNs, "partition: primary node " + peer + " not heard on the network while its disk " +
                        "heartbeat still changes (" + silence + "); the primary's side continues");
                }
                return;
            }
        }
    }

    /**
     * A peer suspected on the disk whose fence is certain without its lease: its process on this host is gone
     * (removed at once), or stopped (the fence kills it) for as long as a running node would take to fence itself.
     * A shorter stop, a debugger's or a frozen moment, is ridden out as any other stall below the self-fence.
     *
     * @return true if it proposed the removal.
     */
    private boolean certainFence(final MembershipView view, final int peer, final PeerWatch watch,
        final long diskNs, final String silence)
    {
        final ProcessIdentity process = watch.process();
        final HostProcesses.Status status = ctx.hostProcesses().status(process);
        if (status == HostProcesses.Status.GONE ||
            (status == HostProcesses.Status.STOPPED && diskNs >= ctx.selfFenceTimeoutNs()))
        {
            remove(view, peer, "its process (" + process + ") on this host is " +
                (status == HostProcesses.Status.GONE ? "gone" : "stopped") + " (" + silence + ")");
            return true;
        }
        return false;
    }

    private void remove(final MembershipView view, final int victim, final String reason)
    {
        final int primary = victim == view.primary() ? me : view.primary();
        LOG.warn("[KeyEvent: KEY_EVENT_RES_ARBITRATE] [Instance: {}] [Details: node({}) kick out: {}.]",
            me, victim, reason);
        propose(new MembershipView(view.version() + 1, view.members() & ~(1L << victim), primary, primary), reason);
    }

    private void propose(final MembershipView view, final String reason)
    {
        proposing = register.propose(view);
        LOG.info("node {}: propose {} ({}): {}", me, view, reason, proposing ? "started" : "refused");
    }

    private void fence(final long nowNs, final String reason)
    {
        if (state != ArbiterState.FENCED)
        {
            fenceReason = reason;
            state(ArbiterState.FENCED, nowNs, reason);
            selfFence.fence(reason);
        }
    }

    private void state(final ArbiterState newState, final long nowNs, final String reason)
    {
        LOG.info("node {} arbiter {} -> {} at {} ms: {}", me, state, newState, ms(nowNs - startNs), reason);
        state = newState;
    }

    private static long ms(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }
}
