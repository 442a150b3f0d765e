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
 * DMS, pages shipped from node 1, until the table holds the whole workload. Checks: every commit node 0
 * acknowledged is in the table node 1 took over, the workload ends complete, neither node restarted,
 * {@code cmctl query} shows the roles swapped, and {@code dsscmd check} is clean.
 */
final class SwitchoverRun
{
    /** The CM node id of the switchover's target: DMS node 1 (CM ids are 1-based). */
    static final int TARGET_CM_NODE = 2;

    private final long afterCommits;
    private final PrintStream out;
    private final Map<String, FailoverEvents.Event> oldPrimaryEvents = new ConcurrentHashMap<>();
    private final Map<String, FailoverEvents.Event> newPrimaryEvents = new ConcurrentHashMap<>();
    private final AtomicLong ackedByOld = new AtomicLong();
    private final AtomicLong ackedByNew = new AtomicLong();
    private volatile long requestWallMs;
    private volatile long cmctlDoneWallMs;

    private SwitchoverRun(final long afterCommits, final PrintStream out)
    {
        this.afterCommits = afterCommits;
        this.out = out;
    }

    static ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough,
        final long afterCommits, final PrintStream out)
    {
        final ClusterDemo.Outcome notReady = ClusterDemo.prepare(config, "Two-node cluster on this machine run by " +
            "the cluster manager, planned switchover run: dms_url " + config.dmsUrl(), out);
        if (notReady != null)
        {
            return notReady;
        }
        return new SwitchoverRun(afterCommits, out).run(config, passThrough);
    }

    private ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough)
    {
        final Path home = config.directory().resolve("cm");
        ClusterDemo.step(out, "Cluster manager: home " + home + "; one agent per node runs the node processes; " +
            "after " + afterCommits + " commits the launcher runs bin/cmctl switchover -n " + TARGET_CM_NODE +
            " --home " + home);
        final List<List<String>> commands = CmFaultRun.nodeCommands(config, home,
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
            List.of(this::onOldPrimaryLine, this::onNewPrimaryLine), out))
        {
            holder[0] = cluster;
            queries = supervise(cluster, config, problems);
        }
        finally
        {
            ClusterDemo.removeHook(hook);
        }
        final String vgCheck = ClusterDemo.checkVolumeGroup(config, 1, problems);
        final NodeReport oldPrimary = NodeReport.read(ClusterStorage.reportFile(config, 0));
        final NodeReport newPrimary = NodeReport.read(ClusterStorage.reportFile(config, 1));
        final SwitchoverSummary summary = SwitchoverSummary.of(this, config, oldPrimary, newPrimary, queries,
            problems);
        summary.print(this, oldPrimary, newPrimary, vgCheck, out);
        return new ClusterDemo.Outcome(summary.passed() ? ClusterDemo.EXIT_PASSED : ClusterDemo.EXIT_FAILED, null,
            null, null, null, null, summary);
    }

    /**
     * What {@code cmctl} showed and said.
     *
     * @param before    query -Cvipd once both nodes served, "" if never.
     * @param switchout cmctl switchover's output.
     * @param after     query -Cvipd once the new primary's work ended and the old one checked the table.
     * @param pids      node 0's and node 1's pids before the switchover.
     * @param pidsAfter their pids at the end.
     * @param restarts  the highest restart count either agent showed.
     */
    record Queries(String before, String switchout, String after, long[] pids, long[] pidsAfter, long restarts)
    {
    }

    private Queries supervise(final CmCluster cluster, final ClusterConfig config, final List<String> problems)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        CompletableFuture<String> before = null;
        CompletableFuture<String> switchover = null;
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
            if (switchover == null && before != null && before.isDone() && ackedByOld.get() >= afterCommits)
            {
                pids[0] = cluster.node(0).pid();
                pids[1] = cluster.node(1).pid();
                requestWallMs = System.currentTimeMillis();
                out.println("SWITCHOVER bin/cmctl switchover -n " + TARGET_CM_NODE + " with " + ackedByOld.get() +
                    " commits acknowledged by node 0");
                switchover = CompletableFuture.supplyAsync(() ->
                {
                    final String text = cluster.cmctl("switchover", "-n", Integer.toString(TARGET_CM_NODE), "-t",
                        "60");
                    cmctlDoneWallMs = System.currentTimeMillis();
                    return text;
                });
            }
            if (after == null && switchover != null && switchover.isDone() && cluster.node(1).workDone() &&
                cluster.node(0).standbyChecked())
            {
                after = CompletableFuture.supplyAsync(() -> cluster.query("-Cvipd"));
            }
            if (after != null && after.isDone())
            {
                break;
            }
            if (switchover == null && cluster.node(0).workDone())
            {
                problems.add("node 0 finished its work before the switchover was asked for");
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        final String beforeText = before == null ? "" : before.join();
        final String switchText = switchover == null ? "" : switchover.join();
        final String afterText = after == null ? "" : after.join();
        CmFaultRun.print(out, "cmctl query -Cvipd while both nodes served, before the switchover", beforeText);
        CmFaultRun.print(out, "bin/cmctl switchover -n " + TARGET_CM_NODE, switchText);
        CmFaultRun.print(out, "cmctl query -Cvipd after the switchover, the new primary's work and the old " +
            "primary's check", afterText);
        return new Queries(beforeText, switchText, afterText, pids,
            new long[] { cluster.node(0).pid(), cluster.node(1).pid() }, restarts);
    }

    private boolean onOldPrimaryLine(final String line)
    {
        return onLine(line, ackedByOld, oldPrimaryEvents);
    }

    private boolean onNewPrimaryLine(final String line)
    {
        return onLine(line, ackedByNew, newPrimaryEvents);
    }

    /**
     * A node's line: an acknowledged count kept (not copied on), an event after the request recorded.
     */
    private boolean onLine(final String line, final AtomicLong acked, final Map<String, FailoverEvents.Event> events)
    {
        if (line.startsWith(ClusterNode.ACKED_PREFIX))
        {
            acked.accumulateAndGet(Long.parseLong(line.substring(ClusterNode.ACKED_PREFIX.length()).split(" ")[0]),
                Math::max);
            return false;
        }
        final FailoverEvents.Event event = FailoverEvents.parse(line);
        if (event != null && requestWallMs != 0)
        {
            events.putIfAbsent(event.name(), event);
        }
        return true;
    }

    long afterCommits()
    {
        return afterCommits;
    }

    /**
     * @return the most commits node 0 (the old primary) acknowledged.
     */
    long ackedByOld()
    {
        return ackedByOld.get();
    }

    /**
     * @return the most commits node 1 acknowledged once it was the primary (counting node 0's).
     */
    long ackedByNew()
    {
        return ackedByNew.get();
    }

    long requestWallMs()
    {
        return requestWallMs;
    }

    long cmctlDoneWallMs()
    {
        return cmctlDoneWallMs;
    }

    /**
     * @param oldPrimary the event is node 0's (else node 1's).
     * @return its first event of that name after the request, or null.
     */
    FailoverEvents.Event event(final boolean oldPrimary, final String name)
    {
        return (oldPrimary ? oldPrimaryEvents : newPrimaryEvents).get(name);
    }
}
