package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cmctl pause}: an arbiter whose host is paused proposes no view of its own accord (no kick-out, no
 * admission) and says once what it withholds; the operator's failover still goes through, and resuming lets the
 * withheld decision go ahead. Stepped clock, simulated disk ({@link ClusterSimulation}).
 */
class PausedArbitrationSimulationTest
{
    private static final MembershipView BOTH = new MembershipView(1, 0b11, 0, 0);
    private static final long LEASE_MS = ArbiterContext.LEASE_TIMEOUT_DEFAULT_MS;

    @Test
    void shouldWithholdTheFailoverOfACrashedPrimaryWhilePausedAndFailOverOnTheOperatorsRequest()
    {
        final ClusterSimulation sim = pausedCluster();
        final List<String> withheld = withheld(sim, 1);
        sim.nodes[0].crashed = true;

        sim.run(4 * LEASE_MS);
        assertEquals(BOTH, sim.view(1), "a paused cluster failed over by itself");
        assertEquals(1, withheld.size(), withheld.toString());
        assertTrue(withheld.get(0).startsWith("kick out of node(0) withheld: the cluster is paused"), withheld.get(0));

        final CompletableFuture<RoleChange> failover = sim.nodes[1].arbiter.requestFailover(1);
        final long ms = sim.runUntil(failover::isDone, 3000, "the operator's failover");

        assertTrue(failover.join().done(), failover.join().reason());
        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        // the lease ran out long ago: only the kick's fence is waited for (about 1 s in the simulation)
        assertTrue(ms < LEASE_MS, "the failover waited for another lease: " + ms + " ms");
    }

    @Test
    void shouldFailOverOnceArbitrationResumes()
    {
        final ClusterSimulation sim = pausedCluster();
        sim.nodes[0].crashed = true;
        sim.run(4 * LEASE_MS);
        assertEquals(BOTH, sim.view(1));

        sim.nodes[1].arbitrationPaused = false;
        final long ms = sim.runUntil(() -> sim.view(1).version() == 2, 3000, "failover after resume");

        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        assertTrue(ms < LEASE_MS, "the failover after resume waited for another lease: " + ms + " ms");
    }

    @Test
    void shouldNeitherRemoveNorAdmitARestartedStandbyWhilePaused()
    {
        final ClusterSimulation sim = pausedCluster();
        final List<String> withheld = withheld(sim, 0);
        sim.nodes[1].restart();

        sim.run(4 * LEASE_MS);
        assertEquals(BOTH, sim.view(0), "a paused primary removed its restarted standby");
        assertEquals(0, sim.rejoins);
        assertTrue(withheld.get(0).startsWith("kick out of node(1) withheld"), withheld.toString());

        sim.nodes[0].arbitrationPaused = false;
        sim.runUntil(() -> sim.isMember(1), 5000, "rejoin after resume");
        assertEquals(1, sim.rejoins);
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(0));
    }

    @Test
    void shouldStillFenceTheSideOfAPartitionWithoutThePrimaryWhilePaused()
    {
        final ClusterSimulation sim = pausedCluster();
        sim.cutNetwork(0, 1);

        sim.run(4 * LEASE_MS);

        assertEquals(ArbiterState.FENCED, sim.nodes[1].arbiter.state());
        assertEquals(ArbiterState.MEMBER, sim.nodes[0].arbiter.state());
        assertEquals(BOTH, sim.view(0), "paused: the primary keeps the view as it is");
    }

    private static ClusterSimulation pausedCluster()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        for (final ClusterSimulation.Node node : sim.nodes)
        {
            node.arbitrationPaused = true;
        }
        return sim;
    }

    private static List<String> withheld(final ClusterSimulation sim, final int node)
    {
        final List<String> what = new ArrayList<>();
        sim.nodes[node].arbiter.listen(new ArbiterListener()
        {
            @Override
            public void onWithheld(final int peer, final String reason)
            {
                what.add(reason);
            }
        });
        return what;
    }
}
