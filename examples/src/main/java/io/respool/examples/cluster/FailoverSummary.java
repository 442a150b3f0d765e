package io.respool.examples.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a failover run came to: the phases of the failover, timed from the fault, and whether every commit
 * acknowledged before it survived.
 *
 * @param fault             what was done to node 0.
 * @param ackedBeforeFault  commits acknowledged (reported to the launcher) before the fault.
 * @param recoveredCommits  commits the new primary's replay of node 0's WAL found.
 * @param presentAfter      acknowledged commits present after the failover: all of them if the recovered table
 *                          holds exactly the first {@code recoveredCommits} commits and there are at least as many.
 * @param newPrimaryCommits commits the new primary wrote after the failover.
 * @param newPrimaryRows    rows it inserted of them.
 * @param phaseMs           each phase's time, ms, in {@link #PHASES} order; -1 where an event is missing.
 * @param totalMs           fault to the new primary's first durable commit, ms; -1 if it never wrote.
 * @param problems          everything that went wrong, empty if the run passed.
 */
public record FailoverSummary(
    Fault fault,
    long ackedBeforeFault,
    long recoveredCommits,
    long presentAfter,
    long newPrimaryCommits,
    long newPrimaryRows,
    long[] phaseMs,
    long totalMs,
    List<String> problems)
{
    /** The phases, each ending at the event named, the first starting at the fault. */
    static final String[] PHASES = {
        FailoverEvents.SUSPECTED, FailoverEvents.CONFIRMED, FailoverEvents.FENCED, FailoverEvents.RECOVERY_STARTED,
        FailoverEvents.RECOVERY_DONE, FailoverEvents.REFORM_FINISHED, FailoverEvents.SERVING_WRITES };
    /** What each phase is, for the summary. */
    private static final String[] PHASE_LABELS = {
        "suspected (heartbeat sector stopped changing)",
        "confirmed (process gone or lease ran out; view proposed)",
        "fenced (DSS fence raised, process gone or kick returned)",
        "reform (view decided and published, DRC rebuilt)",
        "recovery (node 0's WAL replayed, recovery-only access)",
        "reform finished (normal page access open)",
        "serving writes (takeover checkpoint, first commit)" };

    public boolean passed()
    {
        return problems.isEmpty();
    }

    static FailoverSummary of(final FaultRun run, final ClusterConfig config, final NodeReport standby,
        final List<String> launcherProblems)
    {
        final List<String> problems = new ArrayList<>(launcherProblems);
        final NodeReport r = standby == null ? new NodeReport() : standby;
        if (standby == null)
        {
            problems.add("node 1 wrote no report");
        }
        for (int p = 0; r.get("problem." + p) != null; p++)
        {
            problems.add("node 1: " + r.get("problem." + p));
        }
        final long acked = run.ackedBeforeFault();
        if (acked < 0)
        {
            problems.add("the fault never happened: node 0 did not reach " + run.afterCommits() + " commits");
        }
        final long recovered = r.getLong("failover.recoveredCommits");
        final boolean matches = 1 == r.getLong("failover.recoveredMatches");
        final long present = matches ? Math.min(Math.max(acked, 0), recovered) : 0;
        if (acked >= 0 && present < acked)
        {
            problems.add("acknowledged commits lost: acknowledged=" + acked + ", present after the failover=" +
                present + " (recovered " + recovered + ", table matches them: " + matches + ")");
        }
        if (acked >= 0 && 1 != r.getLong("failover.finalMatches"))
        {
            problems.add("the new primary did not finish the workload with every row at its last version");
        }
        final long[] phases = new long[PHASES.length];
        long previous = run.faultWallMs();
        for (int i = 0; i < PHASES.length; i++)
        {
            final FailoverEvents.Event event = run.event(PHASES[i]);
            if (event == null || previous <= 0)
            {
                phases[i] = -1;
                previous = -1;
                if (acked >= 0)
                {
                    problems.add("the failover never reached: " + PHASE_LABELS[i]);
                }
                continue;
            }
            phases[i] = event.wallMs() - previous;
            previous = event.wallMs();
        }
        final FailoverEvents.Event serving = run.event(FailoverEvents.SERVING_WRITES);
        final long total = serving == null || run.faultWallMs() == 0 ? -1 : serving.wallMs() - run.faultWallMs();
        final long rowsAtRecovery = recovered <= 1 ? 0 :
            new Workload(config.rows(), config.updates(), config.seed()).skip(recovered - 1).inserted();
        return new FailoverSummary(run.fault(), acked, recovered, present, r.getLong("failover.newPrimaryCommits"),
            r.getLong("inserted") - rowsAtRecovery, phases, total, List.copyOf(problems));
    }

    static void print(final FailoverSummary s, final FaultRun run, final NodeReport standby, final String vgCheck,
        final PrintStream out)
    {
        print(s, run, standby, null, vgCheck, out);
    }

    /**
     * @param rejoin how the old primary came back as a standby, or null if it was not restarted.
     */
    static void print(final FailoverSummary s, final FaultRun run, final NodeReport standby,
        final RejoinSummary rejoin, final String vgCheck, final PrintStream out)
    {
        final NodeReport r = standby == null ? new NodeReport() : standby;
        out.println();
        out.println("== Failover summary (" + s.fault.label() + ")");
        ClusterSummary.line(out, "fault", s.fault.action() + " of node 0 (the primary) after " +
            s.ackedBeforeFault + " acknowledged commits (the last at LSN " + run.ackedLsnBeforeFault() + ")" +
            (run.resumed() ? "; SIGCONT once node 1 wrote" : ""));
        final FailoverEvents.Event serving = run.event(FailoverEvents.SERVING_WRITES);
        if (s.fault == Fault.OOM && run.faultedExitWallMs() != 0)
        {
            ClusterSummary.line(out, "out of heap", "node 0 exited on OutOfMemoryError " +
                (run.faultedExitWallMs() - run.faultWallMs()) + " ms after its heap began to fill" +
                (serving == null ? "" : "; the new primary's first commit came " +
                (serving.wallMs() - run.faultedExitWallMs()) + " ms after that exit"));
        }
        final FailoverEvents.Event fenced = run.event(FailoverEvents.FENCED);
        ClusterSummary.line(out, "old primary", (fenced == null ? "not fenced" : fenced.detail()) +
            (run.resumed() ? "; resumed with SIGCONT after the failover" : ""));
        out.println("phase                                                       ms");
        for (int i = 0; i < PHASES.length; i++)
        {
            out.printf(Locale.ROOT, "  %-56s %6s%n", PHASE_LABELS[i], s.phaseMs[i] < 0 ? "-" : s.phaseMs[i]);
        }
        out.printf(Locale.ROOT, "  %-56s %6s%n", "total: fault to the new primary's first commit",
            s.totalMs < 0 ? "-" : s.totalMs);
        ClusterSummary.line(out, "acknowledged", String.format(Locale.ROOT, "%d commits acknowledged before " +
            "the fault, %d present after it (%s)", s.ackedBeforeFault, s.presentAfter, s.ackedBeforeFault >= 0 &&
            s.presentAfter == s.ackedBeforeFault ? "all" : "LOST " + (s.ackedBeforeFault - s.presentAfter)));
        ClusterSummary.line(out, "recovery", String.format(Locale.ROOT, "node 1 replayed node 0's WAL: %d " +
            "commits (%d more became durable between the last count the launcher heard and the signal), %d " +
            "records from the last checkpoint, %d page changes; the table then held exactly those commits",
            s.recoveredCommits, Math.max(0, s.recoveredCommits - s.ackedBeforeFault),
            r.getLong("failover.replayedRecords"), r.getLong("failover.pagesChanged")));
        ClusterSummary.line(out, "new primary", String.format(Locale.ROOT, "node 1 wrote %d commits (%d rows " +
            "inserted) above LSN %d; %d commits in all, every row at its last version: %s", s.newPrimaryCommits,
            s.newPrimaryRows, r.getLong("failover.baseLsn"), r.getLong("failover.finalCommits"),
            1 == r.getLong("failover.finalMatches") ? "yes" : "NO"));
        if (rejoin != null)
        {
            rejoin.print(out);
        }
        ClusterSummary.line(out, "volume group check", vgCheck);
        ClusterSummary.result(out, "no acknowledged commit lost, every check clean", s.problems);
    }
}
