package io.respool.examples.cluster;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/cluster-demo --fault partition}: the primary is cut off the network while both nodes still reach the
 * disk. Each node runs in a network namespace of its own ({@link NetnsLinks}), its DMS transport and its arbiter's
 * UDP lane on its namespace address; the cut takes node 0's link down. The partition rule of the cluster manager
 * (cluster/DESIGN.md) decides: the primary keeps its role unless it lost the disk, so node 1, which no longer
 * hears node 0 while node 0's disk heartbeat still changes, fences itself and stops; node 0 removes it (its
 * process is gone, its DSS fence raised), DMS re-forms without it, and node 0 writes on alone. The link is put back
 * up and the namespaces deleted in every case.
 * <p>
 * Checks: node 1 ended fenced; node 0 published a view with itself alone and primary; node 0 committed again after
 * the reform and finished the workload; node 0's WAL on DSS holds every commit acknowledged before the cut (and all
 * of the workload's); the volume group check is clean.
 */
final class PartitionRun
{
    /** The arbiter's UDP lane port in every namespace (private to it: no clash with anything on the host). */
    static final int LANE_PORT = 7400;
    private static final String FENCED_LINE = "FENCED by the arbiter";
    private static final String[] PHASES = {
        FailoverEvents.SUSPECTED, "standby-fenced", FailoverEvents.CONFIRMED, FailoverEvents.FENCED,
        FailoverEvents.PUBLISHED, FailoverEvents.REFORM_FINISHED, "writes-resumed" };
    private static final String[] LABELS = {
        "suspected (a node not heard on the UDP lane)",
        "standby fenced itself (primary silent, its disk heartbeat on)",
        "confirmed (primary proposes the view without node 1)",
        "fenced (node 1's DSS fence raised, its process gone)",
        "published (the view handed to DMS)",
        "reform finished (DMS without node 1)",
        "serving writes (node 0's first commit after the reform)" };

    private final long afterCommits;
    private final PrintStream out;
    private final Map<String, Long> phaseWallMs = new ConcurrentHashMap<>();
    private final Map<String, String> details = new ConcurrentHashMap<>();
    private volatile NetnsLinks links;
    private volatile long acked;
    private volatile long ackedBeforeCut = -1;
    private volatile long cutWallMs;
    private volatile long ackedAtReform = -1;
    private volatile String failure;

    private PartitionRun(final long afterCommits, final PrintStream out)
    {
        this.afterCommits = afterCommits;
        this.out = out;
    }

    static ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough,
        final long afterCommits, final PrintStream out)
    {
        final ClusterDemo.Outcome notReady = ClusterDemo.prepare(config, "Two-node cluster on this machine, " +
            "partition run: each node in its own network namespace, node 0 cut off after " + afterCommits +
            " commits", out);
        if (notReady != null)
        {
            return notReady;
        }
        return new PartitionRun(afterCommits, out).run(config, passThrough);
    }

    private ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough)
    {
        try
        {
            links = NetnsLinks.create(2, out);
        }
        catch (final RuntimeException ex)
        {
            out.println("ERROR " + ex.getMessage());
            return new ClusterDemo.Outcome(ClusterDemo.EXIT_SETUP, null, ex.getMessage());
        }
        final String url = "0:" + NetnsLinks.address(0) + ":" + config.nodeList().node(0).port() + ",1:" +
            NetnsLinks.address(1) + ":" + config.nodeList().node(1).port();
        final String lane = NetnsLinks.address(0) + ":" + LANE_PORT + "," + NetnsLinks.address(1) + ":" + LANE_PORT;
        ClusterDemo.step(out, "Nodes under the disk arbiter with a UDP lane (" + lane + "), dms_url " + url +
            "; after " + afterCommits + " commits node 0's link goes down");
        final Map<String, String> nodeProps = ClusterDemo.arbiterTimeouts(passThrough, out,
            "a UDP lane between the arbiters: silence there is suspected, the disk heartbeat confirms it");
        final List<String> problems = new ArrayList<>();
        final NodeProcess[] nodes = new NodeProcess[2];
        final Thread hook = new Thread(() ->
        {
            out.println("interrupted: stopping the nodes, deleting the namespaces");
            ClusterDemo.closeAll(nodes);
            links.close();
        }, "cluster-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            for (int id = 0; id < 2; id++)
            {
                final Map<String, String> args = new LinkedHashMap<>(ClusterDemo.managedArgs(config, id));
                args.put("url", url);
                args.put("lane", lane);
                nodes[id] = NodeProcess.start(id, args, nodeProps, out, id == 0 ? this::onPrimaryLine :
                    this::onStandbyLine, links.exec(id));
                out.println("started node " + id + " in its namespace: pid " + nodes[id].pid());
            }
            await(nodes, config, problems);
        }
        finally
        {
            if (cutWallMs != 0)
            {
                healQuietly();
            }
            ClusterDemo.closeAll(nodes);
            links.close();
            ClusterDemo.removeHook(hook);
        }
        return summarize(config, nodes, problems);
    }

    private boolean onPrimaryLine(final String line)
    {
        if (line.startsWith(ClusterNode.ACKED_PREFIX))
        {
            acked = Long.parseLong(line.substring(ClusterNode.ACKED_PREFIX.length()).split(" ")[0]);
            if (acked >= afterCommits && ackedBeforeCut < 0)
            {
                ackedBeforeCut = acked;
                try
                {
                    links.cut(0);
                    cutWallMs = System.currentTimeMillis();
                    out.println("FAULT partition: node 0's link down with " + ackedBeforeCut + " commits " +
                        "acknowledged; both nodes still reach the disk");
                }
                catch (final RuntimeException ex)
                {
                    failure = "the partition could not be made: " + ex.getMessage();
                }
            }
            if (ackedAtReform >= 0 && acked > ackedAtReform)
            {
                phaseWallMs.putIfAbsent("writes-resumed", System.currentTimeMillis());
            }
            return false;
        }
        final FailoverEvents.Event event = FailoverEvents.parse(line);
        if (event != null && cutWallMs != 0)
        {
            phaseWallMs.putIfAbsent(event.name(), event.wallMs());
            details.putIfAbsent(event.name(), event.detail());
            if (FailoverEvents.REFORM_FINISHED.equals(event.name()) && ackedAtReform < 0)
            {
                ackedAtReform = acked;
            }
        }
        return true;
    }

    private boolean onStandbyLine(final String line)
    {
        if (cutWallMs == 0)
        {
            return true;
        }
        if (line.startsWith(FENCED_LINE))
        {
            phaseWallMs.putIfAbsent("standby-fenced", System.currentTimeMillis());
            details.putIfAbsent("standby-fenced", line);
        }
        final FailoverEvents.Event event = FailoverEvents.parse(line);
        if (event != null && FailoverEvents.SUSPECTED.equals(event.name()))
        {
            phaseWallMs.merge(event.name(), event.wallMs(), Math::min);
        }
        return true;
    }

    private void await(final NodeProcess[] nodes, final ClusterConfig config, final List<String> problems)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        while (nodes[0].isAlive())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                problems.add("the run took longer than " + config.timeoutSeconds() + " s (-D" +
                    ClusterConfig.TIMEOUT_PROP_NAME + "); nodes stopped");
                return;
            }
            if (phaseWallMs.containsKey(FailoverEvents.PUBLISHED) && cutWallMs != 0 && !nodes[1].isAlive())
            {
                // the rule has decided: the cut may end (the removed node stays out until it is restarted)
                healQuietly();
            }
            nodes[0].waitFor(100);
        }
        nodes[1].waitFor(TimeUnit.SECONDS.toMillis(10));
    }

    private void healQuietly()
    {
        try
        {
            links.heal(0);
        }
        catch (final RuntimeException ex)
        {
            // already up, or the namespaces are going: close deletes them anyway
        }
    }

    private ClusterDemo.Outcome summarize(final ClusterConfig config, final NodeProcess[] nodes,
        final List<String> problems)
    {
        if (failure != null)
        {
            problems.add(failure);
        }
        if (ackedBeforeCut < 0)
        {
            problems.add("the partition never happened: node 0 did not reach " + afterCommits + " commits");
        }
        if (nodes[1] == null || nodes[1].isAlive() || nodes[1].exitValue() != ClusterNode.EXIT_FENCED)
        {
            problems.add("node 1 did not end fenced by its arbiter (exit " + (nodes[1] == null || nodes[1].isAlive() ?
                "none" : nodes[1].exitValue()) + ", expected " + ClusterNode.EXIT_FENCED + ")");
        }
        if (nodes[0] == null || nodes[0].isAlive() || nodes[0].exitValue() != 0)
        {
            problems.add("node 0 did not finish its work (exit " + (nodes[0] == null || nodes[0].isAlive() ? "none" :
                nodes[0].exitValue()) + ")");
        }
        final String published = details.getOrDefault(FailoverEvents.PUBLISHED, "");
        if (!published.contains("members=[0]") || !published.contains("primary=0"))
        {
            problems.add("node 0 did not publish a view with itself alone as primary: " + published);
        }
        final NodeReport primary = NodeReport.read(ClusterStorage.reportFile(config, 0));
        for (int p = 0; primary != null && primary.get("problem." + p) != null; p++)
        {
            problems.add("node 0: " + primary.get("problem." + p));
        }
        final long total = 1 + config.rows() + config.updates();
        final long onDisk = walCommits(config, problems);
        if (onDisk < Math.max(ackedBeforeCut, 0) || onDisk != total)
        {
            problems.add("node 0's WAL holds " + onDisk + " commits; acknowledged before the cut " + ackedBeforeCut +
                ", the workload " + total);
        }
        final String vgCheck = ClusterDemo.checkVolumeGroup(config, 0, problems);
        print(onDisk, total, vgCheck, problems);
        return new ClusterDemo.Outcome(problems.isEmpty() ? ClusterDemo.EXIT_PASSED : ClusterDemo.EXIT_FAILED, null,
            problems.isEmpty() ? null : problems.get(0));
    }

    /**
     * @return the commits in node 0's WAL on DSS, read through instance 0 once node 0 is gone; -1 if unreadable.
     */
    private static long walCommits(final ClusterConfig config, final List<String> problems)
    {
        try (Dss dss = Dss.open(config.dssHome(0));
            DssFile wal = dss.open(ClusterNode.walPath(0)))
        {
            return Recovery.scan(wal).commits();
        }
        catch (final DssException | IllegalStateException ex)
        {
            problems.add("cannot read node 0's WAL " + ClusterNode.walPath(0) + ": " + ex.getMessage());
            return -1;
        }
    }

    private void print(final long onDisk, final long total, final String vgCheck, final List<String> problems)
    {
        out.println();
        out.println("== Partition summary");
        ClusterSummary.line(out, "fault", "node 0 (the primary) cut off the network after " + ackedBeforeCut +
            " acknowledged commits; both nodes kept the disk");
        ClusterSummary.line(out, "rule", "the primary keeps its role unless it lost the disk: node 1 " +
            (phaseWallMs.containsKey("standby-fenced") ? "fenced itself" : "did NOT fence itself") +
            ", node 0 went on: " + details.getOrDefault(FailoverEvents.PUBLISHED, "no view published"));
        out.println("phase, ms after the cut                                          ms");
        long total0 = -1;
        for (int i = 0; i < PHASES.length; i++)
        {
            final Long at = phaseWallMs.get(PHASES[i]);
            final long ms = at == null ? -1 : at - cutWallMs;
            total0 = PHASES[i].equals("writes-resumed") ? ms : total0;
            out.printf(Locale.ROOT, "  %-62s %6s%n", LABELS[i], ms < 0 ? "-" : ms);
        }
        out.printf(Locale.ROOT, "  %-62s %6s%n", "total: cut to node 0's first commit after the reform",
            total0 < 0 ? "-" : total0);
        ClusterSummary.line(out, "acknowledged", String.format(Locale.ROOT, "%d commits acknowledged before the " +
            "cut, node 0's WAL on DSS holds %d of the workload's %d (%s)", ackedBeforeCut, onDisk, total,
            onDisk >= ackedBeforeCut && ackedBeforeCut >= 0 ? "none lost" : "LOST"));
        ClusterSummary.line(out, "volume group check", vgCheck);
        ClusterSummary.result(out, "the primary kept its role, the cut-off standby fenced itself, no " +
            "acknowledged commit lost, every check clean", problems);
    }
}
