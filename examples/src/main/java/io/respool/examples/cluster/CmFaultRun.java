package io.respool.examples.cluster;

import io.respool.cluster.arbiter.ArbiterContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A failover run with the cluster manager running the nodes ({@code bin/cluster-demo --fault kill9 --cm}): the
 * launcher writes a cluster home, starts one agent per node ({@link CmCluster}) and the agents start the nodes;
 * the fault goes to the pid the agent runs. Besides the failover checks of {@link FaultRun} it checks what the
 * cluster manager shows and does, with {@code cmctl query -Cvipd} run as a user runs it: both nodes Primary /
 * Standby and Normal while they serve; after the fault the agent restarts the dead node (restart counted), the
 * restarted node rejoins through the arbiter as a standby and checks the table the new primary finishes
 * ({@link RejoinedStandby}), and query then shows the new primary Primary Normal and the old one Standby Normal.
 */
final class CmFaultRun
{
    /** How long after the new primary's work the launcher waits for the old primary's rejoin and its check. */
    private static final long RESTART_WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * What the cluster manager showed.
     *
     * @param beforeFault    cmctl query -Cvipd once both nodes served, "" if it never ran.
     * @param afterFailover  cmctl query -Cvipd after the new primary's work, once node 0 rejoined and checked it.
     * @param restarts       the highest restart count of node 0 the agent showed.
     * @param restartedPid   node 0's pid after the restart, -1 if none.
     * @param problems       what did not hold.
     * @param paused         the operator's paused failover ({@code --pause}), null in a run without it.
     */
    record CmView(String beforeFault, String afterFailover, long restarts, long restartedPid, List<String> problems,
        PausedFailover.Result paused)
    {
    }

    private CmFaultRun()
    {
    }

    /** Seed 002's lesson: the first heap alarm node 0's agent raised, as its log has it. */
    private static String heapAlarm(final Path agentLog)
    {
        try (Stream<String> lines = Files.lines(agentLog))
        {
            return lines.filter(l -> l.contains("KEY_EVENT_MEMORY_ALARM") && l.contains("alarm raised") &&
                l.contains(" heap: ")).findFirst().map(l -> "node 0's agent, before the process ended: " +
                l.substring(l.indexOf("memory alarm raised: ") + "memory alarm raised: ".length(), l.lastIndexOf(']')))
                .orElse("none raised by node 0's agent before the process ended (" + agentLog + ")");
        }
        catch (final IOException ex)
        {
            return "cannot read " + agentLog + ": " + ex.getMessage();
        }
    }

    /**
     * @param pause whether the operator pauses the cluster before the fault and fails it over by hand
     *              ({@link PausedFailover}).
     */
    static ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough,
        final FaultRun run, final boolean pause, final PrintStream out)
    {
        final ClusterDemo.Outcome notReady = ClusterDemo.prepare(config, "Two-node cluster on this machine run by " +
            "the cluster manager, failover run (" + run.fault().label() + "): dms_url " + config.dmsUrl(), out);
        if (notReady != null)
        {
            return notReady;
        }
        final Path home = config.directory().resolve("cm");
        ClusterDemo.step(out, "Cluster manager: home " + home + " (cm_cluster.json, cm_resource.json); one agent " +
            "per node starts and supervises the node processes; watch with: bin/cmctl query -Cvipd --home " + home);
        final Map<String, String> nodeProps = ClusterDemo.arbiterTimeouts(passThrough, out);
        final List<List<String>> commands = nodeCommands(config, home, Map.of(), nodeProps);
        final long holdMs = pause ? 2 * Long.parseLong(nodeProps.get(ArbiterContext.LEASE_TIMEOUT_PROP_NAME)) : 0;
        if (pause)
        {
            ClusterDemo.step(out, "The operator pauses the cluster (cmctl pause) once both nodes serve; after the " +
                "fault nothing may happen for " + holdMs + " ms (two leases), then cmctl failover -n 2 and cmctl " +
                "resume");
        }
        final List<Integer> ports = ports(config);
        final List<String> problems = new ArrayList<>();
        CmView view = null;
        final CmCluster[] holder = new CmCluster[1];
        final Thread hook = new Thread(() ->
        {
            out.println("interrupted: stopping the nodes through their agents");
            run.resumePrimary();
            if (holder[0] != null)
            {
                holder[0].close();
            }
        }, "cluster-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CmCluster cluster = CmCluster.start(home, config.image(), commands, ports,
            List.of(run::onPrimaryLine, run::onStandbyLine), out))
        {
            holder[0] = cluster;
            run.primary(cluster.node(0));
            view = supervise(cluster, run, config, pause ? new PausedFailover(cluster, run, holdMs, out) : null, out);
        }
        finally
        {
            run.resumePrimary();
            ClusterDemo.removeHook(hook);
        }
        if (run.failure() != null)
        {
            problems.add(run.failure());
        }
        problems.addAll(view.problems());
        final RejoinSummary rejoin = RejoinSummary.of(ClusterStorage.rejoinReportFile(config, 0));
        problems.addAll(rejoin.problems());
        final String vgCheck = ClusterDemo.checkVolumeGroup(config, 1, problems);
        final NodeReport standby = NodeReport.read(ClusterStorage.reportFile(config, 1));
        final FailoverSummary summary = FailoverSummary.of(run, config, standby, problems);
        out.println();
        out.println(String.format("cluster manager      node 0 restarted by its agent %d time(s) (pid %d after pid " +
            "%d ended) and rejoined as a standby; cmctl query before and after is above",
            view.restarts(), view.restartedPid(), run.faultPid()));
        if (run.fault() == Fault.OOM)
        {
            out.println("heap alarm           " + heapAlarm(CmCluster.agentDir(home, 0).resolve("cm_agent.log")));
        }
        FailoverSummary.print(summary, run, standby, rejoin, vgCheck, out);
        return new ClusterDemo.Outcome(summary.passed() ? ClusterDemo.EXIT_PASSED : ClusterDemo.EXIT_FAILED, null,
            null, summary, view, rejoin);
    }

    /**
     * @param runArgs node arguments of this kind of run (the switchover run's {@code switchovers=N}).
     * @return the commands the agents run: each node under its agent ({@code cm=true}, its data directory in the
     * cluster home).
     */
    static List<List<String>> nodeCommands(final ClusterConfig config, final Path home,
        final Map<String, String> runArgs, final Map<String, String> nodeProps)
    {
        final List<List<String>> commands = new ArrayList<>();
        for (int id = 0; id < 2; id++)
        {
            final Map<String, String> args = ClusterDemo.managedArgs(config, id);
            args.put("cm", "true");
            args.put("dataDir", home.resolve("dn" + id).toString());
            args.putAll(runArgs);
            commands.add(NodeProcess.javaCommand(args, nodeProps));
        }
        return commands;
    }

    static List<Integer> ports(final ClusterConfig config)
    {
        return List.of(config.nodeList().node(0).port(), config.nodeList().node(1).port());
    }

    /**
     * Follow the run: query once both nodes serve, wait for the new primary's work to end and for the old
     * primary's rejoin (the agent restarts it) and its check as a standby, query again.
     */
    private static CmView supervise(final CmCluster cluster, final FaultRun run, final ClusterConfig config,
        final PausedFailover operator, final PrintStream out)
    {
        final List<String> found = new ArrayList<>();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        final CompletableFuture<String> before = new CompletableFuture<>();
        boolean beforeStarted = false;
        run.holdFaultUntil(() -> before.isDone() && (operator == null || operator.paused()));
        CompletableFuture<String> after = null;
        long workDoneNs = 0;
        long maxRestarts = 0;
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (deadlineNs - nowNs < 0)
            {
                found.add("the run took longer than " + config.timeoutSeconds() + " s (-D" +
                    ClusterConfig.TIMEOUT_PROP_NAME + "); nodes stopped");
                break;
            }
            if (!beforeStarted && serving(cluster, 0) && serving(cluster, 1))
            {
                beforeStarted = true;
                CompletableFuture.runAsync(() -> before.complete(cluster.query("-Cvipd")));
            }
            if (operator != null && before.isDone())
            {
                operator.pause();
            }
            if (operator != null && run.faultWallMs() != 0)
            {
                operator.afterFault();
            }
            // the agent clears its count after 5 online checks in a row (CM's rule): keep the highest seen
            maxRestarts = Math.max(maxRestarts, cluster.restarts(0));
            final boolean restarted = cluster.node(0).standbyChecked() && run.faultPid() > 0 &&
                cluster.node(0).pid() != run.faultPid();
            if (after == null && restarted && run.event(FailoverEvents.SERVING_WRITES) != null)
            {
                after = CompletableFuture.supplyAsync(() -> cluster.query("-Cvipd"));
            }
            if (cluster.node(1).workDone())
            {
                workDoneNs = workDoneNs == 0 ? nowNs : workDoneNs;
                if (after != null || nowNs - workDoneNs > RESTART_WAIT_NS)
                {
                    break;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        final String beforeText = before.getNow("");
        final String afterText = after == null ? "" : after.join();
        print(out, "cmctl query -Cvipd while both nodes served, before the fault", beforeText);
        print(out, "cmctl query -Cvipd after the failover and the agent's restart of node 0", afterText);
        if (!beforeStarted)
        {
            found.add("the agents never showed both nodes serving before the fault (cm_role serving = true)");
        }
        else if (!beforeText.contains("P Primary Normal") || !beforeText.contains("S Standby Normal"))
        {
            found.add("cmctl query before the fault did not show P Primary Normal and S Standby Normal");
        }
        final long restarts = maxRestarts;
        final long pid = cluster.node(0).pid();
        if (restarts < 1 || pid == run.faultPid())
        {
            found.add("the agent did not restart node 0 after the fault (restarts " + restarts + ", pid " + pid +
                ", killed pid " + run.faultPid() + ")");
        }
        else if (!cluster.node(0).rejoined())
        {
            found.add("the restarted node 0 was not admitted back into the cluster (no " +
                ClusterNode.REJOINED_PREFIX.trim() + " line)");
        }
        if (after == null)
        {
            found.add("no cmctl query after the failover: the rejoin, its check or the new primary's writes did " +
                "not happen");
        }
        else if (!datanodeRow(afterText).matches("(?s).*6002.*Primary\\s+Normal.*") ||
            !datanodeRow(afterText).matches("(?s).*6001.*Standby\\s+Normal.*"))
        {
            found.add("cmctl query after the rejoin did not show node 1 (6002) Primary Normal and node 0 (6001) " +
                "Standby Normal");
        }
        final PausedFailover.Result paused = operator == null ? null : operator.result();
        if (operator != null)
        {
            found.addAll(paused == null ? List.of("the operator's paused failover did not finish") :
                paused.problems());
        }
        return new CmView(beforeText, afterText, restarts, pid, found, paused);
    }

    static String datanodeRow(final String query)
    {
        final int at = query.indexOf("[  Datanode State   ]");
        return at < 0 ? "" : query.substring(at);
    }

    static boolean serving(final CmCluster cluster, final int node)
    {
        return cluster.instanceState(node).map(m -> "Normal".equals(m.get("db_state"))).orElse(false);
    }

    static void print(final PrintStream out, final String title, final String text)
    {
        ClusterDemo.step(out, title);
        out.println(text.isEmpty() ? "(not run)" : text.stripTrailing());
    }
}
