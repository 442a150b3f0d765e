package io.respool.examples.cluster;

import io.respool.cluster.agent.Agent;
import io.respool.cluster.agent.FlagFiles;
import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.PortConflictException;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.VolumeGroup;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One node of the two-node cluster, in its own JVM, as {@link ClusterDemo} starts it: it opens the volume group as
 * its DSS instance ({@code Dss.open(home)}, {@code INST_ID} from the home), opens the table file and its WAL file
 * on DSS, lends them to DMS through a {@link TablePageStore}, starts its DMS node, and runs its part: node 0 the
 * {@link Writer}, node 1 the {@link Reader}. At the end it writes a {@link NodeReport} with its figures and its
 * DMS statistics, and exits 0 only if it found no problem.
 * <p>
 * Arguments are {@code name=value}: {@code node}, {@code home}, {@code url}, {@code dmsDir}, {@code rows},
 * {@code updates}, {@code rate}, {@code seed}, {@code report}, {@code checkpointMs}, {@code walDelayMs},
 * {@code timeoutMs}, {@code arbiter} (true: run under the embedded cluster manager, {@link NodeArbiter}, and take
 * part in DMS reforms, {@link NodeReformHandler}; node 1 then takes over as the writer if node 0 fails) and
 * {@code image} (the volume group's entry volume, for the arbiter), {@code rejoin} (true: a new process of a node
 * the cluster removed, the old primary after a failover; it rejoins through the arbiter as a standby and checks the
 * table, {@link RejoinedStandby}; under an agent a restart in a used data directory means the same) and
 * {@code awaitRejoin} (true: once promoted, stop only after the rejoined standby's check).
 * DMS settings come from {@code -Drespool.dms.*} properties ({@link DmsContext}). The node stops when its standard
 * input closes, so that it never outlives its launcher.
 */
public final class ClusterNode
{
    /** The table file on DSS (openGauss keeps a table in {@code base/<database>/<relfilenode>}). */
    public static final String HEAP_PATH = "+data/cluster/base/16384";
    /** Directory of the WAL files. */
    public static final String WAL_DIR = "+data/cluster/wal";
    /** How long one page acquire or control message may take. */
    static final long ACQUIRE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Exit status of a node its arbiter fenced. */
    static final int EXIT_FENCED = 4;
    /** How often the writer tells the launcher how many commits are acknowledged. */
    static final long ACKED_INTERVAL_MS = 20;
    /** Start of that line: {@code ACKED <commits> <last commit LSN>}. */
    static final String ACKED_PREFIX = "ACKED ";
    /** Printed by a node an agent runs once its work is done and its report written. */
    static final String WORK_DONE = "WORK DONE";
    /** Printed by a restarted node once the arbiter admitted it back: {@code REJOINED in view ...}. */
    static final String REJOINED_PREFIX = "REJOINED ";
    /** Printed by a rejoined standby once it checked the table the new primary finished. */
    static final String STANDBY_CHECKED_PREFIX = "STANDBY CHECKED ";

    /**
     * How this process of the node starts.
     */
    enum Start
    {
        /** With the cluster: node 0 the primary and writer, node 1 the standby and reader. */
        FIRST,
        /** A new process of a node the cluster removed (the old primary after a failover): it rejoins as a standby. */
        REJOIN
    }

    private final Properties args;
    private final int nodeId;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final Problems problems = new Problems();
    private final NodeReport report = new NodeReport();
    private final FailoverEvents events = new FailoverEvents(System.out);
    private volatile Runnable onFailover = () -> {};
    private volatile CmControl cmControl;
    private volatile boolean promoted;
    private volatile boolean switchedOver;
    private volatile boolean workDone;
    private Start start = Start.FIRST;

    private ClusterNode(final Properties args)
    {
        this.args = args;
        this.nodeId = Integer.parseInt(required("node"));
    }

    /**
     * @param nodeId 0 or 1.
     * @return the node's WAL file on DSS.
     */
    public static String walPath(final int nodeId)
    {
        return WAL_DIR + "/node" + nodeId;
    }

    /**
     * Run one node.
     *
     * @param args {@code name=value} pairs, see the class comment.
     */
    public static void main(final String[] args)
    {
        final Properties props = new Properties();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq <= 0)
            {
                System.err.println("ERROR bad argument, expected name=value: " + arg);
                System.exit(2);
            }
            props.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final ClusterNode node = new ClusterNode(props);
        if (props.containsKey("report"))
        {
            HeapExhaustion.watch(HeapExhaustion.triggerFile(Path.of(props.getProperty("report")), node.nodeId));
        }
        if (node.cm())
        {
            // run by a cluster manager agent: it stops the node with SIGTERM (cmctl stop), not by closing stdin
            final Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                node.aborted.set(true);
                try
                {
                    main.join(TimeUnit.SECONDS.toMillis(10));
                }
                catch (final InterruptedException ignore)
                {
                    // exit now
                }
            }, "sigterm"));
        }
        else
        {
            node.watchStdin();
        }
        final int status = node.run();
        if (node.cm() && node.aborted.get())
        {
            // SIGTERM: the JVM is shutting down and its hook waits for this thread; System.exit would block it
            return;
        }
        if (node.cm())
        {
            // a database process does not end when a workload does: the agent would restart it; wait for the stop
            System.out.println(WORK_DONE + " status " + status + "; waiting for cmctl stop (SIGTERM)");
            System.out.flush();
            while (!node.aborted.get())
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
        System.exit(status);
    }

    private boolean cm()
    {
        return Boolean.parseBoolean(args.getProperty("cm", "false"));
    }

    private String required(final String name)
    {
        final String value = args.getProperty(name);
        if (value == null)
        {
            throw new IllegalArgumentException("missing node argument: " + name + "=...");
        }
        return value;
    }

    private long number(final String name)
    {
        return Long.parseLong(required(name));
    }

    private void watchStdin()
    {
        final Thread watcher = new Thread(() ->
        {
            try
            {
                while (System.in.read() >= 0)
                {
                    Thread.onSpinWait();
                }
            }
            catch (final IOException ignore)
            {
                // closed: same as end of input
            }
            aborted.set(true);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private int run()
    {
        final long startNs = System.nanoTime();
        final long runDeadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(number("timeoutMs"));
        report.put("node", nodeId);
        report.put("pid", ProcessHandle.current().pid());
        final boolean managed = Boolean.parseBoolean(args.getProperty("arbiter", "false"));
        if ((cm() && startCmControl() > 1) || Boolean.parseBoolean(args.getProperty("rejoin", "false")))
        {
            start = Start.REJOIN;
            System.out.println("restarted" + (cmControl == null ? " by the launcher" : " by the cluster manager " +
                "agent (incarnation " + cmControl.incarnation() + " in " + required("dataDir") + ")") +
                ": rejoining the cluster as a standby through the arbiter");
        }
        // the arbiter starts before the files open: a rejoining node's DSS instance is fenced until admitted
        try (Dss dss = Dss.open(Path.of(required("home")));
            NodeArbiter arbiter = managed ? startArbiter(dss, startNs) : null;
            DssFile heap = dss.open(HEAP_PATH, writer() ? new OpenFlag[] { OpenFlag.WRITE } : new OpenFlag[0]);
            DssFile walFile = dss.open(walPath(nodeId), OpenFlag.WRITE);
            // a node's WAL holds an old log after a failover or in a cluster restarted over its data
            Wal wal = Wal.overOldLog(walFile, nodeId, TimeUnit.MILLISECONDS.toNanos(number("walDelayMs"))))
        {
            System.out.println("DSS instance " + dss.volumeGroup("data").instanceId() + " opened volume group " +
                "data from " + required("home") + "; table " + HEAP_PATH + ", WAL " + walPath(nodeId));
            final TablePageStore store = new TablePageStore(heap, wal);
            final ControlChannel control = new ControlChannel(aborted::get);
            final NodeReformHandler reform = new NodeReformHandler(nodeId, dss, store, events,
                () -> onFailover.run()).plannedSwitchovers(Integer.parseInt(args.getProperty("switchovers", "0")));
            final DmsContext ctx = new DmsContext()
                .url(required("url"))
                .nodeId(nodeId)
                .baseDirectory(new File(required("dmsDir")))
                .pageStore(store)
                .broadcastHandler(control)
                .statsIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
                .errorHandler((throwable) -> problems.add("DMS agent error: " + throwable));
            if (arbiter != null)
            {
                final MembershipView first = arbiter.awaitFirstView(TimeUnit.SECONDS.toNanos(30));
                System.out.println("arbiter: first view decided on the disk: " + first);
                // openGauss's one-writer mode: every page mastered on the primary, so a standby leaving moves
                // nothing, and a failover moves every partition to the new primary
                ctx.membershipSource(arbiter.views()).reformHandler(reform).centralizedOnPrimary(true);
            }
            try (DmsNode node = Dms.launch(ctx))
            {
                reform.node(node);
                System.out.println("DMS node " + nodeId + " listening on " + ctx.self().endpoint() +
                    " (idle strategy " + ctx.idleStrategy() + "); waiting for the other node");
                if (!node.awaitConnected(TimeUnit.SECONDS.toNanos(30)))
                {
                    throw new IllegalStateException("the other node did not connect in 30 s: url=" + ctx.url());
                }
                if (arbiter != null && !node.awaitReform(TimeUnit.SECONDS.toNanos(30)))
                {
                    throw new IllegalStateException("the first reform did not end in 30 s: state=" +
                        node.reformState());
                }
                final PageAccess pages = new PageAccess(node, ACQUIRE_TIMEOUT_NS);
                if (cmControl != null)
                {
                    cmControl.role(writer() ? "Primary" : "Standby", true);
                }
                try
                {
                    runRole(dss, node, store, heap, wal, control, pages, reform, managed, runDeadlineNs);
                    workDone = true;
                }
                finally
                {
                    reportDms(node, store, pages);
                }
                if (cmControl != null)
                {
                    idleUntilStopped(startNs);
                }
            }
        }
        catch (final PortConflictException | ControlChannel.Stopped ex)
        {
            problems.add(ex.getMessage());
        }
        catch (final RuntimeException | Error ex)
        {
            problems.add(ex.toString());
            ex.printStackTrace(System.out);
        }
        if (cmControl != null)
        {
            // the workload is over: the node serves nothing more, whatever its role
            // after a switchover the role is the last one given; else as the start and a failover made it
            cmControl.role(switchedOver ? cmControl.roleName() : (reformPromoted() || writer() ? "Primary" : "Standby"),
                false);
        }
        return finishReport(startNs);
    }

    /**
     * Under an agent: the control files, with the role reported as it changes.
     *
     * @return the incarnation: more than 1 when the agent restarted this node.
     */
    private int startCmControl()
    {
        cmControl = new CmControl(Path.of(required("dataDir")), 0 == nodeId ? "Primary" : "Standby", events)
            .start();
        events.listen((name) ->
        {
            if (FailoverEvents.SERVING_WRITES.equals(name))
            {
                promoted = true;
                cmControl.role("Primary", true);
            }
        });
        return cmControl.incarnation();
    }

    /**
     * Under an agent the node stays what it is once its work is done (a database process does not end with a
     * workload, and the agent would restart it): DMS and the arbiter keep running, the report is written, and the
     * node waits for cmctl stop (SIGTERM).
     */
    private void idleUntilStopped(final long startNs)
    {
        finishReport(startNs);
        System.out.println(WORK_DONE + "; serving as " + cmControl.roleName() + " until cmctl stop (SIGTERM)");
        System.out.flush();
        while (!aborted.get())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private boolean reformPromoted()
    {
        return promoted;
    }

    /**
     * @return this process starts as the writer: node 0 at the cluster's start (not a rejoining old primary).
     */
    private boolean writer()
    {
        return 0 == nodeId && start == Start.FIRST;
    }

    private int finishReport(final long startNs)
    {
        report.put("seconds", (System.nanoTime() - startNs) / 1e9);
        report.put("problems", problems.count());
        final List<String> first = problems.first();
        for (int i = 0; i < first.size(); i++)
        {
            report.put("problem." + i, first.get(i));
        }
        // a rejoining node keeps the report of the process before it
        final Path file = Path.of(required("report"));
        report.write(start == Start.REJOIN ? ClusterStorage.rejoinReportFile(file) : file);
        return 0 == problems.count() ? 0 : 1;
    }

    private NodeArbiter startArbiter(final Dss dss, final long startNs)
    {
        final VolumeGroup group = dss.volumeGroup(ClusterStorage.VG_NAME);
        if (start == Start.FIRST)
        {
            awaitPeersReady(Path.of(required("barrier")), TimeUnit.SECONDS.toNanos(30));
        }
        final NodeArbiter arbiter = newArbiter(group).start();
        if (cmControl != null)
        {
            // cmctl switchover/failover -n: the arbiter's role requests
            cmControl.requests(arbiter.roleRequests(nodeId + 1));
        }
        if (start == Start.REJOIN)
        {
            System.out.println("DSS instance " + group.instanceId() + " open " + RejoinSteps.msSince(startNs) +
                " ms after " +
                "main began (fenced: it may not write until the arbiter admits this node); the arbiter joins");
            RejoinSteps.awaitAdmission(arbiter, startNs, nodeId, report);
        }
        return arbiter;
    }

    private NodeArbiter newArbiter(final VolumeGroup group)
    {
        return new NodeArbiter(nodeId, 2, Path.of(required("image")), group, events, (reason) ->
        {
            // fenced by the cluster manager: not one more write, not one more served page; the launcher (or an
            // operator) restarts the node to bring it back. Once the node's work is done and checked it has
            // nothing left to write to DSS: it then stays up only to write its report, which says it was fenced.
            final boolean done = workDone;
            System.out.println("FENCED by the arbiter: " + reason + (done ? "; the work was done" :
                "; stopping at once"));
            System.out.flush();
            try
            {
                group.unregister();
            }
            finally
            {
                if (!done)
                {
                    Runtime.getRuntime().halt(EXIT_FENCED);
                }
                problems.add("fenced by the arbiter after the work was done: " + reason);
            }
        }, lane(), arbitrationPaused());
    }

    /**
     * @return whether {@code cmctl pause} holds: the pause flag in the agent directory of the agent that runs this
     * node ({@link Agent#AGENT_DIR_ENV}), seen up to 200 ms late; never paused without an agent.
     */
    private BooleanSupplier arbitrationPaused()
    {
        final String agentDir = System.getenv(Agent.AGENT_DIR_ENV);
        if (!cm() || agentDir == null)
        {
            return () -> false;
        }
        // read at most every 200 ms: the arbiter asks every judging cycle, on the thread that renews its lease
        final FlagFiles flags = new FlagFiles(Path.of(agentDir));
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(200);
        return new BooleanSupplier()
        {
            private long nextReadNs = System.nanoTime();
            private boolean paused;

            @Override
            public boolean getAsBoolean()
            {
                final long nowNs = System.nanoTime();
                if (nowNs - nextReadNs >= 0)
                {
                    paused = flags.paused();
                    nextReadNs = nowNs + intervalNs;
                }
                return paused;
            }
        };
    }

    /**
     * @return the arbiter's UDP lane endpoints from {@code lane=host:port,host:port} (index = node id), or null:
     * no lane, the disk alone decides.
     */
    private List<java.net.InetSocketAddress> lane()
    {
        final String spec = args.getProperty("lane");
        if (spec == null || spec.isBlank())
        {
            return null;
        }
        final List<java.net.InetSocketAddress> out = new java.util.ArrayList<>();
        for (final String endpoint : spec.split(","))
        {
            final int colon = endpoint.lastIndexOf(':');
            out.add(new java.net.InetSocketAddress(endpoint.substring(0, colon),
                Integer.parseInt(endpoint.substring(colon + 1))));
        }
        return out;
    }

    private void runRole(final Dss dss, final DmsNode node, final TablePageStore store, final DssFile heap,
        final Wal wal, final ControlChannel control, final PageAccess pages, final NodeReformHandler reform,
        final boolean managed, final long runDeadlineNs)
    {
        final WriterRole.Settings settings = new WriterRole.Settings(number("rows"), number("updates"),
            number("rate"), number("seed"), number("checkpointMs"), ACQUIRE_TIMEOUT_NS);
        if ("bank".equals(args.getProperty("workload")))
        {
            final BankNode bank = new BankNode(nodeId, dss, node, pages, store, heap, wal, control, problems,
                settings, reform, number("idBase"), number("bankRate"), Boolean.parseBoolean(required("final")));
            onFailover = bank::onFailover;
            if (start == Start.REJOIN)
            {
                bank.runRejoined(runDeadlineNs);
            }
            else
            {
                bank.run(runDeadlineNs);
            }
            for (final String problem : store.problems())
            {
                problems.add(problem);
            }
            return;
        }
        if (start == Start.REJOIN)
        {
            RejoinSteps.runStandby(node, store, control, pages, problems, settings, report, runDeadlineNs);
        }
        else if (0 == nodeId)
        {
            final WriterRole role = new WriterRole(node, pages, store, heap, wal, control, problems, settings, null);
            final Writer writer = role.writer();
            reform.demotes(writer);
            try (Periodic progress = new Periodic("progress", 1000, writer::progress);
                Periodic acked = new Periodic("acked", ACKED_INTERVAL_MS, () -> acked(wal));
                WriterRole writing = role.start())
            {
                progress.start();
                acked.start();
                writer.run();
            }
            finally
            {
                writer.report(report);
            }
            if (writer.handedOver())
            {
                runDemoted(dss, node, store, wal, control, pages, reform, settings, runDeadlineNs);
            }
        }
        else
        {
            final Reader reader = new Reader(pages, store, control, problems, number("rows"), number("seed"),
                ACQUIRE_TIMEOUT_NS, managed ? Reader.REFORM_SLICE_NS : ACQUIRE_TIMEOUT_NS, runDeadlineNs);
            onFailover = () ->
            {
                if (reform.switchingOver())
                {
                    reader.stopForSwitchover();
                }
                else
                {
                    reader.stopForFailover();
                }
            };
            control.awaitStart(runDeadlineNs - System.nanoTime());
            System.out.println("node 0 created the table; reading");
            try (DssFile writerWal = dss.open(walPath(0));
                Periodic progress = new Periodic("progress", 1000, reader::progress))
            {
                progress.start();
                reader.run(heap, writerWal);
            }
            finally
            {
                reader.report(report);
            }
            if (reader.stoppedForFailover())
            {
                final Recovery.Result takenOver = reform.awaitTakeOver(runDeadlineNs - System.nanoTime());
                final Recovery.Result recovery = takenOver != null ? takenOver :
                    replayAfterSwitchover(dss, pages, store, reform.switchedFrom());
                final Promotion promotion = new Promotion(dss, node, pages, store, wal, control, problems, settings,
                    report, events).demotable(reform);
                promotion.run(recovery);
                if (promotion.handedOver())
                {
                    runDemoted(dss, node, store, wal, control, pages, reform, settings, runDeadlineNs);
                }
                if (Boolean.parseBoolean(args.getProperty("awaitRejoin", "false")))
                {
                    // the launcher restarts the old primary: stay the primary it reads from until its check ends
                    System.out.println("new primary waits for node 0 to rejoin as a standby and check the table");
                    control.awaitFinished(Math.max(0, runDeadlineNs - System.nanoTime()));
                }
            }
        }
        for (final String problem : store.problems())
        {
            problems.add(problem);
        }
    }

    /**
     * The old primary after a switchover ({@code cmctl switchover}): its writer handed over (WAL durable,
     * checkpointed); once the reform ends it is a standby that reads the table the new primary writes, each page
     * shipped from the new primary's buffer, until the table holds the whole workload ({@link RejoinedStandby}).
     */
    private void runDemoted(final Dss dss, final DmsNode node, final TablePageStore store, final Wal wal,
        final ControlChannel control, final PageAccess pages, final NodeReformHandler reform,
        final WriterRole.Settings settings, final long runDeadlineNs)
    {
        switchedOver = true;
        if (!node.awaitReform(Math.max(0, runDeadlineNs - System.nanoTime())))
        {
            throw new IllegalStateException("the switchover's reform did not end: state " + node.reformState());
        }
        if (cmControl != null)
        {
            cmControl.role("Standby", true);
        }
        System.out.println("demoted: node " + nodeId + " is a standby in " + node.membershipView());
        final RejoinedStandby.State end = RejoinSteps.runStandby(node, store, control, pages, problems, settings,
            report, runDeadlineNs, (stop) -> onFailover = stop);
        onFailover = () -> {};
        if (end != RejoinedStandby.State.PROMOTED)
        {
            return;
        }
        // switched back: this node is the primary again (cmctl switchover -n to it); its writer may hand over again
        final Recovery.Result takenOver = reform.awaitTakeOver(Math.max(0, runDeadlineNs - System.nanoTime()));
        final Recovery.Result recovery = takenOver != null ? takenOver :
            replayAfterSwitchover(dss, pages, store, reform.switchedFrom());
        // what this node logged as the first primary was replayed and checkpointed by the node it handed over to
        wal.retire();
        final Promotion promotion = new Promotion(dss, node, pages, store, wal, control, problems, settings, report,
            events).demotable(reform);
        promotion.run(recovery);
        if (promotion.handedOver())
        {
            System.out.println("handed over a second time: node " + nodeId + " stays a standby without reading " +
                "(one switch back is what the demo runs)");
        }
    }

    /**
     * The new primary of a switchover: DMS ran no RECOVERY step (nobody was removed), so replay the old primary's
     * WAL from its last checkpoint here, with normal page access, as a failover does (its hand-over checkpoint
     * leaves nothing to replay; the scan gives the commits and the end LSN the new WAL continues above).
     */
    private Recovery.Result replayAfterSwitchover(final Dss dss, final PageAccess pages, final TablePageStore store,
        final int oldPrimary)
    {
        switchedOver = true;
        events.emit(FailoverEvents.RECOVERY_STARTED, "switchover: replaying " + walPath(oldPrimary) + "'s tail " +
            "with normal page access");
        final Recovery.Result recovery = WriterRole.replay(dss, walPath(oldPrimary), new DmsRedoPages(pages, store),
            nodeId);
        events.emit(FailoverEvents.RECOVERY_DONE, recovery.commits() + " commits, end LSN " + recovery.endLsn() +
            ", " + recovery.replayed() + " records replayed, " + recovery.pagesChanged() + " page changes applied");
        return recovery;
    }

    /**
     * Start the arbiters together: an arbiter removes a member of the first view whose heartbeat it has not seen
     * change within the lease timeout (2 s), and a JVM with DSS takes longer than that to start on a loaded
     * machine. Each node leaves a file in the run directory and waits for the other's.
     */
    private void awaitPeersReady(final Path dir, final long timeoutNs)
    {
        try
        {
            java.nio.file.Files.writeString(dir.resolve("node" + nodeId + ".ready"), Long.toString(
                ProcessHandle.current().pid()));
            final Path other = dir.resolve("node" + (1 - nodeId) + ".ready");
            final long deadlineNs = System.nanoTime() + timeoutNs;
            while (!java.nio.file.Files.exists(other))
            {
                if (deadlineNs - System.nanoTime() < 0)
                {
                    throw new IllegalStateException("node " + (1 - nodeId) + " did not start within " +
                        TimeUnit.NANOSECONDS.toSeconds(timeoutNs) + " s: no " + other);
                }
                if (aborted.get())
                {
                    throw new ControlChannel.Stopped();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException("cannot write the start barrier in " + dir, ex);
        }
    }

    /**
     * @return the line by which the launcher, playing the clients, learns which commits were acknowledged.
     */
    static String acked(final Wal wal)
    {
        return ACKED_PREFIX + wal.durableCommits() + " " + wal.durableCommitLsn();
    }

    private void reportDms(final DmsNode node, final TablePageStore store, final PageAccess pages)
    {
        for (final AcquireResult result : AcquireResult.values())
        {
            report.put("acquire." + result.name(), pages.count(result));
            report.putLatency("acquire." + result.name(), pages.latency(result));
        }
        report.put("diskReads", store.diskReads());
        report.put("pagesReceived", store.pagesReceived());
        report.put("dirtyPagesReceived", store.dirtyPagesReceived());
        report.put("walFlushRequests", store.walFlushRequests());
        try
        {
            // the agent writes its latency summaries every statsIntervalNs: let it write the last ones
            Thread.sleep(250);
            final File statsFile = new File(node.nodeDirectory(), StatsFileDescriptor.FILE_NAME);
            StatsReader.Snapshot stats = StatsReader.read(statsFile);
            for (int attempt = 0; stats.events().isEmpty() && attempt < 50; attempt++)
            {
                // StatsReader gives up (no summaries) when it keeps meeting the agent mid-publish: read again
                Thread.sleep(10);
                stats = StatsReader.read(statsFile);
            }
            for (final StatCounter counter : StatCounter.values())
            {
                report.put("dms." + counter.name(), stats.counter(counter));
            }
            for (final StatEvent event : StatEvent.values())
            {
                final StatsReader.EventSummary summary = stats.event(event);
                report.put("dms." + event.name() + ".count", summary.count());
                report.put("dms." + event.name() + ".p50", summary.p50() / 1000.0);
                report.put("dms." + event.name() + ".p90", summary.p90() / 1000.0);
                report.put("dms." + event.name() + ".p99", summary.p99() / 1000.0);
                report.put("dms." + event.name() + ".max", summary.max() / 1000.0);
            }
            if (stats.counter(StatCounter.ERRORS) > 0)
            {
                problems.add("DMS counted agent errors: errors=" + stats.counter(StatCounter.ERRORS));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            problems.add("cannot read the DMS statistics file: " + ex);
        }
    }

    /**
     * A daemon thread that runs a task every interval (or when woken) until closed, printing what a task returns.
     */
    static final class Periodic implements AutoCloseable
    {
        private final Thread thread;
        private final long intervalMs;
        private final Supplier<String> task;
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;

        Periodic(final String name, final long intervalMs, final Supplier<String> task)
        {
            this.intervalMs = intervalMs;
            this.task = task;
            this.thread = new Thread(this::loop, name);
            this.thread.setDaemon(true);
        }

        Periodic start()
        {
            thread.start();
            return this;
        }

        void wake()
        {
            LockSupport.unpark(thread);
        }

        List<String> failures()
        {
            return failures;
        }

        private void loop()
        {
            long nextNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
            while (running)
            {
                LockSupport.parkNanos(this, nextNs - System.nanoTime());
                if (!running)
                {
                    return;
                }
                nextNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
                try
                {
                    final String line = task.get();
                    if (line != null)
                    {
                        System.out.println(line);
                    }
                }
                catch (final RuntimeException ex)
                {
                    failures.add(thread.getName() + " failed: " + ex);
                }
            }
        }

        @Override
        public void close()
        {
            running = false;
            wake();
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(15));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
