package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;

/**
 * The standby's failover, once DMS's reform made it the primary and its recovery step replayed the dead primary's
 * WAL: take the writer's role ({@link WriterRole#takeOver}), check that the table holds exactly the commits the
 * replay found (so every commit acknowledged before the failure, which the launcher compares), then go on with the
 * dead writer's workload to its end and check the table and this node's WAL again. Figures go to the node's
 * report under {@code failover.*}.
 */
final class Promotion
{
    private final Dss dss;
    private final DmsNode node;
    private final PageAccess pages;
    private final TablePageStore store;
    private final Wal wal;
    private final ControlChannel control;
    private final Problems problems;
    private final WriterRole.Settings settings;
    private final NodeReport report;
    private final FailoverEvents events;
    private volatile boolean serving;
    private volatile boolean handedOver;
    private NodeReformHandler reform;

    Promotion(final Dss dss, final DmsNode node, final PageAccess pages, final TablePageStore store, final Wal wal,
        final ControlChannel control, final Problems problems, final WriterRole.Settings settings,
        final NodeReport report, final FailoverEvents events)
    {
        this.dss = dss;
        this.node = node;
        this.pages = pages;
        this.store = store;
        this.wal = wal;
        this.control = control;
        this.problems = problems;
        this.settings = settings;
        this.report = report;
        this.events = events;
    }

    /**
     * @param handler where a later switchover's DEMOTE step reaches this promotion's writer (it hands over, and
     *                {@link #run} returns without the end-of-workload checks: {@link #handedOver()}).
     * @return this.
     */
    Promotion demotable(final NodeReformHandler handler)
    {
        this.reform = handler;
        return this;
    }

    /**
     * @return whether the writer handed over to a switchover before the workload's end.
     */
    boolean handedOver()
    {
        return handedOver;
    }

    void run(final Recovery.Result recovery)
    {
        final TableScan scan = new TableScan(pages, store);
        final long total = 1 + settings.rows() + settings.updates();
        report.put("failover.recoveredCommits", recovery.commits());
        report.put("failover.recoveredLastCommitLsn", recovery.lastCommitLsn());
        report.put("failover.recoveredEndLsn", recovery.endLsn());
        report.put("failover.replayedRecords", recovery.replayed());
        report.put("failover.pagesChanged", recovery.pagesChanged());
        final long takeOverNs = System.nanoTime();
        final WriterRole role = WriterRole.takeOver(dss, ClusterNode.HEAP_PATH, recovery, node, pages, store, wal,
            control, problems, settings);
        final long checkNs = System.nanoTime();
        report.put("failover.baseLsn", role.promoted().baseLsn());
        report.put("failover.recoveryCheckpointPages", role.promoted().pagesWritten());
        final String afterRecovery = scan.differenceFromWorkload(settings.rows(), settings.updates(),
            settings.seed(), recovery.commits());
        report.put("failover.recoveredMatches", afterRecovery == null ? 1 : 0);
        System.out.println("takeover: table reopened for writing, WAL restarted and end-of-recovery checkpoint in " +
            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(checkNs - takeOverNs) + " ms, recovered table checked " +
            "in " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkNs) + " ms");
        if (afterRecovery != null)
        {
            problems.add("the recovered table is not the first " + recovery.commits() + " commits: " +
                afterRecovery);
        }
        final long commitsBefore = wal.durableCommits();
        final Writer writer = role.writer();
        if (reform != null)
        {
            reform.demotes(writer);
        }
        try (role;
            ClusterNode.Periodic progress = new ClusterNode.Periodic("progress", 1000, writer::progress);
            ClusterNode.Periodic acked = new ClusterNode.Periodic("acked", ClusterNode.ACKED_INTERVAL_MS,
                () -> acked(commitsBefore)))
        {
            progress.start();
            acked.start();
            writer.resume(recovery.commits());
        }
        finally
        {
            writer.report(report);
        }
        acked(commitsBefore);
        final long commits = wal.durableCommits();
        report.put("failover.newPrimaryCommits", commits - recovery.commits());
        if (writer.handedOver())
        {
            handedOver = true;
            report.put("failover.handedOverCommits", commits);
            System.out.println("primary handed over to a switchover: " + (commits - recovery.commits()) +
                " commits of its own after " + recovery.commits() + " taken over, " + commits + " durable");
            return;
        }
        report.put("failover.finalCommits", commits);
        final String atEnd = scan.differenceFromWorkload(settings.rows(), settings.updates(), settings.seed(), total);
        report.put("failover.finalMatches", atEnd == null && commits == total ? 1 : 0);
        if (atEnd != null || commits != total)
        {
            problems.add("after the new primary finished: commits=" + commits + " of " + total +
                (atEnd == null ? "" : ", " + atEnd));
        }
        try (DssFile ownWal = dss.open(ClusterNode.walPath(node.nodeId())))
        {
            final Recovery.Result scanned = Recovery.scan(ownWal);
            report.put("failover.ownWalCommits", scanned.commits());
            if (scanned.commits() != total || scanned.baseLsn() != role.promoted().baseLsn())
            {
                problems.add("the new primary's WAL does not hold the run: " + scanned.describe() + ", expected " +
                    total + " commits from base LSN " + role.promoted().baseLsn());
            }
        }
        System.out.println("new primary done: " + (commits - recovery.commits()) + " commits of its own after " +
            recovery.commits() + " recovered, table checked: " + (atEnd == null ? "every row at its last version" :
            atEnd));
    }

    private String acked(final long commitsBefore)
    {
        if (!serving && wal.durableCommits() > commitsBefore)
        {
            serving = true;
            events.emit(FailoverEvents.SERVING_WRITES, "first commit of the new primary durable: commits " +
                wal.durableCommits() + ", LSN " + wal.durableCommitLsn());
        }
        return ClusterNode.acked(wal);
    }
}
