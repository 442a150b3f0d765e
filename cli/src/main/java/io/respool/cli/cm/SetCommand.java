package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code cmctl set --param --agent [-n NODEID] -k name=value}: CM's parameter setting for the agents; the agents
 * reload {@code cm_agent.conf} within a second.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = "Set an agent parameter in cm_agent.conf of every node (or -n): set --param --agent -k name=value. " +
        "The agents reload it within a second.")
final class SetCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Mixin
    AgentParamOptions params;

    @Option(names = "-k", paramLabel = "NAME=VALUE", required = true, description = "the parameter and its value")
    String keyValue;

    @Override
    public Integer call() throws IOException
    {
        ParamCommands.checkAgentOnly(params.server);
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterConfig config = home.load();
        final String[] kv = ParamCommands.keyValue(keyValue);
        for (final ClusterNode n : Targets.of(config, params.nodeId, null).nodes())
        {
            ParamCommands.set(n.agentDir(), kv[0], kv[1]);
            out.printf("node %d (%s): %s = %s%n", n.id(), n.name(), kv[0], kv[1]);
        }
        out.println("cmctl: set parameter successfully.");
        out.flush();
        return 0;
    }
}
