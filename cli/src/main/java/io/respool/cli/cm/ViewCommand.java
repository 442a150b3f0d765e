package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.ResourceDefinition;
import io.respool.cluster.agent.ResourceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cmctl view [-n NODEID]}: the static configuration, node by node (CM's {@code view}).
 */
@Command(name = "view", mixinStandardHelpOptions = true, description = "Show the static configuration of each node.")
final class ViewCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Option(names = "-n", paramLabel = "NODEID", description = "only this node")
    Integer nodeId;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterConfig config = home.load();
        out.printf("cluster_name              : %s%n", config.clusterName());
        out.printf("cluster_home              : %s%n", config.home());
        out.printf("node_count                : %d%n", config.nodes().size());
        for (final ClusterNode n : Targets.of(config, nodeId, null).nodes())
        {
            out.println();
            out.printf("node                      : %d%n", n.id());
            out.printf("node_name                 : %s%n", n.name());
            out.printf("node_ip                   : %s%n", n.ip());
            out.printf("agent_dir                 : %s%n", n.agentDir());
            for (final Map.Entry<ResourceDefinition, ResourceInstance> e : config.instancesOn(n.id()))
            {
                final ResourceInstance i = e.getValue();
                out.printf("instance                  : %s %d (%s)%s%s%n", e.getKey().name(), i.cmInstanceId(),
                    e.getKey().type(), config.primaryNode() == n.id() && e.getKey().type().name().equals("DN") ?
                        ", static primary" : "", i.dataDir().isEmpty() ? "" : ", data_dir " + i.dataDir());
            }
        }
        out.flush();
        return 0;
    }
}
