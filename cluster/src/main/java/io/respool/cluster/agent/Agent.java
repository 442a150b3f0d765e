package io.respool.cluster.agent;

import io.respool.cluster.node.RoleFile;
import io.respool.dms.diag.PortProbe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The agent of one host ({@code cm_agent} with {@code om_monitor}'s flag-file rule): supervises the instances of
 * {@code cm_resource.json} that run on its node, each by an {@link InstanceSupervisor}, on one thread with a
 * passed-in clock; script calls run on workers and are killed at their {@code time_out}, so one hung script never
 * stalls another resource (in openGauss one slow script held the whole pass for 96 s). It obeys the flag files
 * ({@link FlagFiles}), watches memory ({@link MemoryWatch}) and writes its state atomically to
 * {@code <agent_dir>/cm_agent_state.json} for {@code cmctl}.
 *
 * <p>Run: {@code java -cp respool-cli.jar io.respool.cluster.agent.Agent --home <cluster home> --node <id>}
 * (the systemd unit in {@code cluster/systemd} does this on a production host; {@code cmctl start} does it on one
 * machine).
 */
public final class Agent
{
    /** The state file in the agent directory. */
    public static final String STATE_FILE = "cm_agent_state.json";
    /**
     * The environment variable each resource's process and script gets: the agent directory, where the flag files
     * lie ({@link FlagFiles}; {@code $GAUSSHOME/bin} in openGauss), so that a node can see {@code cmctl pause}.
     */
    public static final String AGENT_DIR_ENV = "CM_AGENT_DIR";
    /** The agent holds a lock on this file in its directory while it runs: one agent per node. */
    public static final String LOCK_FILE = "cm_agent.lock";
    /** The node process writes its role and whether it serves into this file in its data dir ({@link RoleFile}). */
    public static final String ROLE_FILE = RoleFile.FILE;

    private final ClusterConfig config;
    private final ClusterNode node;
    private final LongSupplier clockMs;
    private final LongSupplier wallClockMs;
    private final AgentLog log;
    private final FlagFiles flags;
    private final MemoryWatch memory;
    private final List<InstanceSupervisor> supervisors = new ArrayList<>();
    private final ExecutorService workers;
    private AgentSettings settings;
    private long settingsMtime = -1;
    private long nextSettingsReadMs;
    private long nextStateWriteMs;
    private String lastState = "";
    private boolean paused;
    private final Map<InstanceSupervisor, long[]> resultSeen = new java.util.HashMap<>();

    /**
     * @param config      the cluster.
     * @param nodeId      this host's node.
     * @param clockMs     monotonic clock in ms, read once per duty cycle (a stepped clock in tests).
     * @param wallClockMs wall clock, for display only (log time stamps, the state file's time).
     * @param procRoot    {@code /proc}, or a directory laid out like it in tests.
     * @param log         where log lines go.
     */
    public Agent(final ClusterConfig config, final int nodeId, final LongSupplier clockMs, final LongSupplier wallClockMs,
        final Path procRoot, final AgentLog log)
    {
        this.config = config;
        this.node = config.node(nodeId);
        this.clockMs = clockMs;
        this.wallClockMs = wallClockMs;
        this.log = log;
        this.flags = new FlagFiles(node.agentDir());
        this.memory = new MemoryWatch(procRoot, log);
        this.settings = AgentSettings.load(node.agentDir());
        this.workers = Executors.newCachedThreadPool(r ->
        {
            final Thread t = new Thread(r, "cm-agent-worker");
            t.setDaemon(true);
            return t;
        });
        final PortCheck ports = new PortCheck(new PortProbe(procRoot), workers);
        for (final Map.Entry<ResourceDefinition, ResourceInstance> e : config.instancesOn(nodeId))
        {
            final ResourceDefinition r = e.getKey();
            final ResourceInstance i = e.getValue();
            final String base = r.name() + "_" + i.cmInstanceId();
            final OutputLog out = new OutputLog(node.agentDir().resolve("log").resolve(base + ".log"));
            final ResourceDriver driver = i.command().isEmpty() ? new ScriptDriver(r, i, out, node.agentDir()) :
                new CommandDriver(i, i.dataDir().isEmpty() ? node.agentDir() : Paths.get(i.dataDir()), out,
                    node.agentDir().resolve("run").resolve(base + ".pid"), node.agentDir());
            supervisors.add(new InstanceSupervisor(r, i, driver, ports, log, this::onRestartLimit,
                settings.restartStableChecks()));
        }
        log.info("cm_agent of node " + nodeId + " (" + node.name() + ") supervises " + supervisors.size() +
            " instance(s), agent dir " + node.agentDir());
    }

    /**
     * One duty cycle: reload settings if changed, read the flag files, move every instance on, watch memory, write
     * the state file when it changed or is due.
     *
     * @return work done.
     */
    public int doWork()
    {
        final long nowMs = clockMs.getAsLong();
        int work = 0;
        if (nowMs - nextSettingsReadMs >= 0)
        {
            nextSettingsReadMs = nowMs + 1000;
            reloadSettings();
        }
        final var clusterStop = flags.cluster();
        if (flags.paused() != paused)
        {
            paused = !paused;
            log.keyEvent("KEY_EVENT_CLUSTER_PAUSE", 0, paused ? "the cluster is paused (" +
                FlagFiles.CLUSTER_MANUAL_PAUSE + " present): no instance is restarted and no node kicked out or " +
                "failed over until cmctl resume" : "the cluster is resumed (" + FlagFiles.CLUSTER_MANUAL_PAUSE +
                " removed)");
        }
        for (final InstanceSupervisor s : supervisors)
        {
            final var instanceStop = flags.instance(s.instance().cmInstanceId());
            final boolean want = clusterStop.isEmpty() && instanceStop.isEmpty();
            final StopMode mode = clusterStop.orElse(instanceStop.orElse(StopMode.FAST));
            work += s.doWork(nowMs, want, mode, paused);
        }
        work += memory.doWork(nowMs, settings, supervisors);
        final String state = stateJson(false);
        if (!state.equals(lastState) || nowMs - nextStateWriteMs >= 0)
        {
            lastState = state;
            nextStateWriteMs = nowMs + settings.stateWriteIntervalMs();
            writeState(false);
        }
        return work;
    }

    List<InstanceSupervisor> supervisors()
    {
        return supervisors;
    }

    /**
     * @return the settings in force.
     */
    public AgentSettings settings()
    {
        return settings;
    }

    /**
     * @return the state file's path.
     */
    public Path stateFile()
    {
        return node.agentDir().resolve(STATE_FILE);
    }

    /**
     * Stop the workers (instances keep running, as when {@code cm_agent} itself ends) and say so in the state file.
     */
    public void close()
    {
        writeState(true);
        workers.shutdownNow();
    }

    private void onRestartLimit(final int cmInstanceId)
    {
        // CM's meaning: the instance is manually stopped until cmctl start removes the flag.
        try
        {
            flags.writeInstance(cmInstanceId, StopMode.IMMEDIATE);
        }
        catch (final IOException ex)
        {
            log.warn("cannot write " + FlagFiles.INSTANCE_MANUAL_START + cmInstanceId + ": " + ex.getMessage());
        }
    }

    private void reloadSettings()
    {
        final Path file = node.agentDir().resolve(AgentSettings.FILE);
        try
        {
            final long mtime = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
            if (mtime != settingsMtime)
            {
                settingsMtime = mtime;
                final AgentSettings next = AgentSettings.load(node.agentDir());
                if (!next.equals(settings))
                {
                    log.info("reloaded " + file + ": " + next);
                    settings = next;
                }
            }
        }
        catch (final IOException | AgentConfigException ex)
        {
            log.warn("settings not reloaded, keeping the previous ones: " + ex.getMessage());
        }
    }

    private void writeState(final boolean stopped)
    {
        try
        {
            AtomicFiles.write(stateFile(), stateJson(stopped).replace("\"updated_ms\": 0",
                "\"updated_ms\": " + wallClockMs.getAsLong()));
        }
        catch (final IOException ex)
        {
            log.warn("cannot write state file " + stateFile() + ": " + ex.getMessage());
        }
    }

    private String stateJson(final boolean stopped)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", 1L);
        root.put("node_id", (long)node.id());
        root.put("agent_pid", stopped ? -1L : ProcessHandle.current().pid());
        root.put("updated_ms", 0L);
        root.put("cluster_manual_start", flags.cluster().isPresent());
        root.put("cluster_manual_pause", flags.paused());
        final Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("total_kb", memory.totalKb());
        mem.put("available_kb", memory.availableKb());
        mem.put("host_alarm", memory.hostAlarm());
        mem.put("alarms", memory.alarms());
        root.put("memory", mem);
        final List<Object> list = new ArrayList<>();
        for (final InstanceSupervisor s : supervisors)
        {
            list.add(instanceJson(s));
        }
        root.put("instances", list);
        return Json.write(root);
    }

    private Map<String, Object> instanceJson(final InstanceSupervisor s)
    {
        final ResourceInstance i = s.instance();
        final InstanceState st = s.state();
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.resource().name());
        m.put("type", s.resource().type().name());
        m.put("cm_instance_id", (long)i.cmInstanceId());
        m.put("res_instance_id", (long)i.resInstanceId());
        m.put("state", st.name());
        // wall time of the latest verdict (check, port check, start...), so cmctl can tell a fresh one from a stale
        final long[] seen = resultSeen.computeIfAbsent(s, x -> new long[] { -1, 0 });
        if (seen[0] != s.results())
        {
            seen[0] = s.results();
            seen[1] = wallClockMs.getAsLong();
        }
        m.put("result_ms", seen[1]);
        final boolean unknown = st == InstanceState.ONLINE && s.lastCheck() != ScriptExit.CHECK_ONLINE;
        final Optional<RoleFile> said = i.dataDir().isEmpty() ? Optional.empty() : RoleFile.read(Paths.get(i.dataDir()));
        m.put("dynamic_role", st.dynamicRole().isEmpty() ? role(i, said) : st.dynamicRole());
        m.put("db_state", unknown ? "Unknown" : dbState(st, i, said));
        m.put("serving", said.map(RoleFile::serving).orElse(false));
        m.put("request_id", said.map(RoleFile::requestId).orElse(0L));
        m.put("request_result", said.map(RoleFile::requestResult).orElse(""));
        m.put("resource_state", unknown ? "Unknown" : st.resourceState());
        m.put("pid", s.pid());
        m.put("restarts", (long)s.restarts());
        m.put("restart_times", (long)s.resource().restartTimes());
        m.put("reason", s.reason());
        m.put("last_failure", s.lastFailure());
        m.put("last_check", (long)s.lastCheck());
        m.put("check_timeouts", s.checkTimeouts());
        m.put("rss_kb", memory.rssKbOf(i.cmInstanceId()));
        m.put("memory_alarm", memory.rssAlarm(i.cmInstanceId()));
        final JvmHeap heap = memory.heapOf(i.cmInstanceId());
        m.put("heap_old_used_kb", heap == null ? -1L : heap.oldUsedBytes() >> 10);
        m.put("heap_old_max_kb", heap == null ? -1L : heap.oldMaxBytes() >> 10);
        m.put("heap_used_kb", heap == null ? -1L : heap.heapUsedBytes() >> 10);
        m.put("full_gcs", heap == null ? -1L : heap.fullCollections());
        m.put("heap_alarm", memory.heapAlarm(i.cmInstanceId()));
        final List<Object> ports = new ArrayList<>();
        i.ports().forEach(p -> ports.add(p.toString()));
        m.put("ports", ports);
        m.put("data_dir", i.dataDir());
        return m;
    }

    private String role(final ResourceInstance i, final Optional<RoleFile> said)
    {
        return said.map(RoleFile::role).filter(r -> !r.isEmpty())
            .orElse(config.primaryNode() == i.nodeId() ? "Primary" : "Standby");
    }

    /**
     * A running node is Promoting while it carries out a role request; a node that reports serving is Normal only
     * when it says it serves, Starting before (its process runs but it does not serve yet).
     */
    private static String dbState(final InstanceState st, final ResourceInstance i, final Optional<RoleFile> said)
    {
        if (st != InstanceState.ONLINE)
        {
            return st.dbState();
        }
        if (said.map(RoleFile::promoting).orElse(false))
        {
            return "Promoting";
        }
        return !i.reportsServing() || said.map(RoleFile::serving).orElse(false) ? st.dbState() : "Starting";
    }

    /**
     * {@code Agent --home DIR --node N}.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        Path home = null;
        int nodeId = -1;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--home" -> home = Paths.get(args[i + 1]);
                case "--node" -> nodeId = Integer.parseInt(args[i + 1]);
                default ->
                {
                    System.err.println("cm_agent: unknown option " + args[i] + "; usage: Agent --home DIR --node N");
                    System.exit(2);
                }
            }
        }
        if (home == null || nodeId < 0)
        {
            System.err.println("cm_agent: usage: Agent --home DIR --node N");
            System.exit(2);
        }
        System.exit(run(home, nodeId, System.out));
    }

    private static int run(final Path home, final int nodeId, final PrintStream out)
    {
        final ClusterConfig config;
        try
        {
            config = ClusterConfig.load(home);
            Files.createDirectories(config.node(nodeId).agentDir());
        }
        catch (final AgentConfigException | IOException ex)
        {
            System.err.println("cm_agent: " + ex.getMessage());
            return 2;
        }
        final Path lockFile = config.node(nodeId).agentDir().resolve(LOCK_FILE);
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock())
        {
            if (lock == null)
            {
                System.err.println("cm_agent: an agent for node " + nodeId + " already runs (it holds " + lockFile + ")");
                return 1;
            }
            final long t0 = System.nanoTime();
            final AgentLog log = new AgentLog(line ->
            {
                out.println(line);
                out.flush();
            }, System::currentTimeMillis);
            final Agent agent = new Agent(config, nodeId, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                System::currentTimeMillis, Paths.get("/proc"), log);
            final Thread loop = Thread.currentThread();
            final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            // SIGTERM (systemctl stop, cmctl stop --agents): end the loop, write the final state, then let the JVM go;
            // the hook waits for the loop's close, not for its thread, which then blocks in System.exit.
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                running.set(false);
                loop.interrupt();
                try
                {
                    closed.await(5, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }));
            while (running.get())
            {
                agent.doWork();
                try
                {
                    Thread.sleep(agent.settings().loopIntervalMs());
                }
                catch (final InterruptedException ex)
                {
                    break;
                }
            }
            log.info("cm_agent of node " + nodeId + " exits; its instances keep running");
            agent.close();
            closed.countDown();
            return 0;
        }
        catch (final IOException ex)
        {
            System.err.println("cm_agent: cannot lock " + lockFile + ": " + ex.getMessage());
            return 2;
        }
    }
}
