package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code cmctl get --param --agent [-n NODEID] -k name}: an agent parameter's value on each node.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Show an agent parameter on every node (or -n): get --param --agent -k name.")
final class GetCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Mixin
    AgentParamOptions params;

    @Option(names = "-k", paramLabel = "NAME", required = true, description = "the parameter")
    String key;

    @Override
    public Integer call()
    {
        ParamCommands.checkAgentOnly(params.server);
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterConfig config = home.load();
        for (final ClusterNode n : Targets.of(config, params.nodeId, null).nodes())
        {
            out.printf("node %d (%s): %s = %s%n", n.id(), n.name(), key, ParamCommands.get(n.agentDir(), key));
        }
        out.flush();
        return 0;
    }
}
