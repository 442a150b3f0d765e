package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.FlagFiles;
import io.respool.cluster.agent.StopMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cmctl stop [-n NODEID] [-I INSTANCE_ID] [-m smart|fast|immediate] [-t SECS] [--agents]}: as
 * {@code cm_ctl stop}, writes {@code cluster_manual_start} (or {@code instance_manual_start_<id>}) with CM's three
 * lines into each node's agent directory; the agents stop the instances and do not start them until
 * {@code cmctl start}. Waits until they are stopped.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop the cluster, one node (-n) or one resource instance (-I) by writing the flag files, and wait " +
        "until the agents stopped every instance.")
final class StopCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Option(names = "-n", paramLabel = "NODEID", description = "only this node")
    Integer nodeId;

    @Option(names = "-I", paramLabel = "INSTANCE_ID", description = "only this resource instance")
    Integer instanceId;

    @Option(names = "-m", paramLabel = "MODE", defaultValue = "fast",
        description = "smart (wait for it to stop), fast (kill it after time_out; default), immediate (kill it now)")
    String mode;

    @Option(names = "-t", paramLabel = "SECS", description = "give up after this long (default: CM's 1200 + 0.5 per node)")
    Integer timeoutS;

    @Option(names = "--agents", description = "then end the agents too (the one-machine case; systemd restarts its own)")
    boolean agents;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final StopMode stopMode;
        try
        {
            stopMode = StopMode.parse(mode);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CmCtlException(ex.getMessage(), 2);
        }
        final ClusterConfig config = home.load();
        final Targets targets = Targets.of(config, nodeId, instanceId);
        final int timeout = timeoutS != null ? timeoutS : 1200 + config.nodes().size() / 2;
        final long t0 = System.currentTimeMillis();
        for (final ClusterNode n : targets.nodes())
        {
            final FlagFiles flags = new FlagFiles(n.agentDir());
            if (targets.instanceId == null)
            {
                flags.writeCluster(stopMode);
            }
            else
            {
                flags.writeInstance(targets.instanceId, stopMode);
            }
        }
        final java.util.Set<String> shown = new java.util.HashSet<>();
        while (true)
        {
            final long now = System.currentTimeMillis();
            int running = 0;
            for (final NodeStatus s : ClusterStatus.read(config, now))
            {
                if (targets.nodes.stream().noneMatch(x -> x.id() == s.node().id()))
                {
                    continue;
                }
                if (!s.agentUp())
                {
                    if (s.instances().stream().anyMatch(i -> s.number(i, "pid") > 0 &&
                        ProcessHandle.of(s.number(i, "pid")).map(ProcessHandle::isAlive).orElse(false)))
                    {
                        throw new CmCtlException("node " + s.node().id() + " (" + s.node().name() + "): its agent is not " +
                            "running (" + s.agentNote() + "), so nothing stops its instances; start the agent " +
                            "(the flag file keeps them stopped): cmctl start -n " + s.node().id() + " -t 1, then stop again");
                    }
                    continue;
                }
                for (final Map<?, ?> i : s.instances())
                {
                    if (!targets.covers(s, i))
                    {
                        continue;
                    }
                    if (StartCommand.updatedMs(s) < t0 + 100 || !stopped(s.text(i, "state")))
                    {
                        running++;
                    }
                    else if (shown.add(s.node().id() + "/" + s.text(i, "cm_instance_id")))
                    {
                        out.printf("node %d (%s): %s %s %s (%.1f s)%n", s.node().id(), s.node().name(), s.text(i, "name"),
                            s.text(i, "cm_instance_id"), s.text(i, "db_state"), (now - t0) / 1000.0);
                        out.flush();
                    }
                }
            }
            if (running == 0)
            {
                break;
            }
            if (now - t0 >= timeout * 1000L)
            {
                throw new CmCtlException("stop " + targets.scope + " failed in (" + timeout + ")s! " + running +
                    " instance(s) still running; try -m immediate");
            }
            StartCommand.sleep();
        }
        if (agents)
        {
            endAgents(config, targets, out);
        }
        out.println("cmctl: stop " + targets.scope + " successfully.");
        out.flush();
        return 0;
    }

    private static boolean stopped(final String state)
    {
        return "STOPPED".equals(state) || "LIMIT_REACHED".equals(state);
    }

    private static void endAgents(final ClusterConfig config, final Targets targets, final PrintWriter out)
    {
        for (final ClusterNode n : targets.nodes())
        {
            final NodeStatus s = ClusterStatus.read(n, System.currentTimeMillis());
            if (s.agentPid() > 0)
            {
                ProcessHandle.of(s.agentPid()).ifPresent(h ->
                {
                    h.destroy();
                    try
                    {
                        h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    catch (final Exception ex)
                    {
                        throw new CmCtlException("node " + n.id() + ": its agent pid " + h.pid() +
                            " did not exit within 10 s of SIGTERM; kill it: kill -9 " + h.pid());
                    }
                });
                out.printf("node %d (%s): agent pid %d ended%n", n.id(), n.name(), s.agentPid());
            }
        }
    }
}
