package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.FlagFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cmctl start [-n NODEID] [-I INSTANCE_ID] [-t SECS]}: as {@code cm_ctl start}, deletes the flag files
 * ({@code cluster_manual_start}, {@code instance_manual_start_*}) of the nodes; starts an agent that does not run
 * on this host (the one-machine case); then shows each instance's progress and, when one cannot come up (a port
 * held by another process, the restart limit reached, the agent gone), says which and why at once, instead of
 * waiting out the timeout (seed 001 waited 601 s).
 */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start the cluster, one node (-n) or one resource instance (-I): remove the flag files, start the " +
        "agents of this host that do not run, and wait until every instance is Normal; stop at once, naming the node " +
        "and the reason, when one cannot come up.")
final class StartCommand implements Callable<Integer>
{
    /** With no restart limit, a start reports an instance as failing after this many restarts. */
    static final int GIVE_UP_RESTARTS = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Option(names = "-n", paramLabel = "NODEID", description = "only this node")
    Integer nodeId;

    @Option(names = "-I", paramLabel = "INSTANCE_ID", description = "only this resource instance (ids: cmctl query -Cv)")
    Integer instanceId;

    @Option(names = "-t", paramLabel = "SECS", description = "give up after this long (default: CM's 600 + 0.5 per node)")
    Integer timeoutS;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterConfig config = home.load();
        final Targets targets = Targets.of(config, nodeId, instanceId);
        final int timeout = timeoutS != null ? timeoutS : 600 + config.nodes().size() / 2;
        final long t0 = System.currentTimeMillis();
        final Map<Integer, Long> launched = new HashMap<>();
        for (final ClusterNode n : targets.nodes())
        {
            removeFlags(n, targets);
            final NodeStatus s = ClusterStatus.read(n, System.currentTimeMillis());
            if (!s.agentUp() && !AgentLauncher.holdsLock(n))
            {
                if (!AgentLauncher.isLocal(n))
                {
                    throw new CmCtlException("node " + n.id() + " (" + n.name() + "): its agent is not running and " +
                        n.ip() + " is not this host; start it there: systemctl start respool-cm-agent@" + n.id());
                }
                final long pid = AgentLauncher.launch(config, n);
                launched.put(n.id(), pid);
                out.printf("node %d (%s): agent started, pid %d, log %s%n", n.id(), n.name(), pid,
                    n.agentDir().resolve(AgentLauncher.LOG));
                out.flush();
            }
        }
        final Map<String, String> shown = new HashMap<>();
        final int expected = targets.expectedInstances(config);
        while (true)
        {
            final long now = System.currentTimeMillis();
            int normal = 0;
            for (final NodeStatus s : ClusterStatus.read(config, now))
            {
                if (targets.nodes.stream().noneMatch(x -> x.id() == s.node().id()))
                {
                    continue;
                }
                // A state written before the flags were removed (plus one duty cycle) says nothing about this start.
                if (!s.agentUp() || updatedMs(s) < t0 + 100)
                {
                    checkAgent(s, launched, now - t0);
                    continue;
                }
                for (final Map<?, ?> i : s.instances())
                {
                    if (!targets.covers(s, i))
                    {
                        continue;
                    }
                    normal += progress(out, s, i, shown, t0, now - t0) ? 1 : 0;
                }
            }
            if (normal == expected)
            {
                out.println("cmctl: start " + targets.scope + " successfully" + (instanceId == null ? "." :
                    "(nodeId:" + targets.nodes.get(0).id() + ", instId:" + instanceId + ")."));
                out.flush();
                return 0;
            }
            if (now - t0 >= timeout * 1000L)
            {
                throw new CmCtlException("start " + targets.scope + " failed in (" + timeout + ")s! not Normal yet: " +
                    notNormal(config, targets) + "; see cmctl query -Cv");
            }
            sleep();
        }
    }

    private static void removeFlags(final ClusterNode n, final Targets targets) throws IOException
    {
        final FlagFiles flags = new FlagFiles(n.agentDir());
        if (targets.instanceId == null)
        {
            flags.removeAll();
        }
        else
        {
            Files.deleteIfExists(n.agentDir().resolve(FlagFiles.INSTANCE_MANUAL_START + targets.instanceId));
        }
    }

    /**
     * Print the instance's state when it changed; fail at once when it cannot come up by itself.
     *
     * @return true when it is Normal.
     */
    private static boolean progress(final PrintWriter out, final NodeStatus s, final Map<?, ?> i,
        final Map<String, String> shown, final long startMs, final long elapsedMs)
    {
        final String who = "node " + s.node().id() + " (" + s.node().name() + ")";
        final String what = s.text(i, "name") + " " + s.text(i, "cm_instance_id");
        final String state = s.text(i, "state");
        final String dbState = s.text(i, "db_state");
        final String key = s.node().id() + "/" + s.text(i, "cm_instance_id");
        final long restarts = s.number(i, "restarts");
        final boolean restarting = "WAIT_RESTART".equals(state);
        final String shownState = restarting ? "offline, restart " + (restarts + 1) + " of " +
            (s.number(i, "restart_times") < 0 ? "unlimited" : s.number(i, "restart_times")) + ": " +
            s.text(i, "last_failure") : dbState;
        if (!"INIT".equals(state) && !shownState.equals(shown.put(key, shownState)))
        {
            final long pid = s.number(i, "pid");
            out.printf("%s: %s %s%s (%.1f s)%n", who, what, shownState, pid > 0 ? ", pid " + pid : "",
                elapsedMs / 1000.0);
            out.flush();
        }
        final String memory = Boolean.TRUE.equals(s.memory().get("host_alarm")) ? "; memory alarm on the host" : "";
        // A verdict from before this start (the port may have been freed since) is no reason to give up: the agent
        // checks the ports again within one check_interval.
        final boolean fresh = s.number(i, "result_ms") > startMs;
        switch (fresh ? state : "")
        {
            case "PORT_CONFLICT" -> throw new CmCtlException(who + " did not come up: " + what + " Port conflicting: " +
                s.text(i, "reason") + memory + "; free the port (the agent starts it as soon as it is free) or run " +
                "cmctl stop -n " + s.node().id());
            case "WAIT_RESTART" ->
            {
                // With restart_times -1 the agent retries for ever; a start does not wait that out.
                if (s.number(i, "restart_times") < 0 && restarts >= GIVE_UP_RESTARTS)
                {
                    throw new CmCtlException(who + " did not come up: " + what + " keeps failing (restarted " + restarts +
                        " times, restart_times=-1, the agent keeps trying): " + s.text(i, "last_failure") + memory +
                        "; fix the cause, or stop it: cmctl stop -n " + s.node().id());
                }
            }
            case "LIMIT_REACHED" -> throw new CmCtlException(who + " did not come up: " + what + " " +
                s.text(i, "reason") + memory + "; fix the cause (log " +
                s.node().agentDir().resolve("log").resolve(s.text(i, "name") + "_" + s.text(i, "cm_instance_id") + ".log") +
                "), then cmctl start -n " + s.node().id());
            default ->
            {
            }
        }
        return "ONLINE".equals(state) && "Normal".equals(dbState);
    }

    private static void checkAgent(final NodeStatus s, final Map<Integer, Long> launched, final long elapsedMs)
    {
        final Long pid = launched.get(s.node().id());
        final boolean dead = pid != null ? !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) :
            !s.agentUp() && elapsedMs > ClusterStatus.STALE_MS;
        if (dead || elapsedMs > 15_000)
        {
            final Path log = s.node().agentDir().resolve(AgentLauncher.LOG);
            throw new CmCtlException("node " + s.node().id() + " (" + s.node().name() + "): its agent " +
                (dead ? "is not running" : "did not report within 15 s") + ": " + lastLine(log) + "; see " + log);
        }
    }

    private static String notNormal(final ClusterConfig config, final Targets targets)
    {
        final StringBuilder b = new StringBuilder();
        for (final NodeStatus s : ClusterStatus.read(config, System.currentTimeMillis()))
        {
            for (final Map<?, ?> i : s.instances())
            {
                if (targets.covers(s, i) && !"ONLINE".equals(s.text(i, "state")))
                {
                    b.append(b.length() == 0 ? "" : ", ").append("node ").append(s.node().id()).append(' ')
                        .append(s.text(i, "name")).append(' ').append(s.text(i, "db_state"));
                    if (!s.text(i, "reason").isEmpty())
                    {
                        b.append(" (").append(s.text(i, "reason")).append(')');
                    }
                    if (Boolean.TRUE.equals(i.get("memory_alarm")) || Boolean.TRUE.equals(s.memory().get("host_alarm")))
                    {
                        b.append(" with a memory alarm (see cmctl query -Cv)");
                    }
                }
            }
        }
        return b.length() == 0 ? "no instance reported" : b.toString();
    }

    static long updatedMs(final NodeStatus s)
    {
        return s.state().get("updated_ms") instanceof Number n ? n.longValue() : 0;
    }

    static String lastLine(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--)
            {
                if (!lines.get(i).isBlank())
                {
                    return lines.get(i).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            return "no log (" + ex.getMessage() + ")";
        }
        return "its log is empty";
    }

    static void sleep()
    {
        try
        {
            Thread.sleep(100);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CmCtlException("interrupted");
        }
    }
}
