package io.respool.examples.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a switchover run came to ({@link SwitchoverRun}): the switch's phases, timed from the launcher's
 * {@code cmctl switchover}, the time no commit was acknowledged, and whether every commit the old primary
 * acknowledged is in the table the new primary took over.
 *
 * @param ackedByOld        commits node 0 acknowledged (its last count, all durable when it handed over).
 * @param recoveredCommits  commits node 1's replay of node 0's WAL found.
 * @param lost              acknowledged commits missing after the switch (0 if the run passed).
 * @param newPrimaryCommits commits node 1 wrote as the primary.
 * @param phaseMs           each phase's time, ms, in {@link #PHASES} order; -1 where an event is missing.
 * @param switchMs          cmctl switchover started to node 1's first durable commit, ms; -1 if it never wrote.
 * @param nodeSwitchMs      node 1 read the request to its first durable commit, ms (without cmctl's JVM start).
 * @param writeGapMs        node 0's last commit (writes paused) to node 1's first, ms: no commit acknowledged.
 * @param cmctlMs           cmctl switchover's run, start to its exit (it waits for node 1 Primary Normal).
 * @param problems          everything that went wrong, empty if the run passed.
 */
public record SwitchoverSummary(
    long ackedByOld,
    long recoveredCommits,
    long lost,
    long newPrimaryCommits,
    long[] phaseMs,
    long switchMs,
    long nodeSwitchMs,
    long writeGapMs,
    long cmctlMs,
    List<String> problems)
{
    /** The phases, each ending at the event named on the node named (true: node 0). */
    static final String[] PHASES = {
        FailoverEvents.ROLE_REQUESTED, FailoverEvents.PUBLISHED, FailoverEvents.DEMOTE_STARTED,
        FailoverEvents.WRITES_PAUSED, FailoverEvents.DEMOTED, FailoverEvents.REFORM_FINISHED,
        FailoverEvents.RECOVERY_DONE, FailoverEvents.SERVING_WRITES };
    private static final boolean[] ON_OLD_PRIMARY = { false, false, true, true, true, false, false, false };
    private static final String[] PHASE_LABELS = {
        "request read by node 1 (cmctl JVM start, cm_request polled)",
        "view with node 1 primary decided by the arbiter",
        "DMS SWITCHOVER reform: node 0 demotes",
        "node 0's writer stopped, WAL durable (writes wait)",
        "node 0's hand-over checkpoint written",
        "DRC rebuilt on node 1, node 1 promoted, access open",
        "node 1 replayed node 0's WAL tail",
        "node 1 serving writes (checkpoint, first commit)" };

    public boolean passed()
    {
        return problems.isEmpty();
    }

    static SwitchoverSummary of(final SwitchoverRun run, final ClusterConfig config, final NodeReport oldPrimary,
        final NodeReport newPrimary, final SwitchoverRun.Queries queries, final List<String> launcherProblems)
    {
        final List<String> problems = new ArrayList<>(launcherProblems);
        final NodeReport o = oldPrimary == null ? new NodeReport() : oldPrimary;
        final NodeReport n = newPrimary == null ? new NodeReport() : newPrimary;
        for (int id = 0; id < 2; id++)
        {
            final NodeReport r = id == 0 ? oldPrimary : newPrimary;
            if (r == null)
            {
                problems.add("node " + id + " wrote no report");
                continue;
            }
            for (int p = 0; r.get("problem." + p) != null; p++)
            {
                problems.add("node " + id + ": " + r.get("problem." + p));
            }
        }
        if (run.requestWallMs() == 0)
        {
            problems.add("the switchover was never asked for: node 0 did not reach " + run.afterCommits() +
                " commits with both nodes serving");
        }
        final long acked = Math.max(run.ackedByOld(), o.getLong("commits"));
        final long recovered = n.getLong("failover.recoveredCommits");
        final boolean matches = 1 == n.getLong("failover.recoveredMatches");
        final long lost = Math.max(0, acked - (matches ? recovered : 0));
        if (lost > 0)
        {
            problems.add("acknowledged commits lost: node 0 acknowledged " + acked + ", node 1 took over " +
                recovered + " (the table matches them: " + matches + ")");
        }
        if (1 != n.getLong("failover.finalMatches"))
        {
            problems.add("the new primary did not finish the workload with every row at its last version");
        }
        if (n.getLong("failover.newPrimaryCommits") <= 0)
        {
            problems.add("the new primary wrote nothing");
        }
        if (1 != o.getLong("rejoin.checked"))
        {
            problems.add("the old primary did not read the whole workload as a standby");
        }
        checkQueries(queries, problems);
        final long[] phases = new long[PHASES.length];
        long previous = run.requestWallMs();
        for (int i = 0; i < PHASES.length; i++)
        {
            final FailoverEvents.Event event = run.event(ON_OLD_PRIMARY[i], PHASES[i]);
            if (event == null || previous <= 0)
            {
                phases[i] = -1;
                previous = -1;
                problems.add("the switchover never reached: " + PHASE_LABELS[i]);
                continue;
            }
            phases[i] = event.wallMs() - previous;
            previous = event.wallMs();
        }
        final FailoverEvents.Event paused = run.event(true, FailoverEvents.WRITES_PAUSED);
        final FailoverEvents.Event serving = run.event(false, FailoverEvents.SERVING_WRITES);
        final long switchMs = serving == null || run.requestWallMs() == 0 ? -1 :
            serving.wallMs() - run.requestWallMs();
        final FailoverEvents.Event read = run.event(false, FailoverEvents.ROLE_REQUESTED);
        final long nodeSwitchMs = serving == null || read == null ? -1 : serving.wallMs() - read.wallMs();
        final long gapMs = serving == null || paused == null ? -1 : serving.wallMs() - paused.wallMs();
        final long cmctlMs = run.cmctlDoneWallMs() == 0 ? -1 : run.cmctlDoneWallMs() - run.requestWallMs();
        return new SwitchoverSummary(acked, recovered, lost, n.getLong("failover.newPrimaryCommits"), phases,
            switchMs, nodeSwitchMs, gapMs, cmctlMs, List.copyOf(problems));
    }

    private static void checkQueries(final SwitchoverRun.Queries q, final List<String> problems)
    {
        if (q == null)
        {
            return;
        }
        if (!q.before().contains("P Primary Normal") || !q.before().contains("S Standby Normal"))
        {
            problems.add("cmctl query before the switchover did not show P Primary Normal and S Standby Normal");
        }
        if (!q.switchout().contains("switchover successfully: node " + SwitchoverRun.TARGET_CM_NODE + " is Primary"))
        {
            problems.add("cmctl switchover did not succeed: " + q.switchout().strip());
        }
        final String rows = CmFaultRun.datanodeRow(q.after());
        if (!rows.matches("(?s).*6002.*Primary\\s+Normal.*") || !rows.matches("(?s).*6001.*Standby\\s+Normal.*"))
        {
            problems.add("cmctl query after the switchover did not show node 1 (6002) Primary Normal and node 0 " +
                "(6001) Standby Normal");
        }
        for (int id = 0; id < 2; id++)
        {
            if (q.pids()[id] <= 0 || q.pids()[id] != q.pidsAfter()[id])
            {
                problems.add("node " + id + "'s process changed during the switchover (pid " + q.pids()[id] +
                    " before, " + q.pidsAfter()[id] + " after): both must stay alive");
            }
        }
        if (q.restarts() > 0)
        {
            problems.add("an agent restarted a node during the switchover run (" + q.restarts() + " restart(s))");
        }
    }

    void print(final SwitchoverRun run, final NodeReport oldPrimary, final NodeReport newPrimary,
        final String vgCheck, final PrintStream out)
    {
        final NodeReport o = oldPrimary == null ? new NodeReport() : oldPrimary;
        final NodeReport n = newPrimary == null ? new NodeReport() : newPrimary;
        out.println();
        out.println("== Switchover summary (cmctl switchover -n " + SwitchoverRun.TARGET_CM_NODE + ": node 0 -> " +
            "node 1, both alive)");
        out.println("phase                                                       ms");
        for (int i = 0; i < PHASES.length; i++)
        {
            out.printf(Locale.ROOT, "  %-56s %6s%n", PHASE_LABELS[i], phaseMs[i] < 0 ? "-" : phaseMs[i]);
        }
        out.printf(Locale.ROOT, "  %-56s %6s%n", "switch: cmctl started to node 1's first commit",
            switchMs < 0 ? "-" : switchMs);
        out.printf(Locale.ROOT, "  %-56s %6s%n", "switch: request read by node 1 to its first commit",
            nodeSwitchMs < 0 ? "-" : nodeSwitchMs);
        out.printf(Locale.ROOT, "  %-56s %6s%n", "writes waiting: node 0's last commit to node 1's first",
            writeGapMs < 0 ? "-" : writeGapMs);
        out.printf(Locale.ROOT, "  %-56s %6s%n", "cmctl switchover returned (node 1 Primary Normal)",
            cmctlMs < 0 ? "-" : cmctlMs);
        ClusterSummary.line(out, "before", String.format(Locale.ROOT, "node 0 acknowledged %d commits (the " +
            "switch was asked for at %d); its WAL ends at LSN %d", ackedByOld, run.afterCommits(),
            n.getLong("failover.recoveredEndLsn")));
        ClusterSummary.line(out, "acknowledged", String.format(Locale.ROOT, "%d acknowledged by node 0, %d in the " +
            "table node 1 took over: %s", ackedByOld, recoveredCommits, lost == 0 ? "lost 0" : "LOST " + lost));
        ClusterSummary.line(out, "after", String.format(Locale.ROOT, "node 1 replayed %d records of node 0's " +
            "WAL tail, wrote %d commits above LSN %d; %d commits in all, every row at its last version: %s",
            n.getLong("failover.replayedRecords"), newPrimaryCommits, n.getLong("failover.baseLsn"),
            n.getLong("failover.finalCommits"), 1 == n.getLong("failover.finalMatches") ? "yes" : "NO"));
        ClusterSummary.line(out, "old primary", String.format(Locale.ROOT, "node 0 stayed up as a standby: %d " +
            "passes over the table, pages from node 1: %d, from disk: %d; whole workload read: %s",
            o.getLong("rejoin.passes"), o.getLong("rejoin.fromPeer"), o.getLong("rejoin.fromDisk"),
            1 == o.getLong("rejoin.checked") ? "yes" : "NO"));
        ClusterSummary.line(out, "volume group check", vgCheck);
        ClusterSummary.result(out, "switched over, no acknowledged commit lost, every check clean", problems);
    }
}
