package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.MembershipView;

import java.util.concurrent.TimeUnit;

/**
 * The steps of a node's process that rejoins the cluster after it was removed (the old primary after a failover,
 * {@link ClusterNode.Start#REJOIN}): wait for the arbiter's admission, then work as a standby
 * ({@link RejoinedStandby}). Run on the node's main thread.
 */
final class RejoinSteps
{
    private RejoinSteps()
    {
    }

    /**
     * A rejoining node: its arbiter writes JOINING (after RESTARTED, if the cluster has not removed it yet), the
     * primary admits it in a new view, the arbiter registers its DSS instance again and publishes that view.
     */
    static void awaitAdmission(final NodeArbiter arbiter, final long startNs, final int nodeId,
        final NodeReport report)
    {
        final MembershipView view;
        try
        {
            view = arbiter.awaitFirstView(TimeUnit.SECONDS.toNanos(30));
        }
        catch (final IllegalStateException ex)
        {
            arbiter.close();
            throw ex;
        }
        if (view.primary() == nodeId)
        {
            // the arbiter let this process take up the membership of the latest view instead of adding it to a
            // newer one: the whole cluster restarted over its cluster area (seen when both nodes fenced
            // themselves at start and their agents restarted them). Nobody replayed the last primary's WAL, and a
            // rejoining node is a standby: stop rather than serve nothing as the primary
            throw new IllegalStateException("rejoined as the primary of " + view + ", not as a standby added " +
                "after a failover: the whole cluster restarted over a used cluster area; restart the run (the " +
                "launcher formats the cluster area)");
        }
        final long sinceMainMs = msSince(startNs);
        final long sinceProcessMs = ProcessHandle.current().info().startInstant()
            .map(at -> System.currentTimeMillis() - at.toEpochMilli()).orElse(-1L);
        report.put("rejoin.view", view.version());
        report.put("rejoin.admittedMs", sinceProcessMs);
        report.put("rejoin.admittedAfterMainMs", sinceMainMs);
        final String restarted = arbiter.restartedAtNs() == 0 ? "" : "RESTARTED at " +
            msBetween(startNs, arbiter.restartedAtNs()) + " ms (waiting to be removed), ";
        System.out.println(ClusterNode.REJOINED_PREFIX + "in view " + view + ": admitted by the primary " +
            sinceProcessMs + " ms after this process started, " + sinceMainMs + " ms after its main began (own " +
            "sector " + restarted +
            "JOINING at " + (arbiter.joiningAtNs() == 0 ? "-" : msBetween(startNs, arbiter.joiningAtNs())) +
            " ms); DSS instance " + nodeId + " registered again");
    }

    static long msSince(final long startNs)
    {
        return msBetween(startNs, System.nanoTime());
    }

    private static long msBetween(final long fromNs, final long toNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(toNs - fromNs);
    }

    /**
     * The old primary back as a standby: read the table the new primary writes until it holds the whole workload,
     * then tell the new primary (which waits for that when the launcher runs it).
     */
    static void runStandby(final DmsNode node, final TablePageStore store, final ControlChannel control,
        final PageAccess pages, final Problems problems, final WriterRole.Settings settings, final NodeReport report,
        final long runDeadlineNs)
    {
        runStandby(node, store, control, pages, problems, settings, report, runDeadlineNs, (stop) -> {});
    }

    /**
     * @param onStart given the standby's stop action, to run when a switchover makes this node the primary.
     * @return how the standby's reading ended ({@link RejoinedStandby.State#PROMOTED} once stopped).
     */
    static RejoinedStandby.State runStandby(final DmsNode node, final TablePageStore store,
        final ControlChannel control, final PageAccess pages, final Problems problems,
        final WriterRole.Settings settings, final NodeReport report, final long runDeadlineNs,
        final java.util.function.Consumer<Runnable> onStart)
    {
        System.out.println("standby in " + node.membershipView() + "; reading the table " +
            "through DMS until it holds the whole workload");
        final RejoinedStandby standby = new RejoinedStandby(pages, store, problems, settings);
        onStart.accept(standby::stop);
        try
        {
            final RejoinedStandby.State end = standby.run(runDeadlineNs);
            if (end == RejoinedStandby.State.CHECKED)
            {
                control.send(node, ControlMessage.FINISHED, 0, 0, 0, ClusterNode.ACQUIRE_TIMEOUT_NS);
            }
            if (end == RejoinedStandby.State.PROMOTED)
            {
                System.out.println("standby stopped reading: a switchover makes it the primary; " + standby.describe());
            }
            else
            {
                System.out.println(ClusterNode.STANDBY_CHECKED_PREFIX + standby.describe());
            }
            return end;
        }
        finally
        {
            standby.report(report);
        }
    }
}
