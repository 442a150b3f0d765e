package io.respool.examples.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A planned switchover run with the cluster manager running the nodes ({@code bin/cluster-demo --fault switchover
 * --cm}), as openGauss's {@code cm_ctl switchover -n NODE}: the agents start both nodes, node 0 writes and node 1
 * reads; once node 0 acknowledged {@code afterCommits} commits the launcher runs {@code cmctl switchover -n 2} as a
 * user would (its own JVM). Node 1's arbiter decides a view with node 1 primary; DMS's SWITCHOVER reform has node 0
 * demote (its writer ends the transaction under way, takes no more, makes its WAL durable and checkpoints) and
 * node 1 promote (it replays node 0's WAL tail, continues its own WAL above it, writes the end-of-recovery
 * checkpoint and goes on with the same workload). Node 0 stays alive as a standby that reads the table through
 * DMS, pages shipped from node 1. Then, an eighth into the rest of the workload, the launcher switches back
 * ({@code cmctl switchover -n 1}, unless {@code -Drespool.cluster.switchover.back=false}): node 1 demotes and reads
 * on as the standby until the table holds the whole workload, node 0 replays node 1's WAL tail and finishes the
 * workload as the primary. A primary with a switch still to come holds the last eighth of what it has left until
 * that switch demotes it ({@link Writer#holdForHandOver}), so a cmctl slow to start still finds work to hand over.
 * Checks: at each switch every commit the old primary acknowledged is in the table the
 * new one took over; the workload ends complete; neither node restarted; {@code cmctl query} shows the roles;
 * {@code dsscmd check} is clean.
 */
final class SwitchoverRun
{
    /** Whether the run switches back to node 0 after the first switchover (default true). */
    public static final String BACK_PROP_NAME = "respool.cluster.switchover.back";

    /** How long cmctl switchover waits for the target to be Primary and Normal (its -t). */
    private static final long CMCTL_WAIT_S = 20;

    private final long afterCommits;
    private final long totalCommits;
    private final int switches;
    private final PrintStream out;
    /** Per switch, per DMS node: its first event of each name after the switch's request. */
    private final List<List<Map<String, FailoverEvents.Event>>> events = new ArrayList<>();
    /** Per stretch between switches (0: before the first): the most commits its primary acknowledged. */
    private final AtomicLong[] acked;
    private final long[] requestWallMs;
    private final long[] cmctlDoneWallMs;
    private volatile int requested;
    private volatile int served;

    private SwitchoverRun(final long afterCommits, final long totalCommits, final int switches,
        final PrintStream out)
    {
        this.afterCommits = afterCommits;
        this.totalCommits = totalCommits;
        this.switches = switches;
        this.out = out;
        this.acked = new AtomicLong[switches + 1];
        for (int i = 0; i <= switches; i++)
        {
            acked[i] = new AtomicLong();
        }
        for (int k = 0; k < switches; k++)
        {
            events.add(List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>()));
        }
        this.requestWallMs = new long[switches];
        this.cmctlDoneWallMs = new long[switches];
    }

    static ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough,
        final long afterCommits, final boolean back, final PrintStream out)
    {
        final ClusterDemo.Outcome notReady = ClusterDemo.prepare(config, "Two-node cluster on this machine run by " +
            "the cluster manager, planned switchover run" + (back ? " and back" : "") + ": dms_url " +
            config.dmsUrl(), out);
        if (notReady != null)
        {
            return notReady;
        }
        return new SwitchoverRun(afterCommits, 1 + config.rows() + config.updates(), back ? 2 : 1, out)
            .run(config, passThrough);
    }

    /**
     * @param k the switch, 0 first.
     * @return the DMS node the switch makes primary: 1, then back to 0.
     */
    static int target(final int k)
    {
        return k % 2 == 0 ? 1 : 0;
    }

    private ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough)
    {
        final Path home = config.directory().resolve("cm");
        ClusterDemo.step(out, "Cluster manager: home " + home + "; one agent per node runs the node processes; " +
            "after " + afterCommits + " commits the launcher runs bin/cmctl switchover -n 2 --home " + home +
            (switches > 1 ? ", and an eighth into the rest bin/cmctl switchover -n 1 (back)" : ""));
        final List<List<String>> commands = CmFaultRun.nodeCommands(config, home,
            Map.of("switchovers", Integer.toString(switches)),
            ClusterDemo.arbiterTimeouts(passThrough, out));
        final List<String> problems = new ArrayList<>();
        final CmCluster[] holder = new CmCluster[1];
        final Thread hook = new Thread(() ->
        {
            out.println("interrupted: stopping the nodes through their agents");
            if (holder[0] != null)
            {
                holder[0].close();
            }
        }, "cluster-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final Queries queries;
        try (CmCluster cluster = CmCluster.start(home, config.image(), commands, CmFaultRun.ports(config),
            List.of((line) -> onLine(0, line), (line) -> onLine(1, line)), out))
        {
            holder[0] = cluster;
            queries = supervise(cluster, config, problems);
        }
        finally
        {
            ClusterDemo.removeHook(hook);
        }
        final String vgCheck = ClusterDemo.checkVolumeGroup(config, 1, problems);
        final NodeReport[] reports = {
            NodeReport.read(ClusterStorage.reportFile(config, 0)), NodeReport.read(ClusterStorage.reportFile(config, 1))
        };
        final SwitchoverSummary summary = SwitchoverSummary.of(this, reports, queries, problems);
        summary.print(this, reports, vgCheck, out);
        return new ClusterDemo.Outcome(summary.passed() ? ClusterDemo.EXIT_PASSED : ClusterDemo.EXIT_FAILED, null,
            null, null, null, null, summary);
    }

    /**
     * What {@code cmctl} showed and said.
     *
     * @param before    query -Cvipd once both nodes served, "" if never.
     * @param switchout each cmctl switchover's output.
     * @param after     query -Cvipd once the last primary's work ended and the other node checked the table.
     * @param pids      node 0's and node 1's pids before the first switchover.
     * @param pidsAfter their pids at the end.
     * @param restarts  the highest restart count either agent showed.
     */
    record Queries(String before, List<String> switchout, String after, long[] pids, long[] pidsAfter, long restarts)
    {
    }

    private Queries supervise(final CmCluster cluster, final ClusterConfig config, final List<String> problems)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        CompletableFuture<String> before = null;
        final List<CompletableFuture<String>> switchouts = new ArrayList<>();
        CompletableFuture<String> after = null;
        final long[] pids = { -1, -1 };
        long restarts = 0;
        while (true)
        {
            if (deadlineNs - System.nanoTime() < 0)
            {
                problems.add("the run took longer than " + config.timeoutSeconds() + " s (-D" +
                    ClusterConfig.TIMEOUT_PROP_NAME + "); nodes stopped");
                break;
            }
            restarts = Math.max(restarts, Math.max(cluster.restarts(0), cluster.restarts(1)));
            if (before == null && CmFaultRun.serving(cluster, 0) && CmFaultRun.serving(cluster, 1))
            {
                before = CompletableFuture.supplyAsync(() -> cluster.query("-Cvipd"));
            }
            final int k = switchouts.size();
            if (k < switches && before != null && before.isDone() && due(k, switchouts))
            {
                if (k == 0)
                {
                    pids[0] = cluster.node(0).pid();
                    pids[1] = cluster.node(1).pid();
                }
                switchouts.add(request(cluster, k));
            }
            final int last = target(switches - 1);
            if (after == null && switchouts.size() == switches && switchouts.get(switches - 1).isDone() &&
                cluster.node(last).workDone() && cluster.node(1 - last).standbyChecked())
            {
                after = CompletableFuture.supplyAsync(() -> cluster.query("-Cvipd"));
            }
            if (after != null && after.isDone())
            {
                break;
            }
            if (!switchouts.isEmpty() && switchouts.get(switchouts.size() - 1).isDone() &&
                !switchouts.get(switchouts.size() - 1).join().contains("switchover successfully"))
            {
                problems.add("cmctl switchover " + switchouts.size() + " failed (output below); the run stops");
                break;
            }
            if (switchouts.size() < switches && cluster.node(served % 2 == 0 ? 0 : 1).workDone())
            {
                problems.add("the primary finished the workload before switchover " + (switchouts.size() + 1) +
                    " was asked for");
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        final String beforeText = before == null ? "" : before.join();
        final List<String> switchTexts = new ArrayList<>();
        for (final CompletableFuture<String> f : switchouts)
        {
            switchTexts.add(f.join());
        }
        final String afterText = after == null ? "" : after.join();
        CmFaultRun.print(out, "cmctl query -Cvipd while both nodes served, before the switchover", beforeText);
        for (int k = 0; k < switchTexts.size(); k++)
        {
            CmFaultRun.print(out, "bin/cmctl switchover -n " + (target(k) + 1), switchTexts.get(k));
        }
        CmFaultRun.print(out, "cmctl query -Cvipd at the end, once the last primary's work ended and the standby " +
            "checked the table", afterText);
        return new Queries(beforeText, List.copyOf(switchTexts), afterText, pids,
            new long[] { cluster.node(0).pid(), cluster.node(1).pid() }, restarts);
    }

    /**
     * @return whether switch {@code k} is due: the first after {@code afterCommits} commits, the next once the
     * previous one's cmctl returned and the new primary acknowledged an eighth of the rest of the workload (early:
     * cmctl's JVM takes 1 to 3 s to start here, and the switch must come before the workload ends).
     */
    private boolean due(final int k, final List<CompletableFuture<String>> switchouts)
    {
        if (k == 0)
        {
            return acked[0].get() >= afterCommits;
        }
        final long from = acked[k - 1].get();
        return switchouts.get(k - 1).isDone() && served == k && acked[k].get() >= from + (totalCommits - from) / 8;
    }

    private CompletableFuture<String> request(final CmCluster cluster, final int k)
    {
        requestWallMs[k] = System.currentTimeMillis();
        requested = k + 1;
        final int cmNode = target(k) + 1;
        out.println("SWITCHOVER bin/cmctl switchover -n " + cmNode + " with " + acked[k].get() + " commits " +
            "acknowledged by node " + (1 - target(k)));
        return CompletableFuture.supplyAsync(() ->
        {
            final String text = cluster.cmctl("switchover", "-n", Integer.toString(cmNode), "-t",
                Long.toString(CMCTL_WAIT_S));
            cmctlDoneWallMs[k] = System.currentTimeMillis();
            return text;
        });
    }

    /**
     * A node's line: an acknowledged count kept for the stretch its node is the primary of (not copied on), an
     * event after a request recorded for that switch.
     */
    private boolean onLine(final int node, final String line)
    {
        if (line.startsWith(ClusterNode.ACKED_PREFIX))
        {
            final int stretch = served;
            if ((stretch == 0 ? 0 : target(stretch - 1)) == node)
            {
                acked[stretch].accumulateAndGet(Long.parseLong(line.substring(ClusterNode.ACKED_PREFIX.length())
                    .split(" ")[0]), Math::max);
            }
            return false;
        }
        final FailoverEvents.Event event = FailoverEvents.parse(line);
        final int k = requested - 1;
        if (event != null && k >= 0)
        {
            if (events.get(k).get(node).putIfAbsent(event.name(), event) == null &&
                FailoverEvents.SERVING_WRITES.equals(event.name()) && node == target(k))
            {
                served = k + 1;
            }
        }
        return true;
    }

    long afterCommits()
    {
        return afterCommits;
    }

    long totalCommits()
    {
        return totalCommits;
    }

    int switches()
    {
        return switches;
    }

    /**
     * @param stretch 0 before the first switch, k after switch k.
     * @return the most commits that stretch's primary acknowledged.
     */
    long acked(final int stretch)
    {
        return acked[stretch].get();
    }

    long requestWallMs(final int k)
    {
        return requestWallMs[k];
    }

    long cmctlDoneWallMs(final int k)
    {
        return cmctlDoneWallMs[k];
    }

    /**
     * @param k    the switch.
     * @param node the DMS node.
     * @return its first event of that name after switch {@code k}'s request, or null.
     */
    FailoverEvents.Event event(final int k, final int node, final String name)
    {
        return events.get(k).get(node).get(name);
    }
}
