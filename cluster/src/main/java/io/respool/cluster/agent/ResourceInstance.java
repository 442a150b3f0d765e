package io.respool.cluster.agent;

import java.util.List;

/**
 * One instance of a resource on one node, as in {@code cm_resource.json}'s {@code instances}, plus what the agent
 * needs to start the node process itself and to check its ports first.
 *
 * @param nodeId        the node that runs it ({@code node_id}).
 * @param resInstanceId the id passed to the script ({@code res_instance_id}).
 * @param cmInstanceId  CM's instance id: 6000 + node id for a DN, 20001, 20002... for others (as openGauss numbers
 *                      them); names the flag file {@code instance_manual_start_<id>}.
 * @param resArgs       the script's arguments after the id ({@code res_args}, split on spaces).
 * @param command       the node process's command line when the agent runs it itself (no script), else empty.
 * @param ports         every port it will bind, checked before each start.
 * @param dataDir       its data directory ({@code data_dir}); the node process runs there. May be empty.
 * @param reportsServing {@code "reports_serving": true}: the node process writes {@code cm_role} with a serving
 *                      flag ({@link io.respool.cluster.node.NodeControlFiles}), so it is Normal only when it says it
 *                      serves and Starting before; else Normal means its process runs (as {@code dms_contrl.sh
 *                      -check}).
 * @param check         with a {@code command}, the command line the agent runs at each check while the process lives
 *                      ({@code check}), whose exit code is a script's {@code -check} ({@link CommandDriver#check}), so a
 *                      process that lives but is hung is seen; empty: its process running is the check.
 */
public record ResourceInstance(int nodeId, int resInstanceId, int cmInstanceId, List<String> resArgs,
    List<String> command, List<PortUse> ports, String dataDir, boolean reportsServing, List<String> check)
{
    /**
     * An instance checked by whether its process runs (or that says it serves).
     */
    public ResourceInstance(final int nodeId, final int resInstanceId, final int cmInstanceId,
        final List<String> resArgs, final List<String> command, final List<PortUse> ports, final String dataDir,
        final boolean reportsServing)
    {
        this(nodeId, resInstanceId, cmInstanceId, resArgs, command, ports, dataDir, reportsServing, List.of());
    }

    /**
     * An instance whose process running is all that is known of it.
     */
    public ResourceInstance(final int nodeId, final int resInstanceId, final int cmInstanceId,
        final List<String> resArgs, final List<String> command, final List<PortUse> ports, final String dataDir)
    {
        this(nodeId, resInstanceId, cmInstanceId, resArgs, command, ports, dataDir, false);
    }
}
