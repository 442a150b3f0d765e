package io.respool.examples.cluster;

import io.respool.cluster.arbiter.ArbiterContext;
import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsContext;
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
 * With {@code --fault kill9}, {@code sigstop} or {@code oom} it is a failover run ({@link #runWithFault}): both nodes
 * run under the embedded disk arbiter ({@link NodeArbiter}), node 0 is killed, paused or runs out of heap ({@link
 * HeapExhaustion}) partway through, node 1 fences
 * it, re-forms DMS, replays its WAL ({@link NodeReformHandler}) and finishes the workload as the new primary
 * ({@link Promotion}); the summary ({@link FailoverSummary}) times each phase and counts the commits acknowledged
 * before the fault and present after. With {@code --switchover} ({@code --fault switchover --cm}) it is a planned
 * switchover run ({@link SwitchoverRun}): {@code cmctl switchover -n 2} moves the primary to node 1 while both
 * nodes stay alive, node 0 demoting and reading on as a standby, and {@code cmctl switchover -n 1} moves it back.
 * With {@code --bank} it is the bank test ({@link BankRun}): transfers between
 * accounts on the primary, balance reads on both nodes, a seeded schedule of kills and pauses and restarts over the
 * data, checked at the end against the WALs.
 * <p>
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

    private static final String[] PASS_THROUGH_PREFIXES = { "respool.dms.", "respool.dss.", "org.slf4j.",
        "respool.cluster.heartbeat.", "respool.cluster.self.fence.", "respool.cluster.lease.",
        "respool.cluster.disk.confirm.", "respool.cluster.network.suspect.", "respool.cluster.register.poll.",
        "respool.cluster.propose.backoff." };

    /**
     * How a run ended.
     *
     * @param exitStatus one of the {@code EXIT_*} values.
     * @param summary    the summary, or null if the nodes were not started.
     * @param error      why the nodes were not started, or null.
     * @param failover   a failover run's summary, or null for the default run.
     * @param cm         what the cluster manager showed in a {@code --cm} run, or null.
     * @param rejoin     how the old primary came back as a standby after a failover, or null.
     * @param switchover a switchover run's summary, or null.
     */
    public record Outcome(int exitStatus, ClusterSummary summary, String error, FailoverSummary failover,
        CmFaultRun.CmView cm, RejoinSummary rejoin, SwitchoverSummary switchover)
    {
        Outcome(final int exitStatus, final ClusterSummary summary, final String error)
        {
            this(exitStatus, summary, error, null, null, null, null);
        }

        Outcome(final int exitStatus, final ClusterSummary summary, final String error,
            final FailoverSummary failover)
        {
            this(exitStatus, summary, error, failover, null, null, null);
        }

        Outcome(final int exitStatus, final ClusterSummary summary, final String error,
            final FailoverSummary failover, final CmFaultRun.CmView cm, final RejoinSummary rejoin)
        {
            this(exitStatus, summary, error, failover, cm, rejoin, null);
        }
    }

    /** The demo's default self-fence timeout, ms (see {@link #arbiterTimeouts}). */
    static final long SELF_FENCE_TIMEOUT_MS = 2000;
    /**
     * The demo's DMS reform step timeout, s: a node that rejoins after a failover launches DMS only once the
     * arbiter admitted it (DMS needs a view naming it), and the primary's JOIN reform starts at that view. On this
     * 2-core machine at a load of 25 the joiner's DMS took 13 s from its admission to listening, past the 10 s
     * default, and the reform failed; the timeout only delays giving up on a member that never answers.
     */
    static final long REFORM_STEP_TIMEOUT_S = 40;

    /** Commits after which a failover run's fault comes; default a third of the workload. */
    public static final String FAULT_AFTER_PROP_NAME = "respool.cluster.fault.after.commits";

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
        Fault fault = Fault.NONE;
        boolean bank = false;
        boolean cm = false;
        boolean pause = false;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("--bank"))
            {
                bank = true;
                continue;
            }
            if (arg.equals("--cm"))
            {
                cm = true;
                continue;
            }
            if (arg.equals("--pause"))
            {
                pause = true;
                continue;
            }
            if (arg.equals("--switchover"))
            {
                // the same as --fault switchover --cm: cmctl needs the agents
                fault = Fault.SWITCHOVER;
                cm = true;
                continue;
            }
            if (arg.equals("--fault") || arg.startsWith("--fault="))
            {
                final String kind = arg.equals("--fault") ? (i + 1 < args.length ? args[++i] : "") :
                    arg.substring("--fault=".length());
                try
                {
                    fault = Fault.parse(kind);
                }
                catch (final IllegalArgumentException ex)
                {
                    out.println("ERROR " + ex.getMessage());
                    return new Outcome(EXIT_SETUP, null, ex.getMessage());
                }
                continue;
            }
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
        if (bank)
        {
            try
            {
                return BankRun.run(config, passThrough(props),
                    Long.parseLong(props.getProperty(BankRun.SECONDS_PROP_NAME, "0")),
                    Integer.parseInt(props.getProperty(BankRun.FAULTS_PROP_NAME, "3")),
                    Long.parseLong(props.getProperty(BankRun.RATE_PROP_NAME, "100")), out);
            }
            catch (final NumberFormatException ex)
            {
                out.println("ERROR bank settings must be numbers: " + ex.getMessage());
                return new Outcome(EXIT_SETUP, null, ex.getMessage());
            }
        }
        if (fault != Fault.NONE)
        {
            return runFault(config, props, fault, cm, pause, out);
        }
        if (cm || pause)
        {
            out.println("ERROR --cm needs --fault kill9, sigstop or oom, or --switchover, and --pause needs --fault " +
                "kill9 --cm (the cluster manager runs the nodes of a failover or switchover run)");
            return new Outcome(EXIT_SETUP, null, "--cm without --fault");
        }
        return run(config, passThrough(props), out);
    }

    private static Outcome runFault(final ClusterConfig config, final Properties props, final Fault fault,
        final boolean cm, final boolean pause, final PrintStream out)
    {
        if (pause && (!cm || fault != Fault.KILL9))
        {
            out.println("ERROR --pause needs --fault kill9 --cm: the operator pauses the cluster manager, then " +
                "fails the killed primary over with cmctl failover");
            return new Outcome(EXIT_SETUP, null, "--pause without --fault kill9 --cm");
        }
        final long total = 1 + config.rows() + config.updates();
        final long after;
        try
        {
            after = Long.parseLong(props.getProperty(FAULT_AFTER_PROP_NAME, Long.toString(total / 3)));
        }
        catch (final NumberFormatException ex)
        {
            out.println("ERROR " + FAULT_AFTER_PROP_NAME + " must be a number: " + ex.getMessage());
            return new Outcome(EXIT_SETUP, null, ex.getMessage());
        }
        if (after < 2 || after >= total)
        {
            final String message = FAULT_AFTER_PROP_NAME + " must be in [2, " + total + "): " + after;
            out.println("ERROR " + message);
            return new Outcome(EXIT_SETUP, null, message);
        }
        if (fault == Fault.PARTITION)
        {
            return PartitionRun.run(config, passThrough(props), after, out);
        }
        if (fault == Fault.SWITCHOVER)
        {
            if (!cm)
            {
                out.println("ERROR --fault switchover needs --cm: cmctl switchover asks the node's arbiter through " +
                    "the cluster manager's request file, so the agents must run the nodes");
                return new Outcome(EXIT_SETUP, null, "--fault switchover without --cm");
            }
            return SwitchoverRun.run(config, passThrough(props), after,
                Boolean.parseBoolean(props.getProperty(SwitchoverRun.BACK_PROP_NAME, "true")), out);
        }
        final FaultRun faultRun = new FaultRun(fault, after, HeapExhaustion.triggerFile(config, 0), out);
        return cm ? CmFaultRun.run(config, passThrough(props), faultRun, pause, out) :
            runWithFault(config, passThrough(props), faultRun, out);
    }

    /**
     * A failover run: both nodes under the embedded cluster manager, node 0 killed or paused after
     * {@code run.afterCommits()} commits, node 1 taking over; then the failover summary.
     */
    static Outcome runWithFault(final ClusterConfig config, final Map<String, String> passThrough,
        final FaultRun run, final PrintStream out)
    {
        final Outcome notReady = prepare(config, "Two-node cluster on this machine, failover run (" +
            run.fault().label() + "): dms_url " + config.dmsUrl(), out);
        if (notReady != null)
        {
            return notReady;
        }
        step(out, String.format("Nodes under the disk arbiter: node 0 writes %d rows and %d updates (%s), node 1 " +
            "reads; after %d commits node 0 gets %s, node 1 fails over and finishes the workload",
            config.rows(), config.updates(), 0 == config.rate() ? "unpaced" : config.rate() + " changes/s",
            run.afterCommits(), run.fault().action()));
        final Map<String, String> nodeProps = arbiterTimeouts(passThrough, out);
        final List<String> problems = new ArrayList<>();
        final NodeProcess[] nodes = new NodeProcess[2];
        final Thread killer = new Thread(() ->
        {
            out.println("interrupted: stopping the nodes");
            run.resumePrimary();
            closeAll(nodes);
        }, "cluster-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(killer);
        try
        {
            nodes[0] = NodeProcess.start(0, managedArgs(config, 0), nodeProps, out, run::onPrimaryLine);
            run.primary(nodes[0]);
            out.println("started node 0: pid " + nodes[0].pid());
            final Map<String, String> standbyArgs = managedArgs(config, 1);
            // once promoted, it stops only after the old primary rejoined and checked the table
            standbyArgs.put("awaitRejoin", "true");
            nodes[1] = NodeProcess.start(1, standbyArgs, nodeProps, out, run::onStandbyLine);
            out.println("started node 1: pid " + nodes[1].pid());
            final Map<String, String> rejoinArgs = managedArgs(config, 0);
            rejoinArgs.put("rejoin", "true");
            run.rejoinAfterFailover(() -> NodeProcess.start(0, rejoinArgs, nodeProps, out));
            run.await(nodes, config.timeoutSeconds(), problems);
        }
        finally
        {
            run.resumePrimary();
            closeAll(nodes);
            removeHook(killer);
        }
        if (nodes[1] != null && !nodes[1].isAlive() && nodes[1].exitValue() != 0)
        {
            problems.add("node 1 exited with status " + nodes[1].exitValue());
        }
        if (nodes[0] != null && !nodes[0].isAlive())
        {
            out.println("node 0 ended with status " + nodes[0].exitValue() + describeExit(nodes[0].exitValue()));
        }
        if (run.rejoinStartWallMs() != 0 && nodes[0] != null && (nodes[0].isAlive() || nodes[0].exitValue() != 0))
        {
            problems.add("node 0's rejoined process " + (nodes[0].isAlive() ? "did not end (stopped)" :
                "exited with status " + nodes[0].exitValue()));
        }
        final RejoinSummary rejoin = RejoinSummary.of(ClusterStorage.rejoinReportFile(config, 0));
        if (run.ackedBeforeFault() >= 0)
        {
            problems.addAll(rejoin.problems());
        }
        final String vgCheck = checkVolumeGroup(config, 1, problems);
        final NodeReport standby = NodeReport.read(ClusterStorage.reportFile(config, 1));
        final FailoverSummary summary = FailoverSummary.of(run, config, standby, problems);
        FailoverSummary.print(summary, run, standby, rejoin, vgCheck, out);
        return new Outcome(summary.passed() ? EXIT_PASSED : EXIT_FAILED, null, null, summary, null, rejoin);
    }

    /**
     * The arbiter's self-fence and lease timeouts for the nodes, unless given: 2 s and 4 s, twice the cluster
     * module's defaults. On this shared 2-core machine a node's own heartbeat renewal was seen late by 1.0 to 2.3 s
     * while the JVMs and their DMS media drivers started (both nodes fenced themselves in 2 of 10 runs at the 1 s
     * default); a failover then takes about 2 s longer.
     */
    static Map<String, String> arbiterTimeouts(final Map<String, String> passThrough, final PrintStream out)
    {
        return arbiterTimeouts(passThrough, out, "no network lane, the disk alone decides");
    }

    /**
     * @param lane how the nodes hear each other, for the line printed.
     */
    static Map<String, String> arbiterTimeouts(final Map<String, String> passThrough, final PrintStream out,
        final String lane)
    {
        final Map<String, String> props = new LinkedHashMap<>(passThrough);
        props.putIfAbsent(ArbiterContext.SELF_FENCE_TIMEOUT_PROP_NAME, Long.toString(SELF_FENCE_TIMEOUT_MS));
        props.putIfAbsent(ArbiterContext.LEASE_TIMEOUT_PROP_NAME, Long.toString(2 * SELF_FENCE_TIMEOUT_MS));
        props.putIfAbsent(DmsContext.REFORM_STEP_TIMEOUT_PROP_NAME,
            Long.toString(TimeUnit.SECONDS.toNanos(REFORM_STEP_TIMEOUT_S)));
        out.println("arbiter: self-fence after " + props.get(ArbiterContext.SELF_FENCE_TIMEOUT_PROP_NAME) +
            " ms without an own renewal, a peer removed after " + props.get(ArbiterContext.LEASE_TIMEOUT_PROP_NAME) +
            " ms of an unchanged heartbeat (-D" + ArbiterContext.SELF_FENCE_TIMEOUT_PROP_NAME + ", -D" +
            ArbiterContext.LEASE_TIMEOUT_PROP_NAME + "); " + lane);
        return props;
    }

    /** The status HotSpot exits with on {@code -XX:+ExitOnOutOfMemoryError}. */
    static final int EXIT_OUT_OF_MEMORY = 3;

    static String describeExit(final int status)
    {
        if (status == 128 + 9 || status == 137)
        {
            return " (SIGKILL: by the fault, or by the DSS kick of a paused instance on this host)";
        }
        if (status == EXIT_OUT_OF_MEMORY)
        {
            return " (OutOfMemoryError: -XX:+ExitOnOutOfMemoryError ended it at once)";
        }
        return status == ClusterNode.EXIT_FENCED ? " (fenced by its arbiter, as it must be)" : "";
    }

    static Map<String, String> managedArgs(final ClusterConfig config, final int nodeId)
    {
        final Map<String, String> args = nodeArgs(config, nodeId);
        args.put("arbiter", "true");
        args.put("image", config.image().toString());
        args.put("barrier", config.runDirectory().toString());
        return args;
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
        final Outcome notReady = prepare(config, "Two-node cluster on this machine: dms_url " + config.dmsUrl(),
            out);
        if (notReady != null)
        {
            return notReady;
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

        final String vgCheck = checkVolumeGroup(config, 0, problems);
        final NodeReport writer = NodeReport.read(ClusterStorage.reportFile(config, 0));
        final NodeReport reader = NodeReport.read(ClusterStorage.reportFile(config, 1));
        final ClusterSummary summary = ClusterSummary.of(writer, reader, problems);
        ClusterSummary.print(summary, writer, reader, vgCheck, out);
        return new Outcome(summary.passed() ? EXIT_PASSED : EXIT_FAILED, summary, null);
    }

    /**
     * Check the ports and prepare the storage.
     *
     * @return null if the nodes may start, else how the run ended.
     */
    static Outcome prepare(final ClusterConfig config, final String title, final PrintStream out)
    {
        step(out, title);
        final String conflict = checkPorts(config, out);
        if (conflict != null)
        {
            return new Outcome(EXIT_PORT_CONFLICT, null, conflict);
        }
        step(out, "Storage: " + config.directory());
        try
        {
            ClusterStorage.prepare(config, out);
            return null;
        }
        catch (final IllegalStateException | DssException | UncheckedIOException ex)
        {
            out.println("ERROR " + ex.getMessage());
            return new Outcome(EXIT_SETUP, null, ex.getMessage());
        }
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

    /**
     * {@code dsscmd check -g data} through one instance's home: after a failover the survivor's (the dead primary's
     * instance is fenced until the next run registers it again).
     */
    static String checkVolumeGroup(final ClusterConfig config, final int instance,
        final List<String> problems)
    {
        try (Dss dss = Dss.open(config.dssHome(instance)))
        {
            final List<String> found = dss.volumeGroup(ClusterStorage.VG_NAME).check();
            if (found.isEmpty())
            {
                return "clean (dsscmd check -g data, as instance " + instance + "), image " +
                    ClusterStorage.describeImage(config.image());
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

    static void closeAll(final NodeProcess[] nodes)
    {
        for (final NodeProcess node : nodes)
        {
            if (node != null)
            {
                node.close();
            }
        }
    }

    static void removeHook(final Thread hook)
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

    static void step(final PrintStream out, final String text)
    {
        out.println();
        out.println("== " + text);
    }
}
