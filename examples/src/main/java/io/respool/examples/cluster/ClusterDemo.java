package io.respool.examples.cluster;

import io.respool.common.NodeAddress;
import io.respool.dms.api.PortConflictException;
import io.respool.dms.api.PortHolder;
import io.respool.dms.diag.PortProbe;
import io.respool.dss.Dss;
import io.respool.dss.DssException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The main job: a two-node resource-pooling cluster on one machine, the setup of the openGauss developer guide
 * (seed 003), run and checked. {@code bin/cluster-demo} runs it.
 * <ol>
 *     <li>Checks that the DMS ports are free, and stops at once naming the port, pid and command of any holder
 *     (the check {@code Dms.launch} makes, done for both nodes before anything starts).</li>
 *     <li>Prepares, or reuses, one sparse image and two DSS homes with the guide's configuration
 *     ({@link ClusterStorage}), and the volume group {@code data} on it.</li>
 *     <li>Starts two node JVMs ({@link ClusterNode}), each embedding DSS (as instance 0 and 1) and DMS (node 0 on
 *     port 1613, node 1 on 1614). Node 0 inserts and updates rows of a table of 8 KiB pages on DSS with its WAL on
 *     DSS; node 1 reads them with the pages shipped from node 0 and checks every row.</li>
 *     <li>Shows their progress, then a summary: rows written and read, page requests 1-, 2- and 3-way, pages
 *     shipped, latency percentiles, the volume group check and any problem.</li>
 * </ol>
 * Exit status: 0 if everything checked out, 1 if a check or a node failed, 2 for bad settings or storage, 3 if a
 * DMS port is taken.
 * <p>
 * Settings, as {@code -Dname=value} arguments or system properties: {@code respool.cluster.dir} (or
 * {@code $RESPOOL_CLUSTER_DIR}), {@code respool.cluster.rows}, {@code respool.cluster.updates},
 * {@code respool.cluster.rate}, {@code respool.cluster.dms.url}, {@code respool.cluster.dss.nodes},
 * {@code respool.cluster.image.size}, {@code respool.cluster.recreate}, {@code respool.cluster.dms.dir},
 * {@code respool.cluster.seed},
 * {@code respool.cluster.checkpoint.ms}, {@code respool.cluster.wal.writer.delay.ms},
 * {@code respool.cluster.timeout.seconds} (see {@link ClusterConfig}); {@code respool.dms.*} and
 * {@code respool.dss.*} are passed on to both nodes.
 */
public final class ClusterDemo
{
    /** Every check passed. */
    public static final int EXIT_PASSED = 0;
    /** A check failed, or a node failed or timed out. */
    public static final int EXIT_FAILED = 1;
    /** Bad settings, or the storage could not be prepared. */
    public static final int EXIT_SETUP = 2;
    /** A DMS port is held by another process. */
    public static final int EXIT_PORT_CONFLICT = 3;

    private static final String[] PASS_THROUGH_PREFIXES = { "respool.dms.", "respool.dss.", "org.slf4j." };

    /**
     * How a run ended.
     *
     * @param exitStatus one of the {@code EXIT_*} values.
     * @param summary    the summary, or null if the nodes were not started.
     * @param error      why the nodes were not started, or null.
     */
    public record Outcome(int exitStatus, ClusterSummary summary, String error)
    {
    }

    private ClusterDemo()
    {
    }

    /**
     * Run the cluster and exit with its status.
     *
     * @param args {@code -Dname=value} settings, or {@code --help}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out).exitStatus());
    }

    /**
     * Run the cluster.
     *
     * @param args {@code -Dname=value} settings laid over the system properties, or {@code --help}.
     * @param out  where progress and the summary go.
     * @return how it ended.
     */
    public static Outcome run(final String[] args, final PrintStream out)
    {
        final Properties props = new Properties();
        props.putAll(System.getProperties());
        for (final String arg : args)
        {
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                out.println(ClusterConfig.usage());
                return new Outcome(EXIT_PASSED, null, null);
            }
            final int eq = arg.indexOf('=');
            if (!arg.startsWith("-D") || eq < 3)
            {
                out.println("ERROR unknown argument: " + arg + " (settings are -Dname=value; see --help)");
                return new Outcome(EXIT_SETUP, null, "unknown argument: " + arg);
            }
            props.setProperty(arg.substring(2, eq), arg.substring(eq + 1));
        }

        final ClusterConfig config;
        try
        {
            config = ClusterConfig.from(props);
        }
        catch (final IllegalArgumentException ex)
        {
            out.println("ERROR " + ex.getMessage());
            return new Outcome(EXIT_SETUP, null, ex.getMessage());
        }
        return run(config, passThrough(props), out);
    }

    /**
     * Run the cluster.
     *
     * @param config      the settings.
     * @param passThrough system properties for both node JVMs.
     * @param out         where progress and the summary go.
     * @return how it ended.
     */
    public static Outcome run(final ClusterConfig config, final Map<String, String> passThrough,
        final PrintStream out)
    {
        step(out, "Two-node cluster on this machine: dms_url " + config.dmsUrl());
        final String conflict = checkPorts(config, out);
        if (conflict != null)
        {
            return new Outcome(EXIT_PORT_CONFLICT, null, conflict);
        }

        step(out, "Storage: " + config.directory());
        try
        {
            ClusterStorage.prepare(config, out);
        }
        catch (final IllegalStateException | DssException | UncheckedIOException ex)
        {
            out.println("ERROR " + ex.getMessage());
            return new Outcome(EXIT_SETUP, null, ex.getMessage());
        }

        step(out, String.format("Nodes: node 0 inserts %d rows and makes %d updates (%s), node 1 reads and checks",
            config.rows(), config.updates(), 0 == config.rate() ? "unpaced" : config.rate() + " changes/s"));
        final List<String> problems = new ArrayList<>();
        final NodeProcess[] nodes = new NodeProcess[2];
        final Thread killer = new Thread(() ->
        {
            out.println("interrupted: stopping the nodes");
            closeAll(nodes);
        }, "cluster-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(killer);
        try
        {
            for (int id = 0; id < 2; id++)
            {
                nodes[id] = NodeProcess.start(id, nodeArgs(config, id), passThrough, out);
                out.println("started node " + id + ": pid " + nodes[id].pid());
            }
            awaitNodes(nodes, config, problems);
        }
        finally
        {
            closeAll(nodes);
            removeHook(killer);
        }
        for (final NodeProcess node : nodes)
        {
            if (node != null && !node.isAlive() && node.exitValue() != 0)
            {
                problems.add("node " + node.nodeId() + " exited with status " + node.exitValue());
            }
        }

        final String vgCheck = checkVolumeGroup(config, problems);
        final NodeReport writer = NodeReport.read(ClusterStorage.reportFile(config, 0));
        final NodeReport reader = NodeReport.read(ClusterStorage.reportFile(config, 1));
        final ClusterSummary summary = ClusterSummary.of(writer, reader, problems);
        ClusterSummary.print(summary, writer, reader, vgCheck, out);
        return new Outcome(summary.passed() ? EXIT_PASSED : EXIT_FAILED, summary, null);
    }

    /**
     * The port check of {@code Dms.launch}, for both nodes before anything starts.
     *
     * @return null if every port is free, else the conflict message.
     */
    static String checkPorts(final ClusterConfig config, final PrintStream out)
    {
        final PortProbe probe = new PortProbe();
        String first = null;
        final List<Integer> free = new ArrayList<>();
        for (final NodeAddress node : config.nodeList().nodes())
        {
            final List<PortHolder> holders = probe.holders(node.host(), node.port());
            if (holders.isEmpty())
            {
                free.add(node.port());
                continue;
            }
            final String message = new PortConflictException(node.id(), node.host(), node.port(), holders)
                .getMessage();
            out.println("ERROR " + message);
            first = first == null ? message : first;
        }
        if (first == null)
        {
            out.println("DMS ports free: " + free);
        }
        else
        {
            out.println("nothing was started");
        }
        return first;
    }

    private static Map<String, String> nodeArgs(final ClusterConfig config, final int nodeId)
    {
        final Map<String, String> args = new LinkedHashMap<>();
        args.put("node", Integer.toString(nodeId));
        args.put("home", config.dssHome(nodeId).toString());
        args.put("url", config.dmsUrl());
        args.put("dmsDir", config.dmsDirectory().toString());
        args.put("rows", Long.toString(config.rows()));
        args.put("updates", Long.toString(config.updates()));
        args.put("rate", Long.toString(config.rate()));
        args.put("seed", Long.toString(config.seed()));
        args.put("report", ClusterStorage.reportFile(config, nodeId).toString());
        args.put("checkpointMs", Long.toString(config.checkpointMs()));
        args.put("walDelayMs", Long.toString(config.walWriterDelayMs()));
        args.put("timeoutMs", Long.toString(TimeUnit.SECONDS.toMillis(config.timeoutSeconds())));
        return args;
    }

    private static Map<String, String> passThrough(final Properties props)
    {
        final Map<String, String> selected = new LinkedHashMap<>();
        for (final String name : props.stringPropertyNames())
        {
            for (final String prefix : PASS_THROUGH_PREFIXES)
            {
                if (name.startsWith(prefix))
                {
                    selected.put(name, props.getProperty(name));
                }
            }
        }
        return selected;
    }

    /**
     * Wait for both nodes to exit; if one fails, give the other a moment and stop it; stop both at the deadline.
     */
    private static void awaitNodes(final NodeProcess[] nodes, final ClusterConfig config, final List<String> problems)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        long firstFailureNs = 0;
        while (nodes[0].isAlive() || nodes[1].isAlive())
        {
            final long nowNs = System.nanoTime();
            if (deadlineNs - nowNs < 0)
            {
                problems.add("the run took longer than " + config.timeoutSeconds() + " s (-D" +
                    ClusterConfig.TIMEOUT_PROP_NAME + "); nodes stopped");
                return;
            }
            for (final NodeProcess node : nodes)
            {
                if (!node.isAlive() && node.exitValue() != 0 && 0 == firstFailureNs)
                {
                    firstFailureNs = nowNs;
                }
            }
            if (0 != firstFailureNs && nowNs - firstFailureNs > TimeUnit.SECONDS.toNanos(15))
            {
                problems.add("a node failed and the other did not finish within 15 s; stopped it");
                return;
            }
            nodes[0].waitFor(100);
        }
    }

    private static String checkVolumeGroup(final ClusterConfig config, final List<String> problems)
    {
        try (Dss dss = Dss.open(config.dssHome(0)))
        {
            final List<String> found = dss.volumeGroup(ClusterStorage.VG_NAME).check();
            if (found.isEmpty())
            {
                return "clean (dsscmd check -g data), image " + ClusterStorage.describeImage(config.image());
            }
            for (final String problem : found)
            {
                problems.add("volume group check: " + problem);
            }
            return found.size() + " problem(s)";
        }
        catch (final DssException ex)
        {
            problems.add("volume group check could not run: " + ex.getMessage());
            return "could not run";
        }
    }

    private static void closeAll(final NodeProcess[] nodes)
    {
        for (final NodeProcess node : nodes)
        {
            if (node != null)
            {
                node.close();
            }
        }
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // shutting down already: the hook runs
        }
    }

    private static void step(final PrintStream out, final String text)
    {
        out.println();
        out.println("== " + text);
    }
}
