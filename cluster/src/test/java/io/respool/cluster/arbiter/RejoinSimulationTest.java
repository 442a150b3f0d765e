package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rejoin of removed and restarted nodes, and planned role changes, on {@link ClusterSimulation} (stepped clock, its
 * invariants checked at every step and publication: one view per version, a removed node fenced before the view
 * removing it, a node a member again only as a newer generation).
 */
class RejoinSimulationTest
{
    @Test
    void shouldAddAKilledStandbyBackAsANewIncarnationAfterItRestarts()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, true);
        sim.noNetworkLane = true;
        sim.nodes[1].crashed = true;
        sim.runUntil(() -> sim.view(0).version() == 2, 3000, "removal");
        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.view(0));
        assertTrue(sim.nodes[1].fenceRaised, "the removal kicked node 1's DSS instance");

        sim.nodes[1].restart();
        final long ms = sim.runUntil(() -> sim.isMember(1), 3000, "rejoin");

        final MembershipView join = new MembershipView(3, 0b11, 0, 0);
        assertEquals(join, sim.view(0));
        assertEquals(join, sim.view(1), "the joiner starts DMS with the view that admits it");
        assertFalse(sim.nodes[1].fenceRaised, "registered again through the arbiter's storage admission");
        assertTrue(sim.nodes[1].canServe());
        assertEquals(1, sim.rejoins);
        assertTrue(ms < 1000, "restart to membership: " + ms + " ms");
    }

    @Test
    void shouldAddTheOldPrimaryBackAsAStandbyAfterAFailover()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, true);
        sim.noNetworkLane = true;
        sim.nodes[0].crashed = true;
        sim.runUntil(() -> sim.view(1).version() == 2, 3000, "failover");

        sim.nodes[0].restart();
        sim.runUntil(() -> sim.isMember(0), 3000, "rejoin");
        sim.run(3000);

        assertEquals(new MembershipView(3, 0b11, 1, 1), sim.view(0));
        assertEquals(new MembershipView(3, 0b11, 1, 1), sim.view(1));
    }

    @Test
    void shouldRemoveANodeRestartedBeforeItsRemovalAndOnlyThenAddItBack()
    {
        // another host: the crash alone would wait out the 2.4 s lease; the restart comes first
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        sim.noNetworkLane = true;
        sim.nodes[1].crashed = true;
        sim.run(300);
        sim.nodes[1].restart();

        sim.runUntil(() -> sim.isMember(1), 5000, "rejoin");

        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.decided.get(2), "removed first");
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(1));
        assertTrue(sim.decided.size() == 3, "no more views than removal and rejoin: " + sim.decided);
    }

    @Test
    void shouldRestartAWholeClusterThatCrashedWithEveryNodeBack()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, true);
        sim.nodes[0].crashed = true;
        sim.nodes[1].crashed = true;
        sim.run(200);
        sim.nodes[1].restart();
        sim.nodes[0].restart();

        final long ms = sim.runUntil(() -> sim.isMember(0) && sim.isMember(1), 5000, "whole cluster restart");

        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.decided.get(2), "the lowest restarted node alone first");
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(0));
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(1));
        assertEquals(3, sim.decided.size(), "no views but the restart and the admission: " + sim.decided);
        assertTrue(sim.nodes[0].canServe() && sim.nodes[1].canServe());
        assertTrue(ms < 2000, "restart to both members: " + ms + " ms");
    }

    @Test
    void shouldNotTakeTheOnlyMemberOfAClusterRestartForDeadByTheSectorItAskedWith()
    {
        // found by WholeClusterRestartProcessTest: node 1 read node 0's RESTARTED sector (asking, having read view
        // 1), then learned view 2, which node 0 formed alone, before it read node 0's RUNNING sector; it took node 0
        // for restarted, proposed view 3 of itself alone and kicked the new primary. Here each node's reads of the
        // other's heartbeat stay at the asking sectors, so node 0 cannot admit node 1 and node 1 judges view 2 on
        // the sector node 0 asked with
        final ClusterSimulation sim = ClusterSimulation.started(2, true);
        final ClusterAreaLayout layout = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);
        final ClusterDisk disk0 = new ClusterDisk(sim.disk.port(0), layout);
        sim.nodes[0].crashed = true;
        sim.nodes[1].crashed = true;
        sim.run(200);
        sim.nodes[0].restart();
        sim.nodes[1].restart();
        sim.runUntil(() -> disk0.readHeartbeat(0).state() == HeartbeatSector.RESTARTED &&
            disk0.readHeartbeat(1).state() == HeartbeatSector.RESTARTED, 300, "both RESTARTED");
        sim.disk.freeze(1, layout.heartbeatOffset(0));
        sim.disk.freeze(0, layout.heartbeatOffset(1));

        sim.runUntil(() -> sim.isMember(0), 2000, "node 0 alone");
        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.view(0));
        sim.run(600);
        sim.disk.thaw();
        sim.runUntil(() -> sim.isMember(1), 3000, "node 1 admitted by node 0");
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(1));
        for (final MembershipView view : sim.decided.values())
        {
            assertTrue(view.version() < 2 || view.isMember(0) && view.primary() == 0,
                "node 1 took the restart's only member for dead: " + sim.decided);
        }
        assertTrue(sim.nodes[0].canServe() && sim.nodes[1].canServe());
        assertEquals(0, sim.fenced, "nobody fenced itself");
    }

    @Test
    void shouldRestartACrashedClusterWithTheOnlyNodeBackOnceTheOthersLeaseRanOut()
    {
        // another host: node 0's old process can only be known gone by its lease
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        sim.noNetworkLane = true;
        sim.nodes[0].crashed = true;
        sim.nodes[1].crashed = true;
        sim.run(200);
        sim.nodes[1].restart();

        final long ms = sim.runUntil(() -> sim.isMember(1), 6000, "node 1 alone");
        assertTrue(ms >= 2400, "before node 0's lease (2400 ms) ran out: " + ms + " ms");
        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.view(1), "node 1 primary alone");
        assertTrue(sim.nodes[0].fenceRaised, "node 0's old instance is fenced before the view is published");
        assertTrue(sim.nodes[1].canServe());

        sim.nodes[0].restart();
        sim.runUntil(() -> sim.isMember(0), 3000, "node 0 back as a standby");
        assertEquals(new MembershipView(3, 0b11, 1, 1), sim.view(0));
    }

    @Test
    void shouldNotRestartTheClusterWhileAMemberMayStillRun()
    {
        // node 0 paused within its gate on another host; node 1 restarted: it must wait, whoever else is gone
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        sim.noNetworkLane = true;
        sim.nodes[0].paused = true;
        sim.nodes[1].crashed = true;
        sim.run(100);
        sim.nodes[1].restart();
        sim.run(1200);
        assertEquals(1, sim.decided.size(), "a new view while node 0 may serve: " + sim.decided);

        sim.nodes[0].paused = false;
        sim.runUntil(() -> sim.isMember(1), 5000, "node 1 removed, then admitted by node 0");
        assertEquals(new MembershipView(2, 0b01, 0, 0), sim.decided.get(2), "node 0 removes node 1 first");
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(1));
    }

    @Test
    void shouldRestartWholeClustersUnderRandomCrashesAndDiskFaults()
    {
        int clusterRestarts = 0;
        for (long seed = 200; seed < 240; seed++)
        {
            final Random random = new Random(seed);
            final int count = 2 + random.nextInt(2);
            final ClusterSimulation sim = ClusterSimulation.started(seed, count, seed % 2 == 1);
            sim.noNetworkLane = random.nextBoolean();
            sim.disk.faults(0.003, 0.0005, 0.003);
            for (int round = 0; round < 3; round++)
            {
                // crash every node, one after another, then restart them in a random order at random moments
                for (final ClusterSimulation.Node node : sim.nodes)
                {
                    node.crashed = true;
                    sim.run(random.nextInt(300));
                }
                final List<Integer> order = new ArrayList<>();
                for (int i = 0; i < count; i++)
                {
                    order.add(i);
                }
                Collections.shuffle(order, random);
                for (final int node : order)
                {
                    sim.nodes[node].restart();
                    sim.run(random.nextInt(1500));
                }
                // a supervisor restarts what an injected disk crash or a self-fence stopped on its way back
                for (long ms = 0; !allMembers(sim); ms += 100)
                {
                    assertTrue(ms < 15000, "every node back after whole-cluster crash " + round + ", seed " + seed +
                        ": " + sim.describe());
                    for (final ClusterSimulation.Node node : sim.nodes)
                    {
                        if (node.crashed || node.arbiter.state() == ArbiterState.FENCED)
                        {
                            node.restart();
                        }
                    }
                    sim.run(100);
                }
                sim.run(500);
                // (an injected crash may have removed a node since: the others must still agree)
                MembershipView agreed = null;
                for (int i = 0; i < count; i++)
                {
                    if (sim.isMember(i) && !sim.nodes[i].crashed)
                    {
                        agreed = agreed == null ? sim.view(i) : agreed;
                        assertEquals(agreed, sim.view(i), "seed " + seed + ": " + sim.describe());
                    }
                }
            }
            clusterRestarts += sim.clusterRestarts;
        }
        assertTrue(clusterRestarts >= 120, "each of the 120 whole-cluster crashes needs a restart view: " +
            clusterRestarts);
    }

    @Test
    void shouldNeverTakeAPausedNodeBackWhenItWakesButTakeItsRestartBack()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        sim.noNetworkLane = true;
        sim.nodes[1].paused = true;
        sim.runUntil(() -> sim.view(0).version() == 2, 5000, "removal");
        sim.nodes[1].paused = false;
        sim.run(5000);

        assertEquals(ArbiterState.FENCED, sim.nodes[1].arbiter.state(), sim.nodes[1].arbiter.fenceReason());
        assertEquals(2, sim.view(0).version(), "the woken node is not added back");
        assertFalse(sim.nodes[1].canServe());

        sim.nodes[1].restart();
        sim.runUntil(() -> sim.isMember(1), 3000, "rejoin of the restarted node");
        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(0));
    }

    @Test
    void shouldTakeANodeBackThatFencedItselfInAPartitionOnceRestartedAndTheNetworkHealed()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        sim.cutNetwork(0, 1);
        sim.runUntil(() -> sim.view(0).version() == 2, 3000, "partition resolved");
        sim.healNetwork();
        sim.run(2000);
        assertEquals(ArbiterState.FENCED, sim.nodes[1].arbiter.state());
        assertEquals(2, sim.view(0).version(), "a fenced node does not come back by itself");

        sim.nodes[1].restart();
        sim.runUntil(() -> sim.isMember(1), 3000, "rejoin");
        sim.run(3000);

        assertEquals(new MembershipView(3, 0b11, 0, 0), sim.view(1));
    }

    @Test
    void shouldAdmitTheJoinerThroughANewPrimaryWhenThePrimaryDiesDuringTheAdmission()
    {
        for (int steps = 0; steps < 40; steps++)
        {
            final ClusterSimulation sim = node1RestartedAfterItsRemoval(3, steps);
            sim.nodes[0].crashed = true;

            final int crashAfter = steps;
            sim.runUntil(() -> sim.isMember(1) && sim.view(2).primary() == 2, 5000,
                "rejoin through node 2 with the primary crashed " + crashAfter + " steps after the restart");

            assertFalse(sim.view(2).isMember(0));
        }
    }

    @Test
    void shouldRejoinWhenTheJoinerCrashesAtEveryStepOfItsWayIn()
    {
        for (int steps = 0; steps < 60; steps++)
        {
            final ClusterSimulation sim = node1RestartedAfterItsRemoval(2, steps);
            sim.nodes[1].crashed = true;
            sim.run(500);
            sim.nodes[1].restart();

            final int crashAfter = steps;
            sim.runUntil(() -> sim.isMember(1) && sim.isMember(0) && sim.view(0).isMember(1), 8000,
                "rejoin after a crash " + crashAfter + " steps into the first attempt");
            sim.run(1000);
            assertTrue(sim.view(0).isMember(1) && sim.view(1).equals(sim.view(0)), sim.describe());
        }
    }

    @Test
    void shouldNotLetARestartThatNeverServedLaunderAnEarlierIncarnationThatServed()
    {
        // another host, disk only: node 1 removes node 0 by its lease, its own word or a restarted sector; paused
        // (less than the self-fence timeout) it removes nothing while node 0 restarts twice
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        sim.noNetworkLane = true;
        final ClusterDisk disk0 = new ClusterDisk(sim.disk.port(0),
            new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE));
        assertEquals(new MembershipView(1, 0b11, 0, 0), sim.view(0));
        assertTrue(sim.nodes[0].canServe(), "process A of node 0 serves view 1 as its primary");
        sim.nodes[1].paused = true;
        sim.nodes[0].crashed = true;

        // process B finds A's member sector, says RESTARTED and dies before anyone removed node 0
        sim.nodes[0].restart();
        sim.runUntil(() -> disk0.readHeartbeat(0).state() == HeartbeatSector.RESTARTED, 300, "B writes RESTARTED");
        sim.nodes[0].crashed = true;

        // process C finds B's RESTARTED sector: A may have served in view 1, so C must not take view 1 up
        sim.nodes[0].restart();
        sim.run(500);
        assertEquals(ArbiterState.JOINING, sim.nodes[0].arbiter.state(), "C took up view 1 as it was: " +
            sim.describe());
        assertFalse(sim.nodes[0].canServe());
        assertEquals(HeartbeatSector.RESTARTED, disk0.readHeartbeat(0).state(), "C asks to be removed");

        // node 1 wakes within its gate: it removes node 0 (recovery of A's writes), then admits C
        sim.nodes[1].paused = false;
        sim.runUntil(() -> sim.isMember(0), 5000, "C's rejoin");
        assertEquals(new MembershipView(2, 0b10, 1, 1), sim.decided.get(2), "node 0 removed first");
        assertEquals(3, sim.nodes[0].admittedIn, "C's first view is the one that admits it");
        assertEquals(new MembershipView(3, 0b11, 1, 1), sim.view(0));
    }

    @Test
    void shouldSwitchOverToAStandbyWhileBothRun()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, false);
        final CompletableFuture<RoleChange> change = sim.nodes[1].arbiter.requestSwitchover(1);

        sim.runUntil(change::isDone, 3000, "switchover");
        sim.runUntil(() -> sim.view(0).version() == 2, 1000, "old primary publishes");

        assertTrue(change.join().done(), change.join().toString());
        final MembershipView expected = new MembershipView(2, 0b11, 1, 1);
        assertEquals(expected, change.join().view());
        assertEquals(expected, sim.view(0));
        sim.run(3000);
        assertEquals(expected, sim.view(1), "no failover follows");
    }

    @Test
    void shouldSwitchOverWhenDmsAsksItsMembershipSource()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, true);

        assertTrue(sim.nodes[0].views.requestSwitchover(1));
        sim.runUntil(() -> sim.view(0).primary() == 1 && sim.view(1).primary() == 1, 3000, "switchover");

        assertEquals(new MembershipView(2, 0b11, 1, 1), sim.view(1));
    }

    @Test
    void shouldRefuseRoleChangesThatCannotBeDone()
    {
        final ClusterSimulation sim = ClusterSimulation.started(3, true);
        sim.noNetworkLane = true;
        final CompletableFuture<RoleChange> failover = sim.nodes[1].arbiter.requestFailover(1);
        final CompletableFuture<RoleChange> already = sim.nodes[1].arbiter.requestSwitchover(0);
        final CompletableFuture<RoleChange> nobody = sim.nodes[1].arbiter.requestSwitchover(7);
        sim.runUntil(() -> failover.isDone() && already.isDone() && nobody.isDone(), 1000, "answers");

        assertFalse(failover.join().done());
        assertTrue(failover.join().reason().contains("the primary node 0 is alive"), failover.join().reason());
        assertTrue(already.join().done(), "node 0 is the primary already: " + already.join());
        assertFalse(nobody.join().done());

        sim.nodes[2].crashed = true;
        sim.runUntil(() -> sim.view(1).version() == 2, 3000, "node 2 removed");
        final CompletableFuture<RoleChange> removed = sim.nodes[1].arbiter.requestSwitchover(2);
        sim.runUntil(removed::isDone, 1000, "answer");
        assertFalse(removed.join().done());
        assertTrue(removed.join().reason().contains("not a member"), removed.join().reason());
        assertEquals(new MembershipView(2, 0b011, 0, 0), sim.view(1), "nothing changed");
    }

    @Test
    void shouldFailOverToTheNamedNodeOnceThePrimaryIsStoppedAndFenceItFirst()
    {
        final ClusterSimulation sim = ClusterSimulation.started(3, true);
        sim.noNetworkLane = true;
        sim.nodes[0].paused = true;
        sim.run(400);
        final CompletableFuture<RoleChange> change = sim.nodes[2].arbiter.requestFailover(2);

        final long ms = sim.runUntil(change::isDone, 3000, "failover");

        assertTrue(change.join().done(), change.join().toString());
        assertEquals(new MembershipView(2, 0b110, 2, 2), sim.view(2));
        assertEquals(1, sim.kills, "the stopped primary was killed before the view was published");
        assertTrue(ms < ArbiterContext.SELF_FENCE_TIMEOUT_DEFAULT_MS, "before the automatic rule: " + ms + " ms");
        sim.runUntil(() -> sim.view(1).version() == 2, 1000, "node 1 publishes");
        assertEquals(sim.view(2), sim.view(1));
    }

    @Test
    void shouldTellTheListenerEveryPhaseOfAFailoverAndOfTheRejoin()
    {
        final ClusterSimulation sim = ClusterSimulation.started(2, true);
        sim.noNetworkLane = true;
        final List<String> events = new ArrayList<>();
        sim.nodes[1].arbiter.listen(new Recorder(events));
        sim.nodes[0].crashed = true;
        sim.runUntil(() -> sim.view(1).version() == 2, 3000, "failover");
        sim.nodes[0].restart();
        final List<String> joiner = new ArrayList<>();
        sim.nodes[0].arbiter.listen(new Recorder(joiner));
        sim.runUntil(() -> sim.isMember(0), 3000, "rejoin");

        assertEquals(List.of("suspected 0", "confirmed 0", "proposal 2", "decided 2", "fenced 0", "published 2",
            "proposal 3", "decided 3", "published 3", "rejoined 0"), events);
        assertEquals(List.of("decided 3", "published 3", "rejoined 0"), joiner);
    }

    @Test
    void shouldKeepTheInvariantsUnderRandomFaultsRestartsAndRoleChanges()
    {
        int rejoins = 0;
        int roleChanges = 0;
        int changes = 0;
        for (long seed = 100; seed < 160; seed++)
        {
            final Random random = new Random(seed);
            final int count = 2 + random.nextInt(2);
            final ClusterSimulation sim = ClusterSimulation.started(seed, count, seed % 2 == 1);
            sim.noNetworkLane = random.nextBoolean();
            sim.disk.faults(0.003, 0.0005, 0.003);
            final List<CompletableFuture<RoleChange>> requests = new ArrayList<>();
            for (int round = 0; round < 10; round++)
            {
                final int node = random.nextInt(count);
                final ClusterSimulation.Node target = sim.nodes[node];
                switch (random.nextInt(8))
                {
                    case 0 -> target.crashed = true;
                    case 1 -> target.paused = !target.paused;
                    case 2 -> sim.cutNetwork(node, (node + 1) % count);
                    case 3 -> sim.disk.cutOff(node, random.nextBoolean());
                    case 4 -> requests.add(target.arbiter.requestSwitchover(random.nextInt(count)));
                    case 5 -> requests.add(target.arbiter.requestFailover(random.nextInt(count)));
                    default ->
                    {
                        // restart what is down, as a supervisor would, with its disk path and network back
                        sim.healNetwork();
                        for (final ClusterSimulation.Node each : sim.nodes)
                        {
                            sim.disk.cutOff(each.id, false);
                            if (each.crashed || each.arbiter.state() == ArbiterState.FENCED)
                            {
                                each.restart();
                            }
                        }
                    }
                }
                sim.run(500 + random.nextInt(3000));
            }
            rejoins += sim.rejoins;
            changes += sim.decided.size() - 1;
            for (final CompletableFuture<RoleChange> request : requests)
            {
                roleChanges += request.isDone() && request.join().done() && request.join().reason()
                    .startsWith("published") ? 1 : 0;
            }
        }
        assertTrue(changes > 150, "too few membership changes to mean anything: " + changes);
        assertTrue(rejoins > 35, "too few rejoins to mean anything: " + rejoins);
        assertTrue(roleChanges > 15, "too few role changes done to mean anything: " + roleChanges);
    }

    private static boolean allMembers(final ClusterSimulation sim)
    {
        for (int i = 0; i < sim.count; i++)
        {
            if (!sim.isMember(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return a cluster on one host, disk only, whose node 1 crashed, was removed, restarted and ran {@code steps}
     * steps of the way back in.
     */
    private static ClusterSimulation node1RestartedAfterItsRemoval(final int count, final int steps)
    {
        final ClusterSimulation sim = ClusterSimulation.started(count, true);
        sim.noNetworkLane = true;
        sim.nodes[1].crashed = true;
        sim.runUntil(() -> sim.view(0).version() == 2, 3000, "removal");
        sim.nodes[1].restart();
        for (int i = 0; i < steps; i++)
        {
            sim.step();
        }
        return sim;
    }

    private record Recorder(List<String> events) implements ArbiterListener
    {
        @Override
        public void onSuspected(final int node, final String reason)
        {
            events.add("suspected " + node);
        }

        @Override
        public void onConfirmedDead(final int node, final String reason)
        {
            events.add("confirmed " + node);
        }

        @Override
        public void onProposal(final MembershipView view, final String reason)
        {
            events.add("proposal " + view.version());
        }

        @Override
        public void onDecided(final MembershipView view)
        {
            events.add("decided " + view.version());
        }

        @Override
        public void onFenced(final int node, final String how)
        {
            events.add("fenced " + node);
        }

        @Override
        public void onPublished(final MembershipView view)
        {
            events.add("published " + view.version());
        }

        @Override
        public void onRejoined(final int node, final MembershipView view)
        {
            events.add("rejoined " + node);
        }

        @Override
        public void onSelfFenced(final String reason)
        {
            events.add("self-fenced");
        }
    }
}
