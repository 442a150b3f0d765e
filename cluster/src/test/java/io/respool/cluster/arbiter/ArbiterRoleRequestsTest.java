package io.respool.cluster.arbiter;

import io.respool.cluster.agent.AtomicFiles;
import io.respool.cluster.node.ArbiterRoleRequests;
import io.respool.cluster.node.NodeControlFiles;
import io.respool.cluster.node.RoleFile;
import io.respool.dms.api.MembershipView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cmctl switchover/failover} as the node side carries them out: the request file in a node's data directory,
 * {@link NodeControlFiles} stepped with the simulated cluster, {@link ArbiterRoleRequests} asking the node's arbiter,
 * and the result cmctl reads back in {@code cm_role}.
 */
class ArbiterRoleRequestsTest
{
    @TempDir
    Path dir0;
    @TempDir
    Path dir1;

    @Test
    void shouldSwitchOverThroughTheControlFilesThenRefuseAFailoverWhileThePrimaryRuns() throws IOException
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        final NodeControlFiles node0 = files(sim, 0, dir0, "Primary");
        final NodeControlFiles node1 = files(sim, 1, dir1, "Standby");

        request(dir1, "switchover", 2, 11);
        runUntilAnswered(sim, node0, node1, dir1, 11);

        assertEquals(new RoleFile("Primary", true, false, 11, "ok"), RoleFile.read(dir1).orElseThrow());
        assertFalse(Files.exists(dir1.resolve(NodeControlFiles.REQUEST_FILE)));
        assertEquals(new MembershipView(2, 0b11, 1, 1), sim.view(1));

        request(dir0, "failover", 1, 12);
        runUntilAnswered(sim, node0, node1, dir0, 12);
        final String result = RoleFile.read(dir0).orElseThrow().requestResult();
        assertTrue(result.startsWith("failed: refused: the primary node 1 is alive"), result);
        assertEquals(new MembershipView(2, 0b11, 1, 1), sim.view(0), "nothing changed");

        request(dir0, "switchover", 2, 13);
        runUntilAnswered(sim, node0, node1, dir0, 13);
        assertTrue(RoleFile.read(dir0).orElseThrow().requestResult().startsWith("failed: the request names node 2"));
    }

    private NodeControlFiles files(final ClusterSimulation sim, final int node, final Path dir, final String role)
    {
        final NodeControlFiles files = new NodeControlFiles(dir, () -> sim.nowNs / 1_000_000, 100,
            new ArbiterRoleRequests(sim.nodes[node].arbiter, node + 1), role);
        files.report(role, true);
        return files;
    }

    private static void runUntilAnswered(final ClusterSimulation sim, final NodeControlFiles node0,
        final NodeControlFiles node1, final Path dir, final long requestId)
    {
        sim.runUntil(() ->
        {
            node0.doWork();
            node1.doWork();
            return RoleFile.read(dir).orElseThrow().requestId() == requestId;
        }, 3000, "answer to request " + requestId);
    }

    private static void request(final Path dir, final String op, final int cmNode, final long id) throws IOException
    {
        AtomicFiles.write(dir.resolve(NodeControlFiles.REQUEST_FILE), "request = " + op + "\nnode_id = " + cmNode +
            "\nrequest_id = " + id + "\n");
    }
}
