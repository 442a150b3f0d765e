package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.ResourceDefinition;
import io.respool.cluster.agent.ResourceInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code -n NODEID} and {@code -I INSTANCE_ID} select: the nodes, and on them the instances, a start or
 * stop acts on and waits for.
 */
final class Targets
{
    final List<ClusterNode> nodes;
    final Integer instanceId;
    final String scope;

    private Targets(final List<ClusterNode> nodes, final Integer instanceId, final String scope)
    {
        this.nodes = nodes;
        this.instanceId = instanceId;
        this.scope = scope;
    }

    static Targets of(final ClusterConfig config, final Integer nodeId, final Integer instanceId)
    {
        if (instanceId != null)
        {
            for (final ResourceDefinition r : config.resources())
            {
                for (final ResourceInstance i : r.instances())
                {
                    if (i.cmInstanceId() == instanceId && (nodeId == null || i.nodeId() == nodeId))
                    {
                        return new Targets(List.of(config.node(i.nodeId())), instanceId, "resource instance");
                    }
                }
            }
            throw new CmCtlException("no resource instance " + instanceId + (nodeId == null ? "" : " on node " + nodeId) +
                "; see the instance ids with: cmctl query -Cv", 2);
        }
        if (nodeId != null)
        {
            if (config.nodes().stream().noneMatch(n -> n.id() == nodeId))
            {
                throw new CmCtlException("no node " + nodeId + " in " + config.home().resolve(ClusterConfig.CLUSTER_FILE) +
                    "; see the nodes with: cmctl view", 2);
            }
            return new Targets(List.of(config.node(nodeId)), null, "node");
        }
        return new Targets(config.nodes(), null, "cluster");
    }

    boolean covers(final NodeStatus n, final Map<?, ?> instance)
    {
        return nodes.stream().anyMatch(x -> x.id() == n.node().id()) &&
            (instanceId == null || n.number(instance, "cm_instance_id") == instanceId);
    }

    /**
     * @return how many instances the targets hold in the configuration.
     */
    int expectedInstances(final ClusterConfig config)
    {
        int count = 0;
        for (final ClusterNode n : nodes)
        {
            for (final Map.Entry<ResourceDefinition, ResourceInstance> e : config.instancesOn(n.id()))
            {
                count += instanceId == null || e.getValue().cmInstanceId() == instanceId ? 1 : 0;
            }
        }
        return count;
    }

    List<ClusterNode> nodes()
    {
        return new ArrayList<>(nodes);
    }
}
