package io.respool.cli.cm;

import io.respool.cluster.agent.AgentSettings;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.ResourceDefinition;
import io.respool.cluster.agent.ResourceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cmctl list}: the resources of {@code cm_resource.json} with their settings and instances; {@code cmctl list
 * --param --agent [-n NODEID]}: the agent parameters in force on each node (CM's {@code list --param}).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the resources of cm_resource.json, or with --param --agent the agent parameters of each node.")
final class ListCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Mixin
    AgentParamOptions params;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterConfig config = home.load();
        if (params.param || params.agent || params.server)
        {
            ParamCommands.checkAgentOnly(params.server);
            for (final ClusterNode n : Targets.of(config, params.nodeId, null).nodes())
            {
                out.printf("[ node %d (%s): %s ]%n", n.id(), n.name(), n.agentDir().resolve(AgentSettings.FILE));
                final Map<String, String> set = AgentSettings.read(n.agentDir().resolve(AgentSettings.FILE));
                for (final Object[] k : AgentSettings.KEYS)
                {
                    final String v = set.get((String)k[0]);
                    out.printf("%s = %s%s%n", k[0], v == null ? k[1] : v, v == null ? "  # default" : "");
                }
            }
            out.flush();
            return 0;
        }
        resources(out, config);
        out.flush();
        return 0;
    }

    static void resources(final PrintWriter out, final ClusterConfig config)
    {
        out.printf("%-12s %-4s %-8s %-8s %-13s %-13s %s%n", "res_name", "type", "interval", "time_out", "restart_times",
            "restart_delay", "control");
        out.println("-".repeat(90));
        for (final ResourceDefinition r : config.resources())
        {
            final String control = r.script().isEmpty() ? "command (run by the agent)" : r.script();
            out.printf("%-12s %-4s %-8d %-8d %-13d %-13d %s%n", r.name(), r.type(), r.checkIntervalS(), r.timeOutS(),
                r.restartTimes(), r.restartDelayS(), control);
            for (final ResourceInstance i : r.instances())
            {
                out.printf("    instance %d on node %d: res_instance_id=%d%s%s%s%n", i.cmInstanceId(), i.nodeId(),
                    i.resInstanceId(), i.ports().isEmpty() ? "" : ", ports=" + i.ports(),
                    i.dataDir().isEmpty() ? "" : ", data_dir=" + i.dataDir(),
                    i.command().isEmpty() ? (i.resArgs().isEmpty() ? "" : ", res_args=" + String.join(" ", i.resArgs())) :
                        ", command=" + String.join(" ", i.command()));
            }
        }
    }
}
