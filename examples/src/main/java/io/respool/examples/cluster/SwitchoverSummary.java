package io.respool.examples.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a switchover run came to ({@link SwitchoverRun}): per switch its phases, timed from the launcher's
 * {@code cmctl switchover}, the time no commit was acknowledged, and whether every commit the old primary
 * acknowledged is in the table the new primary took over; then whether the workload ended complete.
 *
 * @param switches each switch, in order.
 * @param problems everything that went wrong, empty if the run passed.
 */
public record SwitchoverSummary(List<Switch> switches, List<String> problems)
{
    /**
     * One switch.
     *
     * @param from              the DMS node that was primary.
     * @param to                the DMS node made primary.
     * @param ackedByOld        commits the old primary acknowledged (all durable when it handed over).
     * @param recoveredCommits  commits the new primary's replay of the old one's WAL found; -1 if it never took
     *                          over (a problem of its own: nothing is known lost then).
     * @param lost              acknowledged commits missing from the table the new primary took over (0 if the
     *                          run passed).
     * @param newPrimaryCommits commits the new primary wrote as the primary.
     * @param phaseMs           each phase's time, ms, in {@link #PHASES} order; -1 where an event is missing.
     * @param switchMs          cmctl switchover started to the new primary's first durable commit, ms; -1 if none.
     * @param nodeSwitchMs      the new primary read the request to its first durable commit, ms (no cmctl JVM start).
     * @param writeGapMs        the old primary's DEMOTE step began (no transaction starts after it) to the new
     *                          primary's first commit, ms: the longest any client's write waited.
     * @param cmctlMs           cmctl switchover's run, start to its exit (it waits for Primary Normal).
     */
    public record Switch(int from, int to, long ackedByOld, long recoveredCommits, long lost, long newPrimaryCommits,
        long[] phaseMs, long switchMs, long nodeSwitchMs, long writeGapMs, long cmctlMs)
    {
    }

    /** The phases, each ending at the event named, on the old primary where {@link #ON_OLD_PRIMARY}. */
    static final String[] PHASES = {
        FailoverEvents.ROLE_REQUESTED, FailoverEvents.PUBLISHED, FailoverEvents.DEMOTE_STARTED,
        FailoverEvents.WRITES_PAUSED, FailoverEvents.DEMOTED, FailoverEvents.REFORM_FINISHED,
        FailoverEvents.RECOVERY_DONE, FailoverEvents.SERVING_WRITES };
    private static final boolean[] ON_OLD_PRIMARY = { false, false, true, true, true, false, false, false };
    private static final String[] PHASE_LABELS = {
        "request read by the target (cmctl JVM start, cm_request polled)",
        "view with the target primary decided by the arbiter",
        "DMS SWITCHOVER reform: the old primary demotes",
        "old primary's writer stopped, WAL durable (writes wait)",
        "old primary's hand-over checkpoint written",
        "DRC rebuilt on the new primary, promoted, access open",
        "new primary replayed the old primary's WAL tail",
        "new primary serving writes (checkpoint, first commit)" };

    public boolean passed()
    {
        return problems.isEmpty();
    }

    static SwitchoverSummary of(final SwitchoverRun run, final NodeReport[] reports,
        final SwitchoverRun.Queries queries, final List<String> launcherProblems)
    {
        final List<String> problems = new ArrayList<>(launcherProblems);
        final NodeReport[] r = new NodeReport[2];
        for (int id = 0; id < 2; id++)
        {
            r[id] = reports[id] == null ? new NodeReport() : reports[id];
            if (reports[id] == null)
            {
                problems.add("node " + id + " wrote no report");
            }
            for (int p = 0; r[id].get("problem." + p) != null; p++)
            {
                problems.add("node " + id + ": " + r[id].get("problem." + p));
            }
        }
        final List<Switch> switches = new ArrayList<>();
        for (int k = 0; k < run.switches(); k++)
        {
            switches.add(of(run, k, r, problems));
        }
        final int last = SwitchoverRun.target(run.switches() - 1);
        if (1 != r[last].getLong("failover.finalMatches"))
        {
            problems.add("node " + last + ", the last primary, did not finish the workload with every row at its " +
                "last version");
        }
        if (1 != r[1 - last].getLong("rejoin.checked"))
        {
            problems.add("node " + (1 - last) + ", the last standby, did not read the whole workload");
        }
        if (run.switches() > 1 && r[0].getLong("rejoin.fromPeer") <= 0)
        {
            problems.add("node 0 read no page shipped from node 1 while it was the standby");
        }
        checkQueries(run, queries, problems);
        return new SwitchoverSummary(List.copyOf(switches), List.copyOf(problems));
    }

    private static Switch of(final SwitchoverRun run, final int k, final NodeReport[] r, final List<String> problems)
    {
        final int to = SwitchoverRun.target(k);
        final int from = 1 - to;
        final String name = "switch " + (k + 1) + " (node " + from + " -> node " + to + ")";
        if (run.requestWallMs(k) == 0)
        {
            problems.add(name + " was never asked for");
        }
        final FailoverEvents.Event paused = run.event(k, from, FailoverEvents.WRITES_PAUSED);
        // the old primary's own count at its hand-over: every commit it made durable, so acknowledged or not yet
        final long pausedAt = paused == null ? 0 : Long.parseLong(paused.detail().split(" ")[0]);
        final long acked = Math.max(run.acked(k), pausedAt);
        final boolean tookOver = r[to].get("failover.recoveredCommits") != null;
        final long recovered = tookOver ? r[to].getLong("failover.recoveredCommits") : -1;
        final boolean matches = 1 == r[to].getLong("failover.recoveredMatches");
        final long lost = tookOver ? Math.max(0, acked - (matches ? recovered : 0)) : 0;
        if (!tookOver)
        {
            problems.add(name + ": node " + to + " never took over as the primary (it replayed no WAL of node " +
                from + "'s); the commits node " + from + " acknowledged stay in its WAL and the table");
        }
        if (lost > 0)
        {
            problems.add(name + ": acknowledged commits lost: node " + from + " acknowledged " + acked + ", node " +
                to + " took over " + recovered + " (the table matches them: " + matches + ")");
        }
        final long newCommits = r[to].getLong("failover.newPrimaryCommits");
        if (newCommits <= 0)
        {
            problems.add(name + ": the new primary wrote nothing");
        }
        final long[] phases = new long[PHASES.length];
        long previous = run.requestWallMs(k);
        for (int i = 0; i < PHASES.length; i++)
        {
            final FailoverEvents.Event event = run.event(k, ON_OLD_PRIMARY[i] ? from : to, PHASES[i]);
            if (event == null || previous <= 0)
            {
                phases[i] = -1;
                previous = -1;
                problems.add(name + " never reached: " + PHASE_LABELS[i]);
                continue;
            }
            phases[i] = event.wallMs() - previous;
            previous = event.wallMs();
        }
        final FailoverEvents.Event serving = run.event(k, to, FailoverEvents.SERVING_WRITES);
        final FailoverEvents.Event read = run.event(k, to, FailoverEvents.ROLE_REQUESTED);
        final long switchMs = serving == null || run.requestWallMs(k) == 0 ? -1 :
            serving.wallMs() - run.requestWallMs(k);
        final long nodeSwitchMs = serving == null || read == null ? -1 : serving.wallMs() - read.wallMs();
        // from the DEMOTE step's start: the transaction under way then may still commit, none after it
        final FailoverEvents.Event demote = run.event(k, from, FailoverEvents.DEMOTE_STARTED);
        final long gapMs = serving == null || demote == null ? -1 : serving.wallMs() - demote.wallMs();
        final long cmctlMs = run.cmctlDoneWallMs(k) == 0 ? -1 : run.cmctlDoneWallMs(k) - run.requestWallMs(k);
        return new Switch(from, to, acked, recovered, lost, newCommits, phases, switchMs, nodeSwitchMs, gapMs,
            cmctlMs);
    }

    private static void checkQueries(final SwitchoverRun run, final SwitchoverRun.Queries q,
        final List<String> problems)
    {
        if (q == null)
        {
            return;
        }
        if (!q.before().contains("P Primary Normal") || !q.before().contains("S Standby Normal"))
        {
            problems.add("cmctl query before the switchover did not show P Primary Normal and S Standby Normal");
        }
        for (int k = 0; k < q.switchout().size(); k++)
        {
            final int cmNode = SwitchoverRun.target(k) + 1;
            if (!q.switchout().get(k).contains("switchover successfully: node " + cmNode + " is Primary"))
            {
                problems.add("cmctl switchover -n " + cmNode + " did not succeed: " + q.switchout().get(k).strip());
            }
        }
        final int last = SwitchoverRun.target(run.switches() - 1);
        final String rows = CmFaultRun.datanodeRow(q.after());
        if (!rows.matches("(?s).*" + (6001 + last) + ".*Primary\\s+Normal.*") ||
            !rows.matches("(?s).*" + (6002 - last) + ".*Standby\\s+Normal.*"))
        {
            problems.add("cmctl query at the end did not show node " + last + " (" + (6001 + last) + ") Primary " +
                "Normal and node " + (1 - last) + " (" + (6002 - last) + ") Standby Normal");
        }
        for (int id = 0; id < 2; id++)
        {
            if (q.pids()[id] <= 0 || q.pids()[id] != q.pidsAfter()[id])
            {
                problems.add("node " + id + "'s process changed during the switchover run (pid " + q.pids()[id] +
                    " before, " + q.pidsAfter()[id] + " after): both must stay alive");
            }
        }
        if (q.restarts() > 0)
        {
            problems.add("an agent restarted a node during the switchover run (" + q.restarts() + " restart(s))");
        }
    }

    void print(final SwitchoverRun run, final NodeReport[] reports, final String vgCheck, final PrintStream out)
    {
        for (final Switch s : switches)
        {
            final NodeReport n = reports[s.to()] == null ? new NodeReport() : reports[s.to()];
            out.println();
            out.println("== Switchover summary (cmctl switchover -n " + (s.to() + 1) + ": node " + s.from() +
                " -> node " + s.to() + ", both alive)");
            out.println("phase                                                       ms");
            for (int i = 0; i < PHASES.length; i++)
            {
                row(out, PHASE_LABELS[i], s.phaseMs()[i]);
            }
            row(out, "switch: cmctl started to the new primary's first commit", s.switchMs());
            row(out, "switch: request read by the target to its first commit", s.nodeSwitchMs());
            row(out, "writes waiting: DEMOTE began to the new primary's commit", s.writeGapMs());
            row(out, "cmctl switchover returned (target Primary Normal)", s.cmctlMs());
            ClusterSummary.line(out, "acknowledged", s.recoveredCommits() < 0 ?
                String.format(Locale.ROOT, "%d acknowledged by node %d; node %d NEVER TOOK OVER", s.ackedByOld(),
                    s.from(), s.to()) :
                String.format(Locale.ROOT, "%d acknowledged by node %d, %d in the table node %d took over: %s",
                    s.ackedByOld(), s.from(), s.recoveredCommits(), s.to(),
                    s.lost() == 0 ? "lost 0" : "LOST " + s.lost()));
            ClusterSummary.line(out, "after", String.format(Locale.ROOT, "node %d replayed %d records of node %d's " +
                "WAL tail, wrote %d commits above LSN %d", s.to(), n.getLong("failover.replayedRecords"), s.from(),
                s.newPrimaryCommits(), n.getLong("failover.baseLsn")));
        }
        final int last = SwitchoverRun.target(run.switches() - 1);
        final NodeReport p = reports[last] == null ? new NodeReport() : reports[last];
        final NodeReport o = reports[0] == null ? new NodeReport() : reports[0];
        final NodeReport sb = reports[1 - last] == null ? new NodeReport() : reports[1 - last];
        out.println();
        out.println("== Switchover run (" + run.switches() + " switch" + (run.switches() > 1 ? "es" : "") + ")");
        ClusterSummary.line(out, "workload", String.format(Locale.ROOT, "%d commits in all on node %d, every row " +
            "at its last version: %s", p.getLong("failover.finalCommits"), last,
            1 == p.getLong("failover.finalMatches") ? "yes" : "NO"));
        ClusterSummary.line(out, "old primary", String.format(Locale.ROOT, "node 0 stayed up as a standby: %d " +
            "passes over the table, pages from node 1: %d, from disk: %d", o.getLong("rejoin.passes"),
            o.getLong("rejoin.fromPeer"), o.getLong("rejoin.fromDisk")));
        ClusterSummary.line(out, "last standby", String.format(Locale.ROOT, "node %d read the whole workload: %s",
            1 - last, 1 == sb.getLong("rejoin.checked") ? "yes" : "NO"));
        ClusterSummary.line(out, "volume group check", vgCheck);
        ClusterSummary.result(out, "switched over" + (run.switches() > 1 ? " and back" : "") + ", no acknowledged " +
            "commit lost, every check clean", problems);
    }

    private static void row(final PrintStream out, final String label, final long ms)
    {
        out.printf(Locale.ROOT, "  %-56s %6s%n", label, ms < 0 ? "-" : ms);
    }
}
