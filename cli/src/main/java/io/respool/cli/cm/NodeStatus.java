package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterNode;

import java.util.List;
import java.util.Map;

/**
 * One node as {@code cmctl} sees it from its agent's state file.
 *
 * @param node       the node.
 * @param agentUp    the agent's process lives and its state file is fresh.
 * @param agentPid   the agent's pid, -1 if none.
 * @param state      the state file's content, empty if none could be read.
 * @param instances  the state file's instances (maps with the keys the agent writes).
 * @param agentNote  why the agent is down, if it is ("" when up).
 */
record NodeStatus(ClusterNode node, boolean agentUp, long agentPid, Map<?, ?> state, List<Map<?, ?>> instances,
    String agentNote)
{
    String text(final Map<?, ?> instance, final String key)
    {
        final Object o = instance.get(key);
        return o == null ? "" : o.toString();
    }

    long number(final Map<?, ?> instance, final String key)
    {
        final Object o = instance.get(key);
        return o instanceof Number n ? n.longValue() : -1;
    }

    Map<?, ?> memory()
    {
        final Object o = state.get("memory");
        return o instanceof Map<?, ?> m ? m : Map.of();
    }
}
