package io.respool.cli.cm;

import io.respool.cluster.agent.Agent;
import io.respool.cluster.agent.AtomicFiles;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ResourceDefinition;
import io.respool.cluster.agent.ResourceInstance;
import io.respool.cluster.agent.ResourceType;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code switchover -n} and {@code failover -n} as a request file: the arbiter has no request API yet, so cmctl
 * writes {@code <data_dir>/cm_request} of the target node's DN instance ({@code request = switchover|failover},
 * {@code node_id}, {@code request_id}) and waits until that node's process reports {@code Primary} in
 * {@code <data_dir>/cm_role} (which its agent shows). The node process polls the file, acts (DMS switchover, or a
 * forced promotion through the arbiter), then writes its role and deletes the request.
 */
final class RoleRequest
{
    /** The request file in the DN's data directory. */
    static final String REQUEST_FILE = "cm_request";

    private RoleRequest()
    {
    }

    static int request(final String op, final HomeOption home, final int nodeId, final int timeoutS,
        final PrintWriter out) throws IOException
    {
        final ClusterConfig config = home.load();
        Targets.of(config, nodeId, null);
        ResourceInstance dn = null;
        for (final ResourceDefinition r : config.resources())
        {
            for (final ResourceInstance i : r.instances())
            {
                if (r.type() == ResourceType.DN && i.nodeId() == nodeId)
                {
                    dn = i;
                }
            }
        }
        if (dn == null)
        {
            throw new CmCtlException("node " + nodeId + " has no DN instance in " + ClusterConfig.RESOURCE_FILE +
                "; a " + op + " moves the primary between DN instances", 2);
        }
        final Path dir = dn.dataDir().isEmpty() ? config.node(nodeId).agentDir() : Path.of(dn.dataDir());
        final Path file = dir.resolve(REQUEST_FILE);
        final long id = System.currentTimeMillis();
        AtomicFiles.write(file, "request = " + op + "\nnode_id = " + nodeId + "\nrequest_id = " + id + "\n");
        out.printf("cmctl: %s to node %d requested: %s%n", op, nodeId, file);
        out.flush();
        if (timeoutS <= 0)
        {
            return 0;
        }
        final long t0 = System.currentTimeMillis();
        while (System.currentTimeMillis() - t0 < timeoutS * 1000L)
        {
            final NodeStatus s = ClusterStatus.read(config.node(nodeId), System.currentTimeMillis());
            for (final Map<?, ?> i : s.instances())
            {
                if (s.number(i, "cm_instance_id") != dn.cmInstanceId())
                {
                    continue;
                }
                // the node answered this request (NodeControlFiles): a failure is reported at once, not waited out
                final boolean answered = s.number(i, "request_id") == id;
                if (answered && s.text(i, "request_result").startsWith("failed"))
                {
                    throw new CmCtlException(op + " to node " + nodeId + " " + s.text(i, "request_result") +
                        " (answered by its node process in " + dir.resolve(Agent.ROLE_FILE) + ")");
                }
                if ((answered || s.number(i, "request_id") <= 0) && "Primary".equals(s.text(i, "dynamic_role")) &&
                    "Normal".equals(s.text(i, "db_state")))
                {
                    out.printf("cmctl: %s successfully: node %d is Primary.%n", op, nodeId);
                    out.flush();
                    return 0;
                }
            }
            StartCommand.sleep();
        }
        throw new CmCtlException(op + " to node " + nodeId + " not confirmed within " + timeoutS + " s: its node " +
            "process did not report Primary in " + dir.resolve(Agent.ROLE_FILE) + "; the request stays in " + file +
            " (a node process that polls it is needed, see README)");
    }
}
