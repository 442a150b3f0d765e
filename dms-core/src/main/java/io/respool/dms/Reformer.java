package io.respool.dms;

import io.respool.dms.api.MembershipView;
import io.respool.dms.api.NodeList;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The reformer's side of a reform: plans it and moves every member through its steps with a barrier between each.
 * Each step is sent to every member (this node too), resent on the timer to those that have not acknowledged it,
 * and the next is sent only once every member has. A member's failure is sent on to all as FAILED. So is a member's
 * silence: one that neither acknowledges a step nor answers its resends as busy for the step timeout fails the
 * reform (but the first, which forms the cluster and waits for members started one after another), naming the step
 * and the node, so that the cluster manager publishes a view without it; the FAILED step itself is resent to the
 * silent node for one more step timeout, then given up. Agent only.
 */
final class Reformer
{
    private static final Logger LOG = LoggerFactory.getLogger(Reformer.class);

    private final int self;
    private final NodeServices services;
    private final NodeStats stats;
    private final boolean centralized;
    private final long resendIntervalNs;
    private final long stepTimeoutNs;
    private final PeerIncarnations peers;
    /** When each member last answered the step in progress (acknowledged, or said it is busy). */
    private final long[] heardNs = new long[NodeList.MAX_NODES];

    private ReformPlan plan;
    private MembershipView planView;
    private MembershipView planServed;
    /** Members of the view served that answered START as never having served one, with a newer incarnation. */
    private long restarted;
    /**
     * Nodes outside the new view that may have held pages although the view served never had them: members of a
     * reform that went past DRC_ACCESS and was then cut short by this one (members report them at START).
     */
    private long left;
    /** The union of the members' {@code mayHold} reported at START. */
    private long reported;
    /** Members that answered START having neither served a view nor opened access: they hold no page. */
    private long fresh;
    private int planIndex;
    private String planFailure;
    private long acked;
    private long stepSentNs;
    private long nextResendNs;
    /** When the step was last sent: a member is silent if it has not answered for the step timeout before that. */
    private long lastSendNs;
    private long reformStartNs;

    Reformer(final int self, final NodeServices services, final boolean centralized, final long resendIntervalNs,
        final long stepTimeoutNs, final PeerIncarnations peers)
    {
        this.peers = peers;
        this.self = self;
        this.services = services;
        this.stats = services.stats();
        this.centralized = centralized;
        this.resendIntervalNs = resendIntervalNs;
        this.stepTimeoutNs = stepTimeoutNs;
    }

    /**
     * Plan the reform from the view served into {@code view}, and send its first step.
     *
     * @param served the view served now, or null.
     * @param view   the new view, with this node its reformer.
     */
    void begin(final MembershipView served, final MembershipView view)
    {
        plan = ReformPlan.of(served, services.partitionMap(), view, centralized);
        planView = view;
        planServed = served;
        restarted = 0;
        left = 0;
        reported = 0;
        fresh = 0;
        planIndex = 0;
        planFailure = null;
        acked = 0;
        reformStartNs = services.nowNs();
        LOG.info("reform planned: nodeId={}, type={}, from={}, to={}, steps={}", self, plan.type(), served, view,
            plan.steps());
        startStep();
    }

    /** A newer view is another node's to reform into (or this node left): stop driving the old one. */
    void stop(final MembershipView newer)
    {
        if (plan != null)
        {
            LOG.info("reform handed on: nodeId={}, epoch={} gives way to {}", self, planView.version(), newer);
            plan = null;
        }
    }

    private ReformStep current()
    {
        return planFailure != null ? ReformStep.FAILED : plan.steps().get(planIndex);
    }

    /** Send the current step to every member; from now on each has the step timeout to answer. */
    private void startStep()
    {
        stepSentNs = services.nowNs();
        Arrays.fill(heardNs, stepSentNs);
        sendStep(planView.members());
    }

    private void sendStep(final long to)
    {
        final long nowNs = services.nowNs();
        lastSendNs = nowNs;
        nextResendNs = nowNs + resendIntervalNs;
        for (long rest = to & planView.members(); rest != 0; rest &= rest - 1)
        {
            services.proxy().reformStep(Long.numberOfTrailingZeros(rest), planView, current().code(),
                plan.type().code(), plan.map(), restarted, planFailure);
        }
    }

    void onReformAck(final MessageFlyweight msg)
    {
        if (plan == null || msg.membershipVersion() != planView.version() || msg.serial() != current().code())
        {
            stats.increment(StatCounter.STALE_MESSAGES);
            return;
        }
        final int member = msg.sourceNode();
        heardNs[member] = services.nowNs();
        if (msg.status() == MessageDescriptor.STATUS_BUSY)
        {
            return;
        }
        if (msg.status() != MessageDescriptor.STATUS_OK && planFailure == null)
        {
            fail("reform into view " + planView.version() + " failed at step " + current() + " on node " +
                member + ": " + MessageProxy.reason(msg, 0));
            return;
        }
        if (current() == ReformStep.START && msg.lsn() == 0 && planServed != null && planServed.isMember(member) &&
            peers.restartedSinceServed(member, msg.sourceIncarnation()))
        {
            // a member of the view served that never served one, newer than the incarnation this node knew serving
            restarted |= 1L << member;
        }
        if (current() == ReformStep.START && msg.lsn() != 0 && planServed == null && planFailure == null)
        {
            fail("reform into view " + planView.version() + " failed at step START: the reformer, node " + self +
                ", has served no view, but node " + member + " served view " + msg.lsn() + "; the cluster " +
                "manager must name a member that served the view before as reformer");
            return;
        }
        if (current() == ReformStep.START)
        {
            reported |= msg.seq();
            fresh |= msg.lsn() == 0 && msg.seq() == 0 ? 1L << member : 0;
        }
        acked |= 1L << member;
        if ((acked & planView.members()) != planView.members())
        {
            return;
        }
        if (current() == ReformStep.START && planServed != null)
        {
            left = reported & ~planView.members() & ~planServed.members();
            // a member that may have held pages (in the view served, or in a reform that opened access since) but
            // answers as one that never opened access is a later incarnation, and holds nothing: counting it
            // removed and added makes no second writer, and this node may never have heard the one that served
            restarted |= fresh & (planServed.members() | reported);
        }
        if (current() == ReformStep.START && (restarted | left) != 0)
        {
            // a member restarted before any reform removed its dead incarnation, or a node left after a reform
            // that let it take pages was cut short: recover their WAL too
            restarted |= left;
            plan = ReformPlan.of(planServed, services.partitionMap(), planView, centralized, restarted);
            LOG.info("reform re-planned: nodeId={}, restarted={}, left={}, steps={}", self,
                MembershipView.describe(restarted & ~left), MembershipView.describe(left), plan.steps());
        }
        final long nowNs = services.nowNs();
        stats.record(StatEvent.REFORM_STEP, nowNs - stepSentNs);
        stats.record(current().barrierEvent(), nowNs - stepSentNs);
        if (current() == ReformStep.PAGE_ACCESS)
        {
            stats.record(StatEvent.REFORM, nowNs - reformStartNs);
        }
        acked = 0;
        if (planFailure != null || ++planIndex == plan.steps().size())
        {
            plan = null;
            return;
        }
        startStep();
    }

    /** Send FAILED, with the reason, to every member instead of the step in progress. */
    private void fail(final String reason)
    {
        planFailure = reason;
        acked = 0;
        LOG.warn("reform failed: nodeId={}, {}", self, reason);
        startStep();
    }

    /**
     * Members that have not acknowledged the step and said nothing for the step timeout before it was last sent:
     * measured to the last send, not to now, so that a stall of this node (its own duty cycle late) makes nobody
     * silent; each has had a resend interval since to answer.
     */
    private long silent()
    {
        if (planServed == null)
        {
            // the first reform forms the cluster: its members may start one after another, long apart
            return 0;
        }
        long silent = 0;
        for (long rest = planView.members() & ~acked; rest != 0; rest &= rest - 1)
        {
            final int member = Long.numberOfTrailingZeros(rest);
            if (lastSendNs - heardNs[member] >= stepTimeoutNs)
            {
                silent |= 1L << member;
            }
        }
        return silent;
    }

    /** Resend the step in progress to the members that have not acknowledged it. */
    int doWork(final long nowNs)
    {
        if (plan == null || nowNs - nextResendNs < 0)
        {
            return 0;
        }
        final long silent = silent();
        if (silent != 0 && planFailure == null)
        {
            fail("reform into view " + planView.version() + " failed at step " + current() + ": node(s) " +
                MembershipView.describe(silent) + " did not answer for " +
                TimeUnit.NANOSECONDS.toMillis(stepTimeoutNs) + " ms (the reform step timeout); the cluster " +
                "manager must publish a view without them");
            return 1;
        }
        if (silent != 0)
        {
            LOG.warn("reform given up: nodeId={}, epoch={}: node(s) {} never acknowledged FAILED", self,
                planView.version(), MembershipView.describe(silent));
            plan = null;
            return 1;
        }
        stats.increment(StatCounter.REFORM_RESENDS);
        stats.increment(StatCounter.REFORM_STEP_RESENDS);
        sendStep(planView.members() & ~acked);
        return 1;
    }
}
