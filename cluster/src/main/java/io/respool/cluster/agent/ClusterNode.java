package io.respool.cluster.agent;

import java.nio.file.Path;

/**
 * A host of the cluster as {@code cm_cluster.json} names it.
 *
 * @param id       node id (1, 2, ...; CM's node numbers).
 * @param name     host name shown by {@code query}.
 * @param ip       the address shown by {@code query -i}.
 * @param agentDir the agent's directory on that host: its settings ({@code cm_agent.conf}), state file, log, and
 *                 the openGauss flag files ({@code cluster_manual_start}, {@code instance_manual_start_<id>}).
 */
public record ClusterNode(int id, String name, String ip, Path agentDir)
{
}
