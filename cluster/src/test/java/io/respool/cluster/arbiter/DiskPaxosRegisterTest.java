package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class DiskPaxosRegisterTest
{
    private static final ClusterAreaLayout LAYOUT = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);

    @Test
    void shouldDecideTheOnlyProposalAndLetOthersLearnIt()
    {
        final SimDisk disk = new SimDisk(1);
        final DiskPaxosRegister a = started(disk, 0, 2);
        final DiskPaxosRegister b = started(disk, 1, 2);
        final MembershipView view = new MembershipView(1, 0b11, 0, 0);

        assertTrue(a.propose(view));
        runToIdle(a);

        assertEquals(DecisionRegister.Outcome.DECIDED, a.outcome());
        assertEquals(view, a.latest());
        assertNull(b.latest());
        assertTrue(b.refresh());
        runToIdle(b);
        assertEquals(view, b.latest());
    }

    @Test
    void shouldRefuseAProposalThatIsNotTheNextVersionOrComesWhileBusy()
    {
        final DiskPaxosRegister a = started(new SimDisk(2), 0, 2);

        assertFalse(a.propose(new MembershipView(2, 0b11, 0, 0)));
        assertTrue(a.propose(new MembershipView(1, 0b11, 0, 0)));
        assertFalse(a.propose(new MembershipView(1, 0b11, 0, 0)), "a proposal is under way");
    }

    @Test
    void shouldDecideTheFirstProposersValueWhenASecondComesAfterIt()
    {
        final SimDisk disk = new SimDisk(3);
        final DiskPaxosRegister a = started(disk, 0, 2);
        final DiskPaxosRegister b = started(disk, 1, 2);
        final MembershipView mine = new MembershipView(1, 0b01, 0, 0);
        a.propose(mine);
        runToIdle(a);

        assertTrue(b.propose(new MembershipView(1, 0b10, 1, 1)));
        runToIdle(b);

        assertEquals(DecisionRegister.Outcome.DECIDED, b.outcome());
        assertEquals(mine, b.latest());
    }

    @Test
    void shouldNeverAcceptATornBlockAsAValue()
    {
        final SimDisk disk = new SimDisk(4);
        final DiskPaxosRegister a = started(disk, 0, 2);
        a.propose(new MembershipView(1, 0b11, 0, 0));
        runToIdle(a);
        final PaxosRead before = new ClusterDisk(disk.port(1), LAYOUT).readPaxos(0);

        disk.damage(LAYOUT.paxosOffset(0, before.latestCopy()), 40, 8);
        final PaxosRead after = new ClusterDisk(disk.port(1), LAYOUT).readPaxos(0);

        assertTrue(after.readable());
        assertEquals(before.latest().sequence() - 1, after.latest().sequence());
        disk.damage(LAYOUT.paxosOffset(0, after.latestCopy()), 100, 3);
        final PaxosRead both = new ClusterDisk(disk.port(1), LAYOUT).readPaxos(0);
        assertFalse(both.readable());
        assertEquals("copy 0: checksum mismatch, copy 1: checksum mismatch", both.problem());
    }

    /**
     * Proposer 0 crashes after each of its steps in turn, its write in flight torn; proposer 1 then proposes its own
     * value, and proposer 0 restarts and proposes again. Whatever 0 had got chosen before it crashed stays chosen.
     */
    @Test
    void shouldKeepAChosenValueWhenItsProposerCrashesAtAnyStep()
    {
        final int nodes = 3;
        for (int crashAt = 0; crashAt < 4 * nodes + 2; crashAt++)
        {
            for (final boolean torn : new boolean[]{false, true})
            {
                final SimDisk disk = new SimDisk(crashAt);
                final MembershipView first = new MembershipView(1, 0b011, 0, 0);
                final MembershipView second = new MembershipView(1, 0b110, 1, 1);
                DiskPaxosRegister a = register(disk, 0, nodes);
                runToIdle(a);
                a.propose(first);
                for (int step = 0; step < crashAt && a.busy(); step++)
                {
                    a.doWork(step);
                }
                final MembershipView chosenBeforeCrash = a.latest();
                if (torn && isWrite(a.state()))
                {
                    disk.faults(0, 1, 0);
                    a.doWork(crashAt);
                    assertTrue(disk.takeCrash(0));
                    disk.faults(0, 0, 0);
                }
                final DiskPaxosRegister b = register(disk, 1, nodes);
                runToIdle(b);
                if (b.latest() == null)
                {
                    assertTrue(b.propose(second));
                    runToIdle(b);
                }
                final String where = "crashAt=" + crashAt + ", torn=" + torn;
                assertNotNull(b.latest(), where);
                if (chosenBeforeCrash != null)
                {
                    assertEquals(chosenBeforeCrash, b.latest(), where);
                }
                a = register(disk, 0, nodes);
                runToIdle(a);
                if (a.latest() == null)
                {
                    a.propose(first);
                    runToIdle(a);
                }
                assertEquals(b.latest(), a.latest(), where);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void shouldDecideAtMostOneViewPerVersionUnderRacesCrashesPausesAndFaults(final int nodes)
    {
        int contended = 0;
        for (long seed = 0; seed < 150; seed++)
        {
            contended += new Simulation(seed, nodes).run(12, 40_000);
        }
        assertTrue(contended > 50, "too few versions with two proposers at once: " + contended);
    }

    private static DiskPaxosRegister register(final SimDisk disk, final int node, final int nodes)
    {
        return new DiskPaxosRegister(new ClusterDisk(disk.port(node), LAYOUT), node, nodes);
    }

    private static boolean isWrite(final RegisterState state)
    {
        return state == RegisterState.PHASE1_WRITE || state == RegisterState.PHASE2_WRITE ||
            state == RegisterState.COMMIT_WRITE;
    }

    private static DiskPaxosRegister started(final SimDisk disk, final int node, final int nodes)
    {
        final DiskPaxosRegister register = register(disk, node, nodes);
        runToIdle(register);
        return register;
    }

    private static void runToIdle(final DiskPaxosRegister register)
    {
        for (int i = 0; i < 1000; i++)
        {
            if (register.doWork(i) == 0)
            {
                return;
            }
        }
        fail("register did not come to rest");
    }

    /**
     * Several proposers on one disk, stepped in a seeded random order; each proposes its own view for the next
     * version, crashes (sometimes in a torn write), restarts, pauses, and backs off after an abort. Every view any
     * of them reports decided is checked against every other for the same version.
     */
    private static final class Simulation
    {
        private final Random random;
        private final SimDisk disk;
        private final int nodes;
        private final DiskPaxosRegister[] registers;
        private final long[] idleUntil;
        private final int[] proposedFor;
        private final Map<Integer, MembershipView> decided = new HashMap<>();
        private final Map<Integer, Integer> proposers = new HashMap<>();

        Simulation(final long seed, final int nodes)
        {
            this.random = new Random(seed);
            this.disk = new SimDisk(seed).faults(0.02, 0.01, 0.01);
            this.nodes = nodes;
            this.registers = new DiskPaxosRegister[nodes];
            this.idleUntil = new long[nodes];
            this.proposedFor = new int[nodes];
            for (int i = 0; i < nodes; i++)
            {
                registers[i] = register(disk, i, nodes);
            }
        }

        /**
         * @return how many versions had two or more proposers.
         */
        int run(final int versions, final int maxSteps)
        {
            for (long step = 0; step < maxSteps; step++)
            {
                final int node = random.nextInt(nodes);
                if (idleUntil[node] > step)
                {
                    continue;
                }
                step(node, step);
                if (decided.size() >= versions)
                {
                    return (int)proposers.values().stream().filter(count -> count > 1).count();
                }
            }
            throw new AssertionError("no progress: decided " + decided.size() + " of " + versions + " versions in " +
                maxSteps + " steps, faults=" + disk.faults());
        }

        private void step(final int node, final long step)
        {
            DiskPaxosRegister register = registers[node];
            final int draw = random.nextInt(1000);
            if (draw < 3)
            {
                registers[node] = register(disk, node, nodes);
                idleUntil[node] = step + random.nextInt(200);
                return;
            }
            if (draw < 8)
            {
                idleUntil[node] = step + random.nextInt(2000);
                return;
            }
            if (register.busy())
            {
                register.doWork(step);
                if (disk.takeCrash(node))
                {
                    registers[node] = register(disk, node, nodes);
                    return;
                }
            }
            else if (register.outcome() == DecisionRegister.Outcome.ABORTED && proposedFor[node] != 0)
            {
                proposedFor[node] = 0;
                idleUntil[node] = step + random.nextInt(20 * nodes);
                register.refresh();
            }
            else
            {
                final int next = register.latest() == null ? 1 : register.latest().version() + 1;
                final long members = (random.nextLong() & ((1L << nodes) - 1)) | (1L << node);
                if (register.propose(new MembershipView(next, members, node, node)))
                {
                    proposedFor[node] = next;
                    proposers.merge(next, 1, Integer::sum);
                }
            }
            check(register);
        }

        private void check(final DiskPaxosRegister register)
        {
            final MembershipView view = register.latest();
            if (view != null)
            {
                final MembershipView earlier = decided.putIfAbsent(view.version(), view);
                if (earlier != null && !earlier.equals(view))
                {
                    throw new AssertionError("two views decided for version " + view.version() + ": " + earlier +
                        " and " + view);
                }
            }
        }
    }
}
