package io.respool.dms;

import io.respool.dms.api.MembershipView;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reformer's side of a reform: plans it and moves every member through its steps with a barrier between each.
 * Each step is sent to every member (this node too), resent on the timer to those that have not acknowledged it,
 * and the next is sent only once every member has. A member's failure is sent on to all as FAILED. Agent only.
 */
final class Reformer
{
    private static final Logger LOG = LoggerFactory.getLogger(Reformer.class);

    private final int self;
    private final NodeServices services;
    private final NodeStats stats;
    private final boolean centralized;
    private final long resendIntervalNs;

    private ReformPlan plan;
    private MembershipView planView;
    private int planIndex;
    private String planFailure;
    private long acked;
    private long stepSentNs;
    private long nextResendNs;
    private long reformStartNs;

    Reformer(final int self, final NodeServices services, final boolean centralized, final long resendIntervalNs)
    {
        this.self = self;
        this.services = services;
        this.stats = services.stats();
        this.centralized = centralized;
        this.resendIntervalNs = resendIntervalNs;
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
        planIndex = 0;
        planFailure = null;
        acked = 0;
        reformStartNs = services.nowNs();
        LOG.info("reform planned: nodeId={}, type={}, from={}, to={}, steps={}", self, plan.type(), served, view,
            plan.steps());
        sendStep(view.members());
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

    private void sendStep(final long to)
    {
        final long nowNs = services.nowNs();
        if (acked == 0)
        {
            stepSentNs = nowNs;
        }
        nextResendNs = nowNs + resendIntervalNs;
        for (long rest = to & planView.members(); rest != 0; rest &= rest - 1)
        {
            services.proxy().reformStep(Long.numberOfTrailingZeros(rest), planView, current().code(),
                plan.type().code(), plan.map(), planFailure);
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
        if (msg.status() != MessageDescriptor.STATUS_OK && planFailure == null)
        {
            planFailure = "reform into view " + planView.version() + " failed at step " + current() + " on node " +
                member + ": " + MessageProxy.reason(msg, 0);
            acked = 0;
            sendStep(planView.members());
            return;
        }
        acked |= 1L << member;
        if ((acked & planView.members()) != planView.members())
        {
            return;
        }
        final long nowNs = services.nowNs();
        stats.record(StatEvent.REFORM_STEP, nowNs - stepSentNs);
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
        sendStep(planView.members());
    }

    /** Resend the step in progress to the members that have not acknowledged it. */
    int doWork(final long nowNs)
    {
        if (plan == null || nowNs - nextResendNs < 0)
        {
            return 0;
        }
        stats.increment(StatCounter.REFORM_RESENDS);
        sendStep(planView.members() & ~acked);
        return 1;
    }
}
