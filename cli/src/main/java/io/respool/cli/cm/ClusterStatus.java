package io.respool.cli.cm;

import io.respool.cluster.agent.Agent;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads every node's agent state file ({@code <agent_dir>/cm_agent_state.json}, written atomically by the agent):
 * the only channel between {@code cmctl} and the agents besides the flag files. An agent counts as up when its pid
 * lives and its file was rewritten within {@link #STALE_MS} (both read on this host).
 */
final class ClusterStatus
{
    static final long STALE_MS = 5_000;

    private ClusterStatus()
    {
    }

    static List<NodeStatus> read(final ClusterConfig config, final long wallNowMs)
    {
        final List<NodeStatus> out = new ArrayList<>();
        for (final ClusterNode n : config.nodes())
        {
            out.add(read(n, wallNowMs));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static NodeStatus read(final ClusterNode node, final long wallNowMs)
    {
        final Path file = node.agentDir().resolve(Agent.STATE_FILE);
        if (!Files.exists(file))
        {
            return new NodeStatus(node, false, -1, Map.of(), List.of(), "no state file " + file + " (agent never ran)");
        }
        final Map<?, ?> state;
        try
        {
            state = (Map<?, ?>)Json.parse(Files.readString(file));
        }
        catch (final IOException | IllegalArgumentException | ClassCastException ex)
        {
            return new NodeStatus(node, false, -1, Map.of(), List.of(), "unreadable state file " + file + ": " +
                ex.getMessage());
        }
        final Object list = state.get("instances");
        final List<Map<?, ?>> instances = list instanceof List<?> l ? (List<Map<?, ?>>)l : List.of();
        final long pid = state.get("agent_pid") instanceof Number p ? p.longValue() : -1;
        final long updated = state.get("updated_ms") instanceof Number u ? u.longValue() : 0;
        final boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        String note = "";
        if (pid <= 0)
        {
            note = "agent exited";
        }
        else if (!alive)
        {
            note = "agent pid " + pid + " is not running";
        }
        else if (wallNowMs - updated > STALE_MS)
        {
            note = "agent pid " + pid + " has not updated " + file + " for " + (wallNowMs - updated) / 1000 + " s";
        }
        return new NodeStatus(node, note.isEmpty(), alive ? pid : -1, state, instances, note);
    }
}
