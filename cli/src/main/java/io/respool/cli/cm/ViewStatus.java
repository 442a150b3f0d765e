package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterAreaReader;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.DecidedRoles;
import io.respool.cluster.agent.ResourceDefinition;
import io.respool.cluster.agent.ResourceInstance;
import io.respool.cluster.agent.ResourceType;
import io.respool.cluster.agent.VotingDisk;

import java.util.function.LongConsumer;

/**
 * The decided roles for {@code query}, read from the voting disk of {@code cm_cluster.json}: two reads of the
 * cluster area {@code heartbeat_gap_ms} apart (so a heartbeat is judged by whether it changed over that span of
 * this host's clock). A DN instance's arbiter node id is its {@code res_instance_id} (the DMS instance id).
 *
 * @param votingDisk the voting disk, null when none is configured (roles are then the agents').
 * @param roles      the judgement, null when there is no voting disk or it could not be read.
 * @param problem    why it could not be read, or which of its sectors could not be used; "" if none.
 */
record ViewStatus(VotingDisk votingDisk, DecidedRoles roles, String problem)
{
    static final ViewStatus NONE = new ViewStatus(null, null, "");

    /**
     * @param config the cluster.
     * @param sleep  waits the given ms between the two reads ({@code Thread.sleep} in use, a no-op in tests).
     * @return what was read.
     */
    static ViewStatus read(final ClusterConfig config, final LongConsumer sleep)
    {
        final VotingDisk disk = config.votingDisk();
        if (disk == null)
        {
            return NONE;
        }
        final int nodes = arbiterNodeCount(config);
        try (ClusterAreaReader reader = ClusterAreaReader.open(disk))
        {
            final ClusterAreaReader.Snapshot first = reader.read(nodes);
            sleep.accept(disk.heartbeatGapMs());
            final ClusterAreaReader.Snapshot second = reader.read(nodes);
            // a torn or corrupt sector is named: it is no observation, so its node may show Down for it
            return new ViewStatus(disk, DecidedRoles.judge(first, second, disk.heartbeatGapMs()),
                second.problems().isEmpty() ? "" : "voting disk " + disk.path() + ": " +
                    String.join("; ", second.problems()));
        }
        catch (final RuntimeException ex)
        {
            return new ViewStatus(disk, null, "voting disk " + disk.path() + " not readable: " + ex.getMessage() +
                "; roles shown are the agents'");
        }
    }

    /**
     * @param arbiterId an arbiter node id.
     * @return the node of {@code cm_cluster.json} whose DN instance has it, -1 if none.
     */
    static int cmNodeId(final ClusterConfig config, final int arbiterId)
    {
        for (final ResourceDefinition r : config.resources())
        {
            for (final ResourceInstance i : r.instances())
            {
                if (r.type() == ResourceType.DN && i.resInstanceId() == arbiterId)
                {
                    return i.nodeId();
                }
            }
        }
        return -1;
    }

    private static int arbiterNodeCount(final ClusterConfig config)
    {
        int max = 0;
        for (final ResourceDefinition r : config.resources())
        {
            for (final ResourceInstance i : r.instances())
            {
                if (r.type() == ResourceType.DN)
                {
                    max = Math.max(max, i.resInstanceId() + 1);
                }
            }
        }
        return Math.min(max, io.respool.cluster.arbiter.ClusterAreaLayout.MAX_NODES);
    }
}
