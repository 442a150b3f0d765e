package io.respool.dms;

import io.respool.dms.api.DmsConfigException;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformHandler;
import io.respool.dms.api.ReformInfo;
import io.respool.dms.api.ReformState;
import io.respool.dms.api.ReformType;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.agrona.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's reform, inside its duty cycle: the step machine every member runs; on the view's reformer,
 * {@link Reformer} moves the members through the plan together, with a barrier between steps. A member carries out
 * each step once and acknowledges every copy of it; a step that waits (the rebuild, the database's recovery) is
 * acknowledged when it ends. A newer view, at any step, starts a new reform from START: since DRC_CLEAN clears
 * everything, an interrupted reform leaves nothing that the next one must undo. Agent only, but for the volatile
 * fields the API reads.
 */
final class Reform
{
    private static final Logger LOG = LoggerFactory.getLogger(Reform.class);

    /** The parts of the node a reform works on. */
    record Parts(PageClient pageClient, PageOwner pageOwner, DrcMaster drc, LockMaster lockMaster,
        LockClient lockClient, Broadcaster broadcaster, DrcRebuild rebuild, PeerIncarnations peers)
    {
    }

    private final int self;
    private final NodeServices services;
    private final NodeStats stats;
    private final ReformHandler handler;
    private final Parts parts;
    private final ErrorHandler errorHandler;

    private volatile MembershipView served;
    private volatile MembershipView latest;
    private volatile ReformState state;
    private volatile String failure;
    /**
     * The nodes that may have held or written pages since this node last finished a reform: the members of the view
     * served, and of every reform this node went through DRC_ACCESS of since (interrupted before DONE, its masters
     * served pages from there on). Told to the reformer with every acknowledgement, so that a node removed after
     * such a reform has its WAL recovered although the view served never had it (DESIGN.md, "An interrupted reform
     * that opened access"). Agent only.
     */
    private long mayHold;
    /** Every node of the node list ({@code dms_url}): what {@link #mayHold} becomes when views were missed. */
    private final long possibleNodes;

    // this node's part, as a member
    private MembershipView target;
    private PartitionMap targetMap;
    private ReformInfo info;
    private ReformStep step = ReformStep.IDLE;
    private boolean stepDone;
    private String stepFailure;
    private long stepStartNs;
    private final Reformer reformer;

    /**
     * @param served the view served from the start (a fixed source), or null if the first view must be reformed
     *               into.
     */
    Reform(final int self, final NodeServices services, final ReformHandler handler, final boolean centralized,
        final long resendIntervalNs, final long stepTimeoutNs, final Parts parts, final ErrorHandler errorHandler,
        final MembershipView served, final long possibleNodes)
    {
        this.self = self;
        this.possibleNodes = possibleNodes;
        this.services = services;
        this.stats = services.stats();
        this.handler = handler;
        this.reformer = new Reformer(self, services, centralized, resendIntervalNs, stepTimeoutNs, parts.peers());
        this.parts = parts;
        this.errorHandler = errorHandler;
        this.served = served;
        this.latest = served;
        this.mayHold = served == null ? 0 : served.members();
        this.state = ReformState.STABLE;
    }

    MembershipView served()
    {
        return served;
    }

    /**
     * The version of the view this node served last, 0 if none: told to the reformer with every acknowledgement,
     * so that it finds the members that restarted (0) since the view it serves.
     */
    private int servedVersion()
    {
        return served == null ? 0 : served.version();
    }

    MembershipView latest()
    {
        return latest;
    }

    ReformState state()
    {
        return state;
    }

    String failure()
    {
        return failure;
    }

    /** The step this node is at (IDLE if it never reformed). Agent only. */
    ReformStep step()
    {
        return step;
    }

    /** The incarnations this node knows of its peers. Agent only. */
    PeerIncarnations peers()
    {
        return parts.peers;
    }

    /** The view a reform moves this node to, or null. Agent only. */
    MembershipView target()
    {
        return target;
    }

    /**
     * Whether a restarted peer's messages may be served: it was not a member of the view served, or it speaks in
     * a reform to a newer one, which rebuilds whatever its dead incarnation held.
     */
    boolean acceptsRestart(final int peer, final boolean reformMessage, final int epoch)
    {
        final MembershipView view = served;
        return view == null || !view.isMember(peer) || (reformMessage && epoch > view.version());
    }

    // ---------------------------------------------------------------- views

    /** A new view from the membership source, on the agent. */
    void onView(final MembershipView view)
    {
        if (state == ReformState.STOPPED || (latest != null && view.version() <= latest.version()))
        {
            return;
        }
        final boolean wasMember = (served != null && served.isMember(self)) ||
            (target != null && target.isMember(self));
        if (latest != null && view.version() > latest.version() + 1)
        {
            // views this node never saw came between: one may have admitted a node that took pages and left again,
            // with no member of this view there to report it (DESIGN.md, "A gap in the views")
            LOG.info("views {}..{} never reached node {}: every node of the node list may hold pages",
                latest.version() + 1, view.version() - 1, self);
            mayHold |= possibleNodes;
        }
        latest = view;
        if (!view.isMember(self))
        {
            if (wasMember)
            {
                kickedOut(view);
            }
            return;
        }
        state = ReformState.REFORMING;
        if (view.reformer() == self)
        {
            reformer.begin(served, view);
        }
        else
        {
            reformer.stop(view);
        }
    }

    private void kickedOut(final MembershipView view)
    {
        final String reason = "node was kicked out of the cluster (version " + view.version() + "): nodeId=" + self +
            ", view=" + view + "; it serves nothing from now on: stop it, and start it again once the cluster " +
            "manager lets it rejoin";
        services.fail(DmsErrorCode.KICKED_OUT, reason);
        services.gate().stage(AccessGate.Stage.CLOSED);
        parts.rebuild.abandon();
        reformer.stop(view);
        state = ReformState.STOPPED;
        transition(ReformStep.FAILED, "kicked out");
        errorHandler.onError(new DmsException(DmsErrorCode.KICKED_OUT, reason));
    }

    // ---------------------------------------------------------------- member side

    void onReformStep(final MessageFlyweight msg)
    {
        final int epoch = msg.membershipVersion();
        final ReformStep s = ReformStep.get((int)msg.serial());
        final ReformType type = ReformType.get(msg.status());
        final MembershipView view = view(msg);
        if (s == null || type == null || view == null || msg.sourceNode() != view.reformer() ||
            !view.isMember(self) || state == ReformState.STOPPED ||
            msg.payloadLength() < PartitionMap.ENCODED_LENGTH || (latest != null && epoch < latest.version()))
        {
            stats.increment(StatCounter.STALE_MESSAGES);
            return;
        }
        if (target == null || epoch > target.version())
        {
            if (s != ReformStep.START)
            {
                stats.increment(StatCounter.STALE_MESSAGES);
                return;
            }
            begin(view, type, PartitionMap.decode(msg.buffer(), msg.payloadOffset()));
        }
        else if (epoch < target.version())
        {
            stats.increment(StatCounter.STALE_MESSAGES);
            return;
        }
        final long restarted = msg.seq();
        if (restarted != 0 && (info.removed() & restarted) != restarted)
        {
            // the reformer found members that restarted since the view served: their WAL is recovered too
            info = ReformInfo.of(served, target, info.type(), restarted);
        }
        if (s == step || s.ordinal() < step.ordinal())
        {
            // a repeat: acknowledge what is done (again), the rest is acknowledged when it ends
            if (s != step || stepDone || stepFailure != null)
            {
                services.proxy().reformAck(target.reformer(), epoch, s.code(), s == step ? stepFailure : null,
                    servedVersion(), mayHold);
            }
            else
            {
                // still at it (a rebuild, the database's recovery): say so, or the reformer takes us for silent
                services.proxy().reformBusy(target.reformer(), epoch, s.code());
            }
            return;
        }
        if (s == ReformStep.FAILED)
        {
            failed(MessageProxy.reason(msg, PartitionMap.ENCODED_LENGTH));
            return;
        }
        run(s);
    }

    private static MembershipView view(final MessageFlyweight msg)
    {
        try
        {
            return new MembershipView(msg.membershipVersion(), msg.resourceId(), msg.requesterNode(), (int)msg.lsn());
        }
        catch (final DmsConfigException ex)
        {
            return null;
        }
    }

    private void begin(final MembershipView view, final ReformType type, final PartitionMap map)
    {
        parts.rebuild.abandon();
        parts.peers.reformStarted();
        target = view;
        targetMap = map;
        info = ReformInfo.of(served, view, type);
        step = ReformStep.IDLE;
        stepDone = true;
        stepFailure = null;
        state = ReformState.REFORMING;
        if (latest == null || latest.version() < view.version())
        {
            latest = view;
        }
    }

    private void transition(final ReformStep next, final String reason)
    {
        LOG.info("reform step: nodeId={}, epoch={}, {} -> {}: {}", self, target == null ? 0 : target.version(),
            step, next, reason);
        step = next;
    }

    private void run(final ReformStep s)
    {
        transition(s, "the reformer moved every member on");
        stepDone = false;
        stepFailure = null;
        stepStartNs = services.nowNs();
        final long nowNs = stepStartNs;
        switch (s)
        {
            case START ->
            {
                handler.reformStarted(info);
                done();
            }
            case DEMOTE ->
            {
                if (info.before() != null && info.before().primary() == self)
                {
                    handler.demote(info, completion(s));
                }
                else
                {
                    done();
                }
            }
            case DRC_INACCESS ->
            {
                services.epoch(target.version(), target.members());
                services.gate().stage(AccessGate.Stage.CLOSED);
                parts.pageOwner.abandonDeferred();
                parts.broadcaster.members(target.members());
                done();
            }
            case DRC_CLEAN ->
            {
                parts.drc.clear(target.version());
                parts.lockMaster.clear();
                parts.peers.cleaned(~target.members());
                parts.peers.restartedCleaned(info.removed() & target.members());
                done();
            }
            case REMASTER ->
            {
                services.partitionMap(targetMap);
                done();
            }
            case REBUILD -> parts.rebuild.start(target.version(), nowNs);
            case PROMOTE ->
            {
                if (target.primary() == self)
                {
                    handler.promote(info);
                }
                done();
            }
            case DRC_ACCESS ->
            {
                mayHold |= target.members();
                services.gate().stage(AccessGate.Stage.RECOVERY);
                parts.pageClient.reopen(nowNs);
                done();
            }
            case RECOVERY ->
            {
                if (info.recoverer() == self)
                {
                    handler.recover(info, completion(s));
                }
                else
                {
                    done();
                }
            }
            case PAGE_ACCESS ->
            {
                services.gate().stage(AccessGate.Stage.OPEN);
                parts.pageClient.reopen(nowNs);
                parts.lockClient.resendAll(nowNs);
                done();
            }
            case DONE ->
            {
                finish();
                done();
            }
            default -> throw new IllegalStateException("not a step to run: " + s);
        }
    }

    private void finish()
    {
        served = target;
        // the reformer recovered every node of mayHold it left out, having heard it from every member at START
        mayHold = target.members();
        parts.peers.served();
        state = latest.version() > target.version() ? ReformState.REFORMING : ReformState.STABLE;
        failure = null;
        stats.increment(switch (info.type())
        {
            case NORMAL -> StatCounter.REFORMS_NORMAL;
            case FAILOVER -> StatCounter.REFORMS_FAILOVER;
            case SWITCHOVER -> StatCounter.REFORMS_SWITCHOVER;
            case JOIN -> StatCounter.REFORMS_JOIN;
        });
        LOG.info("reform done: nodeId={}, type={}, view={}, map={}", self, info.type(), target,
            services.partitionMap().version());
        handler.reformFinished(info);
    }

    private void failed(final String reason)
    {
        transition(ReformStep.FAILED, reason);
        parts.rebuild.abandon();
        services.gate().stage(AccessGate.Stage.CLOSED);
        state = ReformState.FAILED;
        failure = reason;
        stats.increment(StatCounter.REFORMS_FAILED);
        if (served == null)
        {
            // as openGauss: a node's first reform must not fail; it stops, with the reason, for a restart
            state = ReformState.STOPPED;
            services.fail(DmsErrorCode.REFORM_FAILED, "first reform failed, node stops: nodeId=" + self + ", " +
                reason + "; restart it once the cluster is consistent");
        }
        errorHandler.onError(new DmsException(DmsErrorCode.REFORM_FAILED, reason));
        stepDone = true;
        services.proxy().reformAck(target.reformer(), target.version(), ReformStep.FAILED.code(), null,
            servedVersion(), mayHold);
    }

    private void done()
    {
        stepDone = true;
        if (step == ReformStep.RECOVERY && info.recoverer() == self)
        {
            stats.record(StatEvent.REFORM_RECOVERY, services.nowNs() - stepStartNs);
        }
        services.proxy().reformAck(target.reformer(), target.version(), step.code(), null, servedVersion(),
            mayHold);
    }

    private void stepFailed(final String reason)
    {
        stepFailure = reason;
        services.proxy().reformAck(target.reformer(), target.version(), step.code(), reason, servedVersion(),
            mayHold);
    }

    /** What the database completes, from any thread: handed back to the agent as a command. */
    private ReformHandler.Completion completion(final ReformStep s)
    {
        final int epoch = target.version();
        return new ReformHandler.Completion()
        {
            @Override
            public void complete()
            {
                services.commands().offer(() -> onCompleted(epoch, s, null));
            }

            @Override
            public void fail(final String reason)
            {
                services.commands().offer(() -> onCompleted(epoch, s, reason == null ? "no reason given" : reason));
            }
        };
    }

    private void onCompleted(final int epoch, final ReformStep s, final String reason)
    {
        if (target == null || target.version() != epoch || step != s || stepDone || stepFailure != null)
        {
            return;
        }
        if (reason == null)
        {
            done();
        }
        else
        {
            stepFailed("the database's " + s + " failed on node " + self + ": " + reason);
        }
    }

    void onReformAck(final MessageFlyweight msg)
    {
        reformer.onReformAck(msg);
    }

    // ---------------------------------------------------------------- rebuild batches

    /** A rebuild batch: served once this node, a master of the reform in progress, has cleaned its directory. */
    void onRebuild(final MessageFlyweight msg)
    {
        if (target == null || msg.membershipVersion() != target.version() || !target.isMember(msg.sourceNode()) ||
            step.ordinal() < ReformStep.REMASTER.ordinal() || step == ReformStep.FAILED)
        {
            stats.increment(StatCounter.STALE_MESSAGES);
            return;
        }
        parts.rebuild.onRebuild(msg);
    }

    void onRebuildAck(final MessageFlyweight msg)
    {
        parts.rebuild.onRebuildAck(msg);
    }

    // ---------------------------------------------------------------- duty cycle

    int doWork(final long nowNs)
    {
        int work = 0;
        if (step == ReformStep.REBUILD && !stepDone && stepFailure == null)
        {
            work += parts.rebuild.doWork(nowNs);
            if (parts.rebuild.failure() != null)
            {
                stepFailed(parts.rebuild.failure());
            }
            else if (parts.rebuild.isComplete())
            {
                stats.record(StatEvent.REFORM_REBUILD, nowNs - parts.rebuild.startNs());
                parts.rebuild.abandon();
                done();
            }
        }
        return work + reformer.doWork(nowNs);
    }
}
