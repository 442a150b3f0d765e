package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArbiterSimulationTest
{
    private static final MembershipView BOTH = new MembershipView(1, 0b11, 0, 0);

    @Test
    void shouldAgreeOnTheFirstViewAndStayStable()
    {
        final ClusterSimulation sim = new ClusterSimulation(1, 2);
        sim.runUntil(() -> sim.view(0) != null && sim.view(1) != null, 1000, "first view");
        sim.run(30_000);

        assertEquals(BOTH, sim.view(0));
        assertEquals(BOTH, sim.view(1));
        assertEquals(ArbiterState.MEMBER, sim.nodes[1].arbiter.state());
    }

    @Test
    void shouldStayStableWithEveryNodeOnOneHost()
    {
        final ClusterSimulation sim = started(3, true);
        sim.noNetworkLane = true;
        sim.run(30_000);

        assertEquals(new MembershipView(1, 0b111, 0, 0), sim.view(2));
        assertEquals(0, sim.kills);
    }

    @Test
    void shouldRemoveACrashedPrimaryOnThisHostAtOnceOnTheDiskAlone()
    {
        final ClusterSimulation sim = started(2, true);
        sim.noNetworkLane = true;
        sim.nodes[0].crashed = true;

        final long ms = sim.runUntil(() -> sim.view(1).version() == 2, 3000, "failover");

        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        assertTrue(ms >= ArbiterContext.DISK_SUSPECT_TIMEOUT_DEFAULT_MS, "removed before it was suspected: " + ms);
        assertTrue(ms <= ArbiterContext.DISK_SUSPECT_TIMEOUT_DEFAULT_MS + 150, "crash to published view: " + ms);
    }

    @Test
    void shouldKillAStoppedPrimaryOnThisHostAndPublishOnceItIsGone()
    {
        final ClusterSimulation sim = started(2, true);
        sim.noNetworkLane = true;
        sim.nodes[0].paused = true;

        final long ms = sim.runUntil(() -> sim.view(1).version() == 2, 3000, "failover");

        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        assertEquals(1, sim.kills);
        assertTrue(sim.nodes[0].crashed);
        assertTrue(ms >= ArbiterContext.SELF_FENCE_TIMEOUT_DEFAULT_MS, "a stop shorter than the self-fence: " + ms);
        assertTrue(ms <= ArbiterContext.SELF_FENCE_TIMEOUT_DEFAULT_MS + 150, "stop to published view: " + ms);
    }

    @Test
    void shouldRideOutAStopOnThisHostShorterThanTheSelfFence()
    {
        final ClusterSimulation sim = started(2, true);
        sim.noNetworkLane = true;
        sim.nodes[0].paused = true;
        sim.run(ArbiterContext.SELF_FENCE_TIMEOUT_DEFAULT_MS - 300);
        sim.nodes[0].paused = false;
        sim.run(3000);

        assertEquals(BOTH, sim.view(1), "a short stop is no failover");
        assertEquals(0, sim.kills);
        assertEquals(ArbiterState.MEMBER, sim.nodes[0].arbiter.state());
    }

    @Test
    void shouldWaitOutTheLeaseOfACrashedPrimaryOnAnotherHost()
    {
        final ClusterSimulation sim = started(2);
        sim.nodes[0].crashed = true;

        final long ms = sim.runUntil(() -> sim.view(1).version() == 2, 5000, "failover");

        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        assertTrue(ms >= ArbiterContext.LEASE_TIMEOUT_DEFAULT_MS, "published before the lease expired: " + ms);
        assertEquals(0, sim.kills);
    }

    @Test
    void shouldFailOverOnTheDiskAloneWithoutANetworkLane()
    {
        final ClusterSimulation sim = started(2);
        sim.noNetworkLane = true;
        sim.run(5000);
        assertEquals(BOTH, sim.view(1), "no false kick-out without a network lane");
        sim.nodes[0].crashed = true;

        final long ms = sim.runUntil(() -> sim.view(1).version() == 2, 5000, "failover");

        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        assertTrue(ms >= ArbiterContext.LEASE_TIMEOUT_DEFAULT_MS, "removed before the lease timeout: " + ms);
    }

    @Test
    void shouldWaitOutTheLeaseOfAPausedPrimaryOnAnotherHostAndItWritesNothingAfterWaking()
    {
        final ClusterSimulation sim = started(2);
        sim.nodes[0].paused = true;

        final long ms = sim.runUntil(() -> sim.view(1).version() == 2, 5000, "failover");
        assertTrue(ms >= ArbiterContext.LEASE_TIMEOUT_DEFAULT_MS, "published before the lease expired: " + ms);
        sim.nodes[0].paused = false;
        sim.run(1000);

        assertEquals(ArbiterState.FENCED, sim.nodes[0].arbiter.state());
        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
    }

    @Test
    void shouldKeepThePrimaryInAPartitionAndFenceTheOtherSide()
    {
        final ClusterSimulation sim = started(2);
        sim.cutNetwork(0, 1);

        sim.runUntil(() -> sim.view(0).version() == 2, 3000, "partition resolved");
        sim.run(1000);

        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.view(0));
        assertEquals(ArbiterState.FENCED, sim.nodes[1].arbiter.state());
        final String reason = sim.nodes[1].arbiter.fenceReason();
        assertTrue(reason.startsWith("partition") || reason.startsWith("removed by decided view"), reason);
        assertEquals(ArbiterState.MEMBER, sim.nodes[0].arbiter.state());
    }

    @Test
    void shouldRemoveAStandbyThatCannotHearThePrimaryEvenWhenThePrimaryHearsIt()
    {
        final ClusterSimulation sim = started(2);
        sim.link[0][1] = false;

        sim.runUntil(() -> sim.view(0).version() == 2, 3000, "one-way partition resolved");

        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.view(0));
        assertEquals(ArbiterState.FENCED, sim.nodes[1].arbiter.state());
    }

    @Test
    void shouldFailOverWhenThePrimaryLosesTheDisk()
    {
        final ClusterSimulation sim = started(2);
        sim.disk.cutOff(0, true);

        sim.runUntil(() -> sim.view(1).version() == 2, 5000, "failover");

        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1));
        assertEquals(ArbiterState.FENCED, sim.nodes[0].arbiter.state());
    }

    @Test
    void shouldKeepTheInvariantsUnderRandomFaults()
    {
        int changes = 0;
        for (long seed = 0; seed < 40; seed++)
        {
            final Random random = new Random(seed);
            final int count = 2 + random.nextInt(2);
            final ClusterSimulation sim = started(count, seed % 2 == 1);
            sim.disk.faults(0.003, 0.0005, 0.003);
            for (int round = 0; round < 6; round++)
            {
                final int node = random.nextInt(count);
                switch (random.nextInt(6))
                {
                    case 0 -> sim.nodes[node].crashed = true;
                    case 1 -> sim.nodes[node].paused = !sim.nodes[node].paused;
                    case 2 -> sim.cutNetwork(node, (node + 1) % count);
                    case 3 -> sim.disk.cutOff(node, random.nextBoolean());
                    case 4 -> sim.nodes[node].arbitrationPaused = !sim.nodes[node].arbitrationPaused;
                    default ->
                    {
                    }
                }
                sim.run(500 + random.nextInt(3000));
            }
            changes += sim.decided.size() - 1;
        }
        assertTrue(changes > 20, "too few membership changes to mean anything: " + changes);
    }

    private static ClusterSimulation started(final int count)
    {
        return started(count, false);
    }

    private static ClusterSimulation started(final int count, final boolean sameHost)
    {
        return ClusterSimulation.started(count, sameHost);
    }
}
