package io.respool.dms;

import io.respool.dms.ManualClockCluster.Node;
import io.respool.dms.ManualClockCluster.Packet;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.ManualMembershipSource;
import io.respool.dms.api.MembershipSource;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformHandler;
import io.respool.dms.api.ReformInfo;
import io.respool.dms.api.ReformState;
import io.respool.dms.api.ReformType;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import io.respool.dms.stat.StatsReader;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reform on the deterministic cluster: views published by hand, nodes killed at chosen moments, the network stepped
 * by the test. After every reform: one writer per page, the directory equals what the nodes hold, the newest image
 * of every page survives whenever a survivor had it (else the test's recovery replays it, as WAL would), and no
 * request is stuck.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManualClockReformTest
{
    private static final int PAGES = 12;
    private static final long STEP_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    File tempDir;

    @AutoClose
    private ManualClockCluster cluster;
    private ManualMembershipSource source;
    /** Nodes that views published now never reach (a source that skips versions for them). */
    private long deaf;
    private final long[] pages = new long[PAGES];
    /** The newest value of each page's counter: what every acknowledged change adds up to. */
    private final long[] expected = new long[PAGES];
    private final List<ReformInfo> recoveries = new ArrayList<>();
    private final List<ReformHandler.Completion> pendingRecovery = new ArrayList<>();
    private boolean recoverByHand;
    /** Per node: the counter after its current incarnation's last change of each page (0: none), as its WAL. */
    private final long[][] wal = new long[8][PAGES];
    /** Per page: the newest WAL record of the incarnations killed and not yet recovered (0: none). */
    private final long[] deadWal = new long[PAGES];
    /** Per node: the newest counter it has read of each page, which its image must never go back from. */
    private final long[][] seen = new long[8][PAGES];

    private void start(final int count, final boolean centralized)
    {
        // a new cluster, a new disk: what the last one's nodes read and wrote is gone
        java.util.Arrays.fill(deadWal, 0);
        for (int n = 0; n < wal.length; n++)
        {
            java.util.Arrays.fill(wal[n], 0);
            java.util.Arrays.fill(seen[n], 0);
        }
        source = new ManualMembershipSource(new MembershipView(1, (1L << count) - 1, 0, 0));
        final ReformHandler handler = new ReformHandler()
        {
            @Override
            public void recover(final ReformInfo info, final Completion done)
            {
                recoveries.add(info);
                if (recoverByHand)
                {
                    pendingRecovery.add(done);
                }
                else
                {
                    done.complete();
                }
            }
        };
        deaf = 0;
        cluster = new ManualClockCluster(count, tempDir, (ctx) -> ctx.membershipSource(heardBy(ctx.nodeId()))
            .centralizedOnPrimary(centralized).reformHandler(handler).reformStepTimeoutNs(STEP_TIMEOUT_NS));
        settle();
        for (int i = 0; i < PAGES; i++)
        {
            pages[i] = 1000 + i * 7;
        }
    }

    /** The source as node {@code id} hears it: a view published while it is {@link #deaf} never reaches it. */
    private MembershipSource heardBy(final int id)
    {
        return new MembershipSource()
        {
            @Override
            public MembershipView current()
            {
                return source.current();
            }

            @Override
            public void listen(final Listener listener)
            {
                source.listen(view ->
                {
                    if ((deaf & 1L << id) == 0)
                    {
                        listener.onView(view);
                    }
                });
            }
        };
    }

    private Node node(final int id)
    {
        return cluster.node(id);
    }

    /** Deliver everything and step the clock until every live node serves the newest view. */
    private void settle()
    {
        for (int round = 0; !settled(); round++)
        {
            assertTrue(round < 5_000, () -> "reform never ends: " + states());
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        cluster.deliverAll();
    }

    private boolean settled()
    {
        final MembershipView newest = source.current();
        for (final Node node : cluster.liveNodes())
        {
            final Reform reform = node.parts.reform;
            if (!newest.isMember(node.id))
            {
                continue;
            }
            if (reform.state() != ReformState.STABLE || reform.served() == null ||
                reform.served().version() != newest.version())
            {
                return false;
            }
        }
        return true;
    }

    private String states()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Node node : cluster.liveNodes())
        {
            sb.append(" node").append(node.id).append('=').append(node.parts.reform.state()).append('/')
                .append(node.parts.reform.step()).append('@').append(node.parts.services.epoch())
                .append(" (refused=").append(node.stats.get(StatCounter.REFUSED_PEER_MESSAGES))
                .append(", failed=").append(node.stats.get(StatCounter.REFORMS_FAILED)).append(')');
        }
        return sb.append(", inFlight=").append(cluster.network.size()).toString();
    }

    /** Take a page on a node through the protocol, check it sees the newest image, and write if X. */
    private void use(final int id, final int p, final LockMode mode)
    {
        for (int i = 0; !node(id).tryLatch(pages[p], mode); i++)
        {
            assertTrue(i < 2_000, () -> "node " + id + " never gets page " + pages[p] + ": " +
                cluster.describe(pages[p]) + states());
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        write(id, p, mode);
        cluster.assertOneWriter(pages[p]);
    }

    /** Traffic over every page from every live member, writes and reads mixed. */
    private void traffic(final Random random, final int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            final List<Node> live = cluster.liveNodes();
            final Node n = live.get(random.nextInt(live.size()));
            if (source.current().isMember(n.id))
            {
                use(n.id, random.nextInt(PAGES), random.nextBoolean() ? LockMode.X : LockMode.S);
            }
        }
    }

    /** Every invariant, once the network is quiet. */
    private void assertConsistent()
    {
        cluster.advance(ManualClockCluster.REDRIVE_INTERVAL_NS * 4);
        cluster.deliverAll();
        for (final long page : pages)
        {
            cluster.assertOneWriter(page);
            cluster.assertDirectoryMatchesNodes(page);
        }
        for (int p = 0; p < PAGES; p++)
        {
            for (final Node n : cluster.liveNodes())
            {
                if (source.current().isMember(n.id))
                {
                    use(n.id, p, LockMode.S);
                }
            }
        }
    }

    /**
     * The removed node's changes that no survivor holds: replayed by the recoverer, as the database would from WAL,
     * through recovery-only access.
     */
    private void replay(final int recoverer)
    {
        for (int p = 0; p < PAGES; p++)
        {
            recoverPage(recoverer, p, expected[p]);
        }
    }

    /** Take page {@code p} in X for recovery on {@code recoverer} and bring its counter up to {@code value}. */
    private void recoverPage(final int recoverer, final int p, final long value)
    {
        for (int i = 0; !node(recoverer).tryLatch(pages[p], LockMode.X, true); i++)
        {
            assertTrue(i < 2_000, () -> "recovery never gets page " + pages[p] + ": " +
                cluster.describe(pages[p]) + states());
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        while (node(recoverer).store.counter(pages[p]) < value)
        {
            node(recoverer).store.increment(pages[p]);
        }
        node(recoverer).unlatch(pages[p]);
    }

    @Test
    void shouldReformIntoTheFirstViewThenServePages()
    {
        start(3, false);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(1, node(i).parts.services.epoch());
            assertEquals(1, node(i).stats.get(StatCounter.REFORMS_JOIN));
            assertTrue(node(i).parts.services.gate().isOpen());
        }
        traffic(new Random(1), 200);
        assertConsistent();
    }

    @Test
    void shouldFailOverWhenThePrimaryDiesKeepingWhatSurvivorsHold()
    {
        start(3, true);
        traffic(new Random(2), 300);
        recoverByHand = true;
        cluster.kill(0);
        source.publish(0b110, 1, 1);
        for (int round = 0; pendingRecovery.isEmpty(); round++)
        {
            assertTrue(round < 2_000, this::states);
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        assertEquals(ReformType.FAILOVER, recoveries.get(0).type());
        assertEquals(0b1, recoveries.get(0).removed());
        assertEquals(AccessGate.Stage.RECOVERY, node(2).parts.services.gate().stage());
        for (int p = 0; p < PAGES; p++)
        {
            if (node(2).mode(pages[p]) != LockMode.NULL)
            {
                final int page = p;
                assertTrue(node(2).tryLatch(pages[p], LockMode.S), () -> "a page held stays readable: " +
                    cluster.describe(pages[page]));
                node(2).unlatch(pages[p]);
            }
        }
        final long normal = pages[0] + 100_000;
        assertFalse(node(2).tryLatch(normal, LockMode.X), "normal requests wait during recovery");
        replay(1);
        pendingRecovery.get(0).complete();
        settle();
        assertEquals(PartitionMap.PARTITION_COUNT, node(1).parts.services.partitionMap().partitionsOf(1),
            "centralized on the new primary");
        for (int i = 0; !node(2).tryLatch(normal, LockMode.X); i++)
        {
            assertTrue(i < 100, () -> "normal requests go on once the gate opens: " + cluster.describe(normal));
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        node(2).unlatch(normal);
        cluster.advance(TimeUnit.SECONDS.toNanos(1));
        assertEquals(1, node(2).stats.get(StatCounter.REQUESTS_WAITED_FOR_REFORM), "the wait is counted");
        assertEquals(1, node(1).stats.get(StatCounter.REFORMS_FAILOVER));
        assertConsistent();
        traffic(new Random(3), 200);
        assertConsistent();
    }

    @Test
    void shouldSurviveANodeKilledAtEveryStepOfAReform()
    {
        final ReformStep[] steps = {ReformStep.START, ReformStep.DRC_INACCESS, ReformStep.DRC_CLEAN,
            ReformStep.REMASTER, ReformStep.REBUILD, ReformStep.DRC_ACCESS, ReformStep.RECOVERY,
            ReformStep.PAGE_ACCESS, ReformStep.DONE};
        for (final ReformStep at : steps)
        {
            for (final int victim : new int[]{0, 2})
            {
                runKilledAt(at, victim);
            }
        }
    }

    private void runKilledAt(final ReformStep at, final int victim)
    {
        if (cluster != null)
        {
            cluster.close();
        }
        tempDir = new File(tempDir.getParentFile(), tempDir.getName());
        final File dir = new File(tempDir, "k-" + at + "-" + victim);
        assertTrue(dir.mkdirs());
        final File saved = tempDir;
        tempDir = dir;
        java.util.Arrays.fill(expected, 0);
        recoveries.clear();
        pendingRecovery.clear();
        recoverByHand = false;
        start(4, false);
        tempDir = saved;
        final Random random = new Random(at.ordinal() * 10L + victim);
        traffic(random, 150);
        // requests out on every node, some answered, when node 3 leaves
        final List<int[]> asked = burst(random, 4, 8);
        cluster.cycle();
        for (int i = 0; i < 10 && !cluster.network.isEmpty(); i++)
        {
            cluster.deliver(cluster.network.get(0));
        }
        // node 3 leaves; then, at the step, the victim (the reformer 0, or the partner 2) dies too
        cluster.kill(3);
        source.publish(0b0111, 0, 0);
        for (int round = 0; node(1).parts.reform.step() != at || node(1).parts.reform.target().version() != 2;
            round++)
        {
            if (round > 20_000 || settled())
            {
                break;
            }
            if (!cluster.network.isEmpty())
            {
                cluster.deliver(cluster.network.get(0));
            }
            else
            {
                cluster.advance(ManualClockCluster.STEP_NS);
            }
        }
        assertEquals(at, node(1).parts.reform.step(), "the kill must come at the step");
        cluster.kill(victim);
        recoverByHand = true;
        final int reformer = victim == 0 ? 1 : 0;
        source.publish(0b0111 & ~(1L << victim), reformer, reformer == 1 ? 1 : 0);
        settleRecovering(reformer);
        for (final long page : pages)
        {
            cluster.assertOneWriter(page);
        }
        for (final int[] a : asked)
        {
            if (a[0] != 3 && a[0] != victim)
            {
                use(a[0], a[1], LockMode.get(a[2]));
            }
        }
        recoverByHand = false;
        assertConsistent();
    }

    /**
     * A node killed under load (MultiProcessTest hung so): a burst of requests from every node, the network cut
     * after every number of its messages, then the kill. Requests, ships, grants, claims and invalidations are in
     * flight to and from the dead node and between the survivors. The reform must reach recovery, the recovery
     * must get every page although the survivors' own requests for some of them are still out (they wait for the
     * gate), and afterwards every one of those requests is served.
     */
    @Test
    void shouldReformAroundANodeKilledWithRequestsInFlightAtEveryCut()
    {
        for (int cut = 0; cut <= 60; cut += 3)
        {
            try
            {
                runKilledUnderLoad(cut);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("cut=" + cut + ": " + ex.getMessage(), ex);
            }
        }
    }

    private void runKilledUnderLoad(final int cut)
    {
        fresh("cut-" + cut, 3, false);
        final Random random = new Random(cut);
        traffic(random, 100);
        final List<int[]> asked = burst(random, 3, 12);
        cluster.cycle();
        for (int i = 0; i < cut && !cluster.network.isEmpty(); i++)
        {
            cluster.deliver(cluster.network.get(0));
        }
        recoverByHand = true;
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        awaitRecovery();
        replay(0);
        pendingRecovery.get(0).complete();
        settle();
        for (final int[] a : asked)
        {
            if (a[0] != 2)
            {
                use(a[0], a[1], LockMode.get(a[2]));
            }
        }
        assertConsistent();
    }

    /**
     * Requests from every node in turn for random pages and modes, none waited for (a page latched at once is used).
     *
     * @return {node, page index, mode code} of every request left out.
     */
    private List<int[]> burst(final Random random, final int nodes, final int count)
    {
        final List<int[]> asked = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final int id = i % nodes;
            final int p = random.nextInt(PAGES);
            final LockMode mode = random.nextBoolean() ? LockMode.X : LockMode.S;
            if (node(id).tryLatch(pages[p], mode))
            {
                write(id, p, mode);
            }
            else
            {
                asked.add(new int[]{id, p, mode.code()});
            }
        }
        return asked;
    }

    /** Settle, the recoverer's database replaying (through recovery-only access) whenever it is asked to. */
    private void settleRecovering(final int recoverer)
    {
        for (int round = 0; !settled(); round++)
        {
            assertTrue(round < 5_000, () -> "reform never ends: " + states());
            if (!pendingRecovery.isEmpty())
            {
                replay(recoverer);
                pendingRecovery.forEach(ReformHandler.Completion::complete);
                pendingRecovery.clear();
            }
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        cluster.deliverAll();
    }

    /** A fresh cluster of {@code count} nodes in a directory of its own, every record of the last one cleared. */
    private void fresh(final String name, final int count, final boolean centralized)
    {
        if (cluster != null)
        {
            cluster.close();
        }
        final File dir = new File(tempDir, name);
        assertTrue(dir.mkdirs());
        final File saved = tempDir;
        tempDir = dir;
        java.util.Arrays.fill(expected, 0);
        recoveries.clear();
        pendingRecovery.clear();
        recoverByHand = false;
        start(count, centralized);
        tempDir = saved;
    }

    /** As the database, on a page latched: write it if X, then unlatch. */
    private void write(final int id, final int p, final LockMode mode)
    {
        final long seenBefore = seen[id][p];
        assertTrue(node(id).store.counter(pages[p]) >= seenBefore, () -> "image went back on node " + id + ": " +
            node(id).store.counter(pages[p]) + " after " + seenBefore + " was read there, disk LSN " +
            cluster.disk.lsn(pages[p]) + ", got by " + howGot(p) + ", " + cluster.describe(pages[p]));
        seen[id][p] = node(id).store.counter(pages[p]);
        assertEquals(expected[p], node(id).store.counter(pages[p]), () -> "stale image on node " + id + ": " +
            cluster.describe(pages[p]));
        if (mode == LockMode.X)
        {
            node(id).store.increment(pages[p]);
            expected[p]++;
            wal[id][p] = expected[p];
            seen[id][p] = expected[p];
        }
        node(id).unlatch(pages[p]);
    }

    /** Run the reform until the recoverer's database is asked to recover, bounded. */
    private void awaitRecovery()
    {
        stepUntil(() -> !pendingRecovery.isEmpty(), 2_000, "the reform never reaches recovery");
    }

    /** Deliver everything and step the clock until {@code done}, at most {@code rounds} times. */
    private void stepUntil(final java.util.function.BooleanSupplier done, final int rounds, final String failure)
    {
        for (int round = 0; !done.getAsBoolean(); round++)
        {
            assertTrue(round < rounds, () -> failure + ":" + states());
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
    }

    /**
     * Recovery's access takes over the request slot of a normal request left out before the reform (it waits for
     * the gate, so it would never be answered before recovery ends), and a page taken for recovery is not latched
     * by normal access until recovery is done: its image may be older than the removed node's WAL until then.
     */
    @Test
    void shouldServeRecoveryBeforeANormalRequestOfTheSamePage()
    {
        start(3, false);
        use(1, 0, LockMode.X);
        use(2, 0, LockMode.X);
        assertFalse(node(0).tryLatch(pages[0], LockMode.X), "a normal request goes out");
        cluster.cycle();
        assertEquals(LocalPage.Request.SENT, node(0).page(pages[0]).request, () -> cluster.describe(pages[0]));
        recoverByHand = true;
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        awaitRecovery();
        assertEquals(LocalPage.Request.SENT, node(0).page(pages[0]).request, "the normal request waits");
        assertFalse(node(0).tryLatch(pages[0], LockMode.X, true), "recovery asks");
        for (int i = 0; node(0).mode(pages[0]) != LockMode.X; i++)
        {
            assertTrue(i < 100, () -> "recovery waits behind a normal request: " + cluster.describe(pages[0]));
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        assertFalse(node(0).tryLatch(pages[0], LockMode.S), "not for normal access before recovery is done");
        assertTrue(node(0).tryLatch(pages[0], LockMode.X, true));
        node(0).store.increment(pages[0]);
        expected[0]++;
        node(0).unlatch(pages[0]);
        assertFalse(node(0).tryLatch(pages[0], LockMode.X), "not even once recovery let it go");
        replay(0);
        pendingRecovery.get(0).complete();
        settle();
        use(0, 0, LockMode.X);
        assertConsistent();
    }

    /**
     * A member that never answers (dead, but the cluster manager has not noticed): the reform fails once the step
     * timeout has passed, naming the step and the node, and the next view, without it, re-forms. A member that is
     * busy for longer (the database's recovery) says so and is waited for.
     */
    @Test
    void shouldFailAReformWhoseMemberNeverAnswersAfterTheStepTimeout()
    {
        start(3, false);
        traffic(new Random(10), 100);
        cluster.kill(2);
        source.publish(0b111, 1, 1);
        final long startNs = cluster.nowNs();
        while (cluster.nowNs() - startNs < STEP_TIMEOUT_NS - ManualClockCluster.RETRY_INTERVAL_NS * 2)
        {
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
            assertEquals(ReformState.REFORMING, node(0).parts.reform.state(), "no failure before the timeout");
        }
        stepUntil(() -> node(0).parts.reform.state() == ReformState.FAILED, 200, "no step timeout");
        for (final int id : new int[]{0, 1})
        {
            final String failure = node(id).parts.reform.failure();
            assertEquals(ReformState.FAILED, node(id).parts.reform.state());
            assertTrue(failure.startsWith("reform into view 2 failed at step START: node(s) [2] did not answer " +
                "for 50 ms (the reform step timeout)"), failure);
            assertEquals(1, node(id).stats.get(StatCounter.REFORMS_FAILED));
            assertFalse(node(id).parts.services.gate().isOpen());
        }
        recoverByHand = true;
        source.publish(0b011, 1, 0);
        awaitRecovery();
        for (int i = 0; i < 10; i++)
        {
            cluster.deliverAll();
            cluster.advance(STEP_TIMEOUT_NS);
            assertEquals(ReformState.REFORMING, node(1).parts.reform.state(), "a busy member is waited for");
        }
        assertTrue(node(1).stats.get(StatCounter.REFORM_STEP_RESENDS) >= 10, "the busy member was asked again");
        replay(0);
        pendingRecovery.get(0).complete();
        settle();
        assertConsistent();
    }

    /** A starting cluster's first reform waits for a member started much later: no step timeout there. */
    @Test
    void shouldWaitInTheFirstReformForAMemberStartedLater()
    {
        source = new ManualMembershipSource(new MembershipView(1, 0b111, 0, 0));
        cluster = new ManualClockCluster(3, tempDir, (ctx) -> ctx.membershipSource(source)
            .reformStepTimeoutNs(STEP_TIMEOUT_NS));
        cluster.kill(2);
        for (int i = 0; i < 20; i++)
        {
            cluster.deliverAll();
            cluster.advance(STEP_TIMEOUT_NS);
            assertEquals(ReformState.REFORMING, node(0).parts.reform.state(), "still waiting");
        }
        cluster.restart(2);
        settle();
        assertEquals(1, node(2).parts.services.epoch());
    }

    @Test
    void shouldEndTwoOverlappingReformsInTheNewerView()
    {
        start(4, false);
        traffic(new Random(4), 200);
        cluster.kill(3);
        source.publish(0b0111, 0, 0);
        for (int i = 0; i < 15 && !cluster.network.isEmpty(); i++)
        {
            cluster.deliver(cluster.network.get(0));
        }
        cluster.kill(2);
        source.publish(0b0011, 0, 0);
        settle();
        replay(0);
        assertConsistent();
        assertEquals(3, node(1).parts.services.epoch());
    }

    @Test
    void shouldReformUnderMessageLossDuplicationAndReordering()
    {
        start(3, false);
        final Random random = new Random(5);
        traffic(random, 200);
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        settleLossy(random);
        settle();
        replay(0);
        assertConsistent();
        assertTrue(node(0).stats.get(StatCounter.REFORM_RESENDS) > 0, "lost reform messages were resent");
    }

    /** Deliver, drop, repeat and reorder messages at random until the reform ends, then heal the network. */
    private void settleLossy(final Random random)
    {
        lossy(random, 20_000);
        settle();
    }

    /** Deliver, drop, repeat and reorder for at most {@code rounds} packets or clock steps, or until settled. */
    private void lossy(final Random random, final int rounds)
    {
        for (int i = 0; i < rounds && !settled(); i++)
        {
            if (cluster.network.isEmpty() || random.nextInt(10) == 0)
            {
                cluster.advance(ManualClockCluster.STEP_NS);
                continue;
            }
            final Packet packet = cluster.network.get(random.nextInt(cluster.network.size()));
            final int fate = random.nextInt(100);
            if (fate < 15)
            {
                cluster.drop(packet);
            }
            else
            {
                cluster.deliver(packet);
                if (fate < 30)
                {
                    cluster.network.add(packet);
                }
            }
        }
    }

    @Test
    void shouldStayCoherentThroughRandomKillsAndJoins()
    {
        for (final long seed : new long[]{11, 12, 13})
        {
            try
            {
                randomKillsAndJoins(seed, false);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("seed=" + seed + ": " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * As {@link #shouldStayCoherentThroughRandomKillsAndJoins}, but closer to a database: checkpoints among the
     * traffic, the survivors reading what they hold while the reform runs, and a recovery that replays only what
     * the killed incarnations' WAL has (their last change of each page, applied where the image the recoverer gets
     * is older), not every acknowledged change: an image older than a survivor's that recovery got (from disk, or
     * an older earlier dirty copy) is then seen, and so is an image going back on any node.
     */
    @Test
    void shouldKeepEveryNewestImageThroughRandomKillsReplayingOnlyTheDeadWal()
    {
        walReplaySeeds(FIRST_SEED, SEEDS);
    }

    /**
     * The range whose seed 1036 showed the stale read (an edp ship to the node that asked, repeated, gave its mode
     * up), run in one JVM as when it was found. Incarnations come from the wall clock, so this range is not sure to
     * take that path again; {@link #shouldKeepTheModeAnEarlierDirtyCopyShippedToItselfGaveThroughARepeatedForward}
     * is the exact test.
     */
    @Test
    void shouldKeepEveryNewestImageThroughSeeds1001To1036()
    {
        walReplaySeeds(1001, 36);
    }

    private void walReplaySeeds(final long first, final int count)
    {
        final List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + count; seed++)
        {
            try
            {
                randomKillsAndJoins(seed, true);
            }
            catch (final AssertionError ex)
            {
                failures.add("seed=" + seed + ": " + ex.getMessage() + " events:" + events);
                cluster.dumpTrace("seed-" + seed);
                System.out.println("WALREPLAY seed=" + seed + ": " + ex.getMessage() + " events:" + events);
            }
            finally
            {
                recoverByHand = false;
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " seeds failed:\n" + String.join("\n", failures));
    }

    /**
     * Six random events on a fresh 3-node cluster, each after traffic: a live node killed (while another member is
     * left) or a dead one restarted, then the view without it or with it again, reformed over a lossy network.
     *
     * @param walReplay checkpoints in the traffic, reads during the reform, and a recovery of the dead WAL only
     *                  ({@link #replayDeadWal}), rather than of every acknowledged change after the reform.
     */
    private void randomKillsAndJoins(final long seed, final boolean walReplay)
    {
        final Random random = new Random(seed);
        final File dir = new File(tempDir, (walReplay ? "wal-seed-" : "seed-") + seed);
        assertTrue(dir.mkdirs());
        final File saved = tempDir;
        tempDir = dir;
        if (cluster != null)
        {
            cluster.close();
        }
        java.util.Arrays.fill(expected, 0);
        pendingRecovery.clear();
        events.setLength(0);
        recoverByHand = walReplay;
        start(3, random.nextBoolean());
        tempDir = saved;
        for (int event = 0; event < 6; event++)
        {
            if (walReplay)
            {
                trafficWithCheckpoints(random, 60);
            }
            else
            {
                traffic(random, 60);
            }
            if (walReplay)
            {
                issue(random, 6);
            }
            final int id = random.nextInt(3);
            long members = source.current().members();
            if (cluster.dead[id])
            {
                cluster.restart(id);
                members |= 1L << id;
            }
            else if (Long.bitCount(members) > 1)
            {
                cluster.kill(id);
                for (int p = 0; p < PAGES; p++)
                {
                    deadWal[p] = Math.max(deadWal[p], wal[id][p]);
                }
                members &= ~(1L << id);
            }
            java.util.Arrays.fill(wal[id], 0);
            events.append(" [").append(cluster.dead[id] ? "kill " : "restart ").append(id).append(" expected0=")
                .append(expected[0]).append(" deadWal0=").append(deadWal[0]).append(" before: ")
                .append(System.getProperty("dms.walReplayTrace") != null ? cluster.describe(pages[0]) : "").append(']');
            // the reformer is a member that served the view before, never the node just restarted
            final long others = members & ~(1L << id);
            final int reformer = Long.numberOfTrailingZeros(others != 0 ? others : members);
            source.publish(members, reformer, reformer);
            cluster.trace("view " + source.current() + (cluster.dead[id] ? " after killing node" :
                " after restarting node") + id);
            if (walReplay)
            {
                settleRecovering(random, reformer);
                if (System.getProperty("dms.walReplayTrace") != null)
                {
                    events.append(" [after: ").append(cluster.describe(pages[0])).append(howGot(0)).append(']');
                }
            }
            else
            {
                settleLossy(random);
                replay(reformer);
            }
            assertConsistent();
        }
    }

    private static final long FIRST_SEED = Long.getLong("dms.walReplayFirstSeed", 1);
    private static final int SEEDS = Integer.getInteger("dms.walReplaySeeds", 40);

    /** {@link #traffic}, with a checkpoint (S, write if dirty, clean the earlier dirty copies) one time in five. */
    private void trafficWithCheckpoints(final Random random, final int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            final List<Node> live = cluster.liveNodes();
            final Node n = live.get(random.nextInt(live.size()));
            if (!source.current().isMember(n.id))
            {
                continue;
            }
            final int p = random.nextInt(PAGES);
            final int dice = random.nextInt(5);
            if (dice == 0)
            {
                checkpoint(n.id, p);
            }
            else
            {
                use(n.id, p, dice < 3 ? LockMode.X : LockMode.S);
            }
        }
    }

    private void checkpoint(final int id, final int p)
    {
        for (int i = 0; !node(id).tryLatch(pages[p], LockMode.S); i++)
        {
            assertTrue(i < 2_000, () -> "checkpoint never gets page " + pages[p] + ": " + cluster.describe(pages[p]));
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        final Node n = node(id);
        assertEquals(expected[p], n.store.counter(pages[p]), () -> "stale image checkpointed on node " + id);
        if (n.store.isDirty(pages[p]))
        {
            n.store.write(pages[p]);
        }
        final long lsn = n.store.pageLsn(pages[p]);
        if (cluster.disk.lsn(pages[p]) >= lsn)
        {
            final NodeServices services = n.parts.services;
            services.commands().offer(() -> services.proxy().cleanEdp(services.masterOf(pages[p]), pages[p], lsn));
        }
        n.unlatch(pages[p]);
    }

    /**
     * Run the reform with a lossy network; the survivors read, now and then, the pages they can latch at once;
     * when the recoverer is asked to recover, replay the dead WAL through recovery-only access and complete.
     */
    private void settleRecovering(final Random random, final int recoverer)
    {
        for (int i = 0; i < 200 && !settled(); i++)
        {
            if (!pendingRecovery.isEmpty())
            {
                events.append(" [recover on ").append(recoverer).append(" of ").append(recoveries.get(recoveries.size() - 1))
                    .append(" page0 image=").append(node(recoverer).store.counter(pages[0])).append(']');
                replayDeadWal(recoverer);
                pendingRecovery.forEach(ReformHandler.Completion::complete);
                pendingRecovery.clear();
            }
            readHeld(random);
            retryIssued();
            lossy(random, 100);
        }
        settle();
        assertTrue(pendingRecovery.isEmpty(), "a recovery was left pending");
        for (int i = 0; !issued.isEmpty(); i++)
        {
            final int round = i;
            assertTrue(round < 2_000, () -> "requests out at the kill never served: " + issued + states());
            retryIssued();
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
    }

    private String howGot(final int p)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Node n : cluster.liveNodes())
        {
            final LocalPage lp = n.parts.pages.get(pages[p]);
            sb.append(" node").append(n.id).append('=').append(lp == null ? null : lp.lastResult).append('/')
                .append(n.store.counter(pages[p])).append("@lsn").append(n.store.pageLsn(pages[p]));
        }
        return sb.toString();
    }

    /** What the random simulation did, for its failure message. */
    private final StringBuilder events = new StringBuilder();

    /** Acquires issued by the application and not yet latched: node, page index, mode (0 S, 1 X). */
    private final List<int[]> issued = new ArrayList<>();

    /**
     * Acquires by live members that are not waited for: some are out when a node is killed, and are served (and
     * checked, as every latch is) whenever they can be, during the reform or after it.
     */
    private void issue(final Random random, final int count)
    {
        issued.clear();
        for (int i = 0; i < count; i++)
        {
            final List<Node> live = cluster.liveNodes();
            final Node n = live.get(random.nextInt(live.size()));
            if (source.current().isMember(n.id))
            {
                issued.add(new int[]{n.id, random.nextInt(PAGES), random.nextBoolean() ? 1 : 0});
            }
        }
        retryIssued();
        cluster.deliverAll();
    }

    /** Try every acquire still out once; latched: checked and written as {@link #use} does. */
    private void retryIssued()
    {
        for (int i = issued.size() - 1; i >= 0; i--)
        {
            final int[] acquire = issued.get(i);
            final LockMode mode = acquire[2] == 1 ? LockMode.X : LockMode.S;
            if (cluster.dead[acquire[0]] || !source.current().isMember(acquire[0]))
            {
                issued.remove(i);
            }
            else if (node(acquire[0]).tryLatch(pages[acquire[1]], mode))
            {
                issued.remove(i);
                write(acquire[0], acquire[1], mode);
            }
        }
    }

    /** A read on a live member of a page it can latch at once: its image must not have gone back. */
    private void readHeld(final Random random)
    {
        final List<Node> live = cluster.liveNodes();
        final Node n = live.get(random.nextInt(live.size()));
        final int p = random.nextInt(PAGES);
        final LocalPage lp = n.parts.pages.get(pages[p]);
        if (lp == null || !source.current().isMember(n.id))
        {
            return;
        }
        final boolean latched;
        synchronized (lp)
        {
            latched = lp.canLatch(LockMode.S) && (lp.recoveryEpoch != n.parts.services.epoch() ||
                n.parts.services.gate().isOpen()) && !lp.needLoad;
        }
        if (latched && n.tryLatch(pages[p], LockMode.S))
        {
            final long value = n.store.counter(pages[p]);
            final long before = seen[n.id][p];
            n.unlatch(pages[p]);
            assertTrue(value >= before, () -> "image went back on node " + n.id + " during a reform: " + value +
                " after " + before + ", " + cluster.describe(pages[p]));
            assertTrue(value <= expected[p], () -> "image newer than every change on node " + n.id);
            seen[n.id][p] = value;
        }
    }

    /**
     * The database's recovery: for every page a killed incarnation changed, take it in X for recovery and apply
     * that incarnation's last image if the one got is older, as WAL redo does; the recoverer's WAL then has it.
     */
    private void replayDeadWal(final int recoverer)
    {
        for (int p = 0; p < PAGES; p++)
        {
            if (deadWal[p] == 0)
            {
                continue;
            }
            recoverPage(recoverer, p, deadWal[p]);
            wal[recoverer][p] = Math.max(wal[recoverer][p], deadWal[p]);
        }
        java.util.Arrays.fill(deadWal, 0);
    }

    /**
     * Masters keep tombstones by node and serial: a node restarted at once must not reuse a serial of its dead
     * incarnation's, however many it drew, or its requests are dropped as served already, for ever (serials from
     * the milliseconds reused them after 1000 a millisecond: requests never answered in the random simulation, once
     * its JVM ran fast enough).
     */
    @Test
    void shouldGiveARestartedNodeSerialsItsDeadIncarnationNeverUsed()
    {
        start(3, false);
        long last = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            last = node(2).parts.services.nextSerial();
        }
        cluster.kill(2);
        cluster.restart(2);
        final long first = node(2).parts.services.nextSerial();
        final long dead = last;
        assertTrue(first > dead, () -> "restarted node 2 reuses serials: first " + first + ", dead one's last " + dead);
    }

    @Test
    void shouldRejoinARestartedNodeDuringTraffic()
    {
        start(3, false);
        final Random random = new Random(6);
        traffic(random, 200);
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        settle();
        replay(0);
        traffic(random, 100);
        cluster.restart(2);
        source.publish(0b111, 0, 0);
        // the members keep using the pages they hold while the joiner is reformed in
        for (int i = 0; i < 200 && !settled(); i++)
        {
            traffic(random, 1);
            cluster.advance(ManualClockCluster.STEP_NS);
        }
        settle();
        assertEquals(1, node(2).stats.get(StatCounter.REFORMS_JOIN));
        traffic(random, 200);
        assertConsistent();
        for (int id = 0; id < 3; id++)
        {
            assertEquals(0, node(id).stats.get(StatCounter.REFUSED_PEER_MESSAGES), "node " + id + " refused the " +
                "joiner, though it first heard of its new incarnation after the join reform");
        }
        assertTrue(node(2).parts.services.partitionMap().partitionsOf(2) > 0, "the joiner masters partitions");
    }

    /**
     * A member that hears nothing of a restarted node's new incarnation during its join reform (the joiner holds
     * nothing, so it sends that member no rebuild batch) must still take it once the join is done: the reform that
     * removed its dead incarnation cleaned everything this member knew of it.
     */
    @Test
    void shouldTakeARejoinedNodeFirstHeardOfAfterItsJoinReform()
    {
        start(3, true);
        traffic(new Random(12), 100);
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        settle();
        replay(0);
        cluster.restart(2);
        source.publish(0b111, 0, 0);
        settle();
        assertEquals(0, node(1).stats.get(StatCounter.PEER_RESTARTS), "node 1 heard nothing of the joiner yet");
        use(2, 0, LockMode.X);
        use(1, 0, LockMode.S);
        assertEquals(1, node(1).stats.get(StatCounter.PEER_RESTARTS), "the joiner shipped node 1 the page");
        assertEquals(0, node(1).stats.get(StatCounter.REFUSED_PEER_MESSAGES));
        assertConsistent();
    }

    /**
     * A node killed and restarted before the reform that removes it is done: the next view has it again, with a new
     * incarnation, so the reform from the view served has nobody removed; still the dead incarnation's changes must
     * be recovered (the cluster manager's intermediate view may not even have been seen).
     */
    @Test
    void shouldRecoverANodeRestartedBeforeTheReformThatRemovedItEnded()
    {
        start(3, false);
        use(2, 0, LockMode.X);
        use(2, 1, LockMode.X);
        restartBeforeTheReformRemovingItEnds(2, 0b111, 0, 0);
        replay(0);
        assertConsistent();
        traffic(new Random(13), 100);
        assertConsistent();
        for (int id = 0; id < 3; id++)
        {
            assertEquals(0, node(id).stats.get(StatCounter.REFUSED_PEER_MESSAGES), "node " + id + " refused it");
        }

        // a reformer that has served no view knows nothing of the cluster: the reform fails, saying so
        cluster.kill(1);
        cluster.restart(1);
        source.publish(0b111, 1, 1);
        stepUntil(() -> node(0).parts.reform.state() == ReformState.FAILED, 2_000, "no failure");
        assertTrue(node(0).parts.reform.failure().startsWith("reform into view 4 failed at step START: the " +
            "reformer, node 1, has served no view, but node "), node(0).parts.reform.failure());
    }

    @Test
    void shouldSwitchOverThePrimaryWithoutLosingAPage()
    {
        start(3, true);
        traffic(new Random(7), 200);
        assertTrue(source.requestSwitchover(2));
        settle();
        assertEquals(2, node(0).parts.reform.served().primary());
        assertEquals(1, node(1).stats.get(StatCounter.REFORMS_SWITCHOVER));
        assertEquals(PartitionMap.PARTITION_COUNT, node(0).parts.services.partitionMap().partitionsOf(2));
        assertTrue(recoveries.isEmpty(), "a switchover replays nothing");
        assertConsistent();
    }

    @Test
    void shouldStopANodeKickedOutOfTheCluster()
    {
        start(3, false);
        traffic(new Random(8), 100);
        source.publish(0b011, 0, 0);
        cluster.cycle();
        final DmsException ex = assertThrows(DmsException.class, () -> node(2).parts.services.checkOpen());
        assertEquals(DmsErrorCode.KICKED_OUT, ex.errorCode());
        assertTrue(ex.getMessage().startsWith("node was kicked out of the cluster (version 2)"), ex.getMessage());
        assertEquals(ReformState.STOPPED, node(2).parts.reform.state());
        cluster.kill(2);
        settle();
        replay(0);
        assertConsistent();
    }

    @Test
    void shouldRebuildThousandsOfPagesInChunksAndAcknowledgedBatches()
    {
        start(3, false);
        final int count = 3_000;
        holdInX(1, 50_000, count);
        final long cyclesBefore = node(1).stats.get(StatCounter.DUTY_CYCLES);
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        settle();
        long rebuilt = 0;
        for (final Node n : cluster.liveNodes())
        {
            rebuilt += n.stats.get(StatCounter.REBUILT_PAGES);
        }
        assertEquals(count, rebuilt, "every page held is rebuilt once, at its new master");
        assertTrue(node(1).stats.get(StatCounter.DUTY_CYCLES) - cyclesBefore >= count / 256,
            "the scan is chunked over duty cycles");
        for (long page = 50_000; page < 50_000 + count; page += 97)
        {
            cluster.assertDirectoryMatchesNodes(page);
            assertEquals(LockMode.X, node(1).mode(page));
        }
    }

    @Test
    void shouldKeepAWindowOfRebuildBatchesPerMasterOnTheWireAndBackOffTheirResends()
    {
        // a master slow to acknowledge used to receive every batch at once, each again every retry interval
        start(3, false);
        final int count = 60_000;
        holdInX(1, 50_000, count);
        final Predicate<Packet> toMaster0 = removeNode2UntilNode1RebuildsToMaster0();
        final long resendsBefore = node(1).stats.get(StatCounter.REBUILD_BATCH_RESENDS);
        final long heldNs = 10 * ManualClockCluster.RETRY_INTERVAL_NS;
        advanceHolding(toMaster0, heldNs);
        final List<Packet> held = cluster.network.stream().filter(toMaster0).toList();
        final long batches = held.stream().mapToLong(p -> p.view.serial()).distinct().count();
        assertEquals(DrcRebuild.WINDOW, batches, "a full window of batches for master 0, no more, while none is acked");
        final long resends = node(1).stats.get(StatCounter.REBUILD_BATCH_RESENDS) - resendsBefore;
        assertEquals(held.size() - batches, resends, "every extra copy on the wire is a counted resend");
        assertTrue(resends <= 3 * batches, "resends back off (sent at 0, 1, 3 and 7 retry intervals), not one per " +
            "interval for each of " + batches + " batches: " + resends);

        settle();
        long rebuilt = 0;
        for (final Node n : cluster.liveNodes())
        {
            rebuilt += n.stats.get(StatCounter.REBUILT_PAGES);
        }
        assertEquals(count, rebuilt, "every page held is rebuilt once, at its new master");
        for (long page = 50_000; page < 50_000 + count; page += 997)
        {
            cluster.assertDirectoryMatchesNodes(page);
        }
    }

    @Test
    void shouldNotResendRebuildBatchesToAMasterThatKeepsAcknowledging()
    {
        // a master busy with its own scan acknowledged steadily but each batch later than the retry interval after
        // its send: every batch of the window was resent, and the copies filled the stream the originals were in
        final int count = 90_000;
        final Predicate<Packet> toMaster0 = failOverToRebuildOf(count);
        final long resendsBefore = node(1).stats.get(StatCounter.REBUILD_BATCH_RESENDS);
        int delivered = 0;
        for (Packet next; (next = cluster.network.stream().filter(toMaster0).findFirst().orElse(null)) != null; )
        {
            assertTrue(delivered++ < 1_000, () -> "the rebuild to master 0 never ends: " + states());
            cluster.deliver(next);
            deliverAllBut(toMaster0);
            cluster.advance(ManualClockCluster.RETRY_INTERVAL_NS / 2);
        }
        assertTrue(delivered > DrcRebuild.WINDOW, "more batches than a window: " + delivered);
        assertEquals(0, node(1).stats.get(StatCounter.REBUILD_BATCH_RESENDS) - resendsBefore,
            "a master that acknowledges every half retry interval gets no copies");
        settle();
        assertEquals(count, rebuiltPages(), "every page held is rebuilt once, at its new master");
    }

    @Test
    void shouldResendALostRebuildBatchOnceALaterOneIsAcknowledged()
    {
        final int count = 30_000;
        final Predicate<Packet> toMaster0 = failOverToRebuildOf(count);
        final List<Packet> window = cluster.network.stream().filter(toMaster0).toList();
        assertTrue(window.size() >= 2, "two batches on the wire: " + window.size());
        final long lost = window.get(0).view.serial();
        cluster.drop(window.get(0));
        cluster.deliver(window.get(1));
        // the clock stands still: no retry interval passed, but master 0 acknowledged a batch sent after the lost one
        deliverAllBut(toMaster0);
        assertTrue(cluster.network.stream().filter(toMaster0).anyMatch(p -> p.view.serial() == lost),
            "the lost batch is sent again as soon as a later one is acknowledged");
        settle();
        assertEquals(count, rebuiltPages(), "every page held is rebuilt once, at its new master");
        for (long page = 50_000; page < 50_000 + count; page += 997)
        {
            cluster.assertDirectoryMatchesNodes(page);
        }
    }

    @Test
    void shouldTimeEachReformStepsBarrierAndCountStepAndBatchResendsApart()
    {
        start(3, false);
        holdInX(1, 50_000, 3_000);
        final StatsReader.Snapshot joined = published(0);
        final long batchResendsBefore = published(1).counter(StatCounter.REBUILD_BATCH_RESENDS);
        final Predicate<Packet> toMaster0 = removeNode2UntilNode1RebuildsToMaster0();
        final long heldNs = 10 * ManualClockCluster.RETRY_INTERVAL_NS;
        advanceHolding(toMaster0, heldNs);
        final long copies = cluster.network.stream().filter(toMaster0).count();
        final long batches = cluster.network.stream().filter(toMaster0).mapToLong(p -> p.view.serial()).distinct()
            .count();
        settle();
        final StatsReader.Snapshot reformer = published(0);
        final StatsReader.Snapshot member = published(1);

        // node 1 resent the batches master 0 held; node 0, the reformer, resent REBUILD to node 1 meanwhile
        assertEquals(copies - batches, member.counter(StatCounter.REBUILD_BATCH_RESENDS) - batchResendsBefore,
            "every extra copy on the wire is a batch resend");
        assertTrue(copies > batches, "batches were resent: " + copies + " copies of " + batches);
        assertEquals(0, member.counter(StatCounter.REFORM_STEP_RESENDS), "node 1 drives no reform");
        assertEquals(0, reformer.counter(StatCounter.REBUILD_BATCH_RESENDS), "node 0's batches were acknowledged");
        final long stepResends = reformer.counter(StatCounter.REFORM_STEP_RESENDS) -
            joined.counter(StatCounter.REFORM_STEP_RESENDS);
        assertTrue(stepResends >= heldNs / ManualClockCluster.RETRY_INTERVAL_NS / 2, "REBUILD resent to node 1 " +
            "while it waited for master 0: " + stepResends);
        for (final StatsReader.Snapshot s : new StatsReader.Snapshot[]{reformer, member})
        {
            assertEquals(s.counter(StatCounter.REFORM_STEP_RESENDS) + s.counter(StatCounter.REBUILD_BATCH_RESENDS),
                s.counter(StatCounter.REFORM_RESENDS), "counter 47 stays their total");
        }

        // a JOIN, then a NORMAL reform that recovers node 2: every step of both timed once each, on the reformer
        long steps = 0;
        for (final StatEvent event : StatEvent.values())
        {
            if (event.reformStep() != null)
            {
                final ReformStep step = ReformStep.valueOf(event.reformStep());
                final int expected = step == ReformStep.RECOVERY ? 1 :
                    step == ReformStep.DEMOTE || step == ReformStep.PROMOTE || step == ReformStep.FAILED ? 0 : 2;
                assertEquals(expected, reformer.event(event).count(), event.label());
                assertEquals(0, member.event(event).count(), "node 1 is not the reformer: " + event.label());
                steps += reformer.event(event).count();
            }
        }
        assertEquals(17, steps);
        assertEquals(steps, reformer.event(StatEvent.REFORM_STEP).count(), "the histogram of all steps has each");

        // the hold is in REBUILD's barrier, and only there
        final StatsReader.EventSummary rebuild = reformer.event(StatEvent.REFORM_STEP_REBUILD);
        assertTrue(rebuild.max() >= heldNs, "REBUILD waited for the held batches: " + rebuild);
        assertTrue(rebuild.min() < heldNs / 2, "the JOIN's REBUILD had nothing held: " + rebuild);
        for (final ReformStep step : List.of(ReformStep.START, ReformStep.DRC_INACCESS, ReformStep.DRC_CLEAN,
            ReformStep.REMASTER, ReformStep.DRC_ACCESS, ReformStep.RECOVERY, ReformStep.PAGE_ACCESS, ReformStep.DONE))
        {
            final StatsReader.EventSummary other = reformer.event(step.barrierEvent());
            assertTrue(other.max() < heldNs / 2, step + " held nothing: " + other);
        }
    }

    /**
     * Node 1 holds {@code count} pages in X from page 50 000; node 2 dies and the view {0, 1} is published; run the
     * reform on until node 1 has a rebuild batch to master 0 on the wire.
     *
     * @return what matches node 1's rebuild batches to master 0.
     */
    private Predicate<Packet> failOverToRebuildOf(final int count)
    {
        start(3, false);
        holdInX(1, 50_000, count);
        return removeNode2UntilNode1RebuildsToMaster0();
    }

    /**
     * Kill node 2 and reform without it, delivering everything until node 1 sends master 0 a rebuild batch.
     *
     * @return which packets are those batches.
     */
    private Predicate<Packet> removeNode2UntilNode1RebuildsToMaster0()
    {
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        final Predicate<Packet> toMaster0 = p -> p.type == MessageType.REBUILD && p.from == 1 && p.to == 0;
        for (int round = 0; cluster.inFlight(MessageType.REBUILD).stream().noneMatch(toMaster0); round++)
        {
            assertTrue(round < 1_000, () -> "node 1 never sends its rebuild: " + states());
            deliverAllBut(toMaster0);
            cluster.advance(ManualClockCluster.STEP_NS);
        }
        return toMaster0;
    }

    /** Step the clock for {@code heldNs}, delivering everything but what {@code held} holds back. */
    private void advanceHolding(final Predicate<Packet> held, final long heldNs)
    {
        for (long t = 0; t < heldNs; t += ManualClockCluster.STEP_NS)
        {
            deliverAllBut(held);
            cluster.advance(ManualClockCluster.STEP_NS);
        }
    }

    private long rebuiltPages()
    {
        long rebuilt = 0;
        for (final Node n : cluster.liveNodes())
        {
            rebuilt += n.stats.get(StatCounter.REBUILT_PAGES);
        }
        return rebuilt;
    }

    /** Node {@code id}'s statistics as {@code dmscmd stat} reads them, published now. */
    private StatsReader.Snapshot published(final int id)
    {
        node(id).stats.publish();
        return StatsReader.read(node(id).stats.buffer(), "node " + id);
    }

    /** Deliver everything in flight but what {@code held} holds back, and what deliveries send, until only that is left. */
    private void deliverAllBut(final Predicate<Packet> held)
    {
        for (List<Packet> ready; !(ready = cluster.network.stream().filter(held.negate()).toList()).isEmpty(); )
        {
            ready.forEach(cluster::deliver);
        }
    }

    /** {@code count} pages from {@code first} taken in X and written on node {@code id}, the network drained. */
    private void holdInX(final int id, final long first, final int count)
    {
        for (long page = first; page < first + count; page++)
        {
            final long pageId = page;
            for (int i = 0; !node(id).tryLatch(pageId, LockMode.X); i++)
            {
                assertTrue(i < 100, () -> cluster.describe(pageId));
                cluster.cycle();
                cluster.deliverAll();
            }
            node(id).store.increment(pageId);
            node(id).unlatch(pageId);
        }
        cluster.deliverAll();
    }

    @Test
    void shouldRebuildGlobalLocksAndRefuseASecondXHolder()
    {
        start(2, false);
        final LockMaster master = node(0).parts.lockMaster;
        assertNull(master.rebuild(1, 7, 100, LockMode.S));
        assertNull(master.rebuild(1, 7, 100, LockMode.S), "a repeated report changes nothing");
        assertNull(master.rebuild(0, 7, 200, LockMode.S));
        assertEquals(2, master.resource(7).holders.size());
        assertNull(master.rebuild(0, 8, 300, LockMode.X));
        final String conflict = master.rebuild(1, 8, 400, LockMode.X);
        assertTrue(conflict != null && conflict.contains("resourceId=8"), String.valueOf(conflict));
    }

    @Test
    void shouldFailTheReformLoudlyOnASecondWriter()
    {
        start(2, false);
        use(0, 0, LockMode.X);
        // break the one-writer rule behind DMS's back: the rebuild must refuse it
        final LocalPage lp = node(1).parts.pages.computeIfAbsent(pages[0], LocalPage::new);
        synchronized (lp)
        {
            lp.mode = LockMode.X;
        }
        source.publish(0b11, 1, 1);
        for (int i = 0; i < 2_000 && node(0).parts.reform.state() != ReformState.FAILED; i++)
        {
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.STEP_NS * 4);
        }
        assertEquals(ReformState.FAILED, node(0).parts.reform.state());
        assertTrue(node(0).parts.reform.failure().contains("two holders of a page in X"),
            node(0).parts.reform.failure());
        assertEquals(1, node(0).stats.get(StatCounter.REFORMS_FAILED));
        assertFalse(node(0).parts.services.gate().isOpen());
    }

    /**
     * Defect A (seed 32262141335095 of the kill/join simulation): a master whose conversion of the old epoch waits
     * for a claim re-drives it after DRC_INACCESS, and the re-drive goes out stamped with the new epoch, so its
     * owner, already in the new epoch too, ships the page after the freeze: holdings changed behind the rebuild,
     * which then listed neither the ship nor the copy. A closed gate re-drives nothing, and drops what would move a
     * holding.
     */
    @Test
    void shouldNotReDriveAConversionOfTheOldEpochAfterDrcInaccess()
    {
        start(4, true);
        use(2, 0, LockMode.X);
        assertFalse(node(1).tryLatch(pages[0], LockMode.X));
        deliverUntilInFlight(MessageType.ASK_OWNER);
        // the forward is lost: the master (node 0) waits for a claim and would re-drive it
        cluster.drop(cluster.inFlight(MessageType.ASK_OWNER).get(0));
        cluster.kill(3);
        source.publish(0b0111, 0, 0);
        for (int round = 0; !allInEpoch(2, 0, 1, 2); round++)
        {
            assertTrue(round < 2_000, () -> "the members never reach DRC_INACCESS: " + states());
            final Packet next = nextHoldingBackDrcInaccessAcks();
            if (next == null)
            {
                cluster.advance(ManualClockCluster.STEP_NS);
            }
            else
            {
                cluster.deliver(next);
            }
        }
        // every member is past DRC_INACCESS and none past DRC_CLEAN: the old directory is still there
        assertNotNull(node(0).parts.drc.entry(pages[0]).converting, () -> cluster.describe(pages[0]));
        cluster.advance(ManualClockCluster.REDRIVE_INTERVAL_NS * 3);
        assertTrue(cluster.inFlight(MessageType.ASK_OWNER).isEmpty(), () -> "an old conversion went out under " +
            "the new epoch: " + cluster.network);
        assertEquals(LockMode.X, node(2).mode(pages[0]), "holdings are frozen");
        assertEquals(LockMode.NULL, node(1).mode(pages[0]), "holdings are frozen");
        settle();
        assertConsistent();
    }

    /** Deliver in order, one message at a time, until one of {@code type} is in flight (not delivered). */
    private void deliverUntilInFlight(final MessageType type)
    {
        for (int round = 0; cluster.inFlight(type).isEmpty(); round++)
        {
            assertTrue(round < 1_000, () -> "no " + type + " ever sent: " + cluster.network + states());
            if (cluster.network.isEmpty())
            {
                cluster.advance(ManualClockCluster.STEP_NS);
            }
            else
            {
                cluster.deliver(cluster.network.get(0));
            }
        }
    }

    private boolean allInEpoch(final int epoch, final int... ids)
    {
        for (final int id : ids)
        {
            if (node(id).parts.services.epoch() != epoch)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The first message in flight, but an acknowledgement of DRC_INACCESS (held back, so that the reformer stays at
     * that step) or a page forward or ship (lost, so that the conversion stays open); null if none.
     */
    private Packet nextHoldingBackDrcInaccessAcks()
    {
        for (final Packet p : new ArrayList<>(cluster.network))
        {
            if (p.type == MessageType.ASK_OWNER || p.type == MessageType.PAGE_READY)
            {
                cluster.drop(p);
            }
            else if (p.type != MessageType.REFORM_ACK || p.view.serial() != ReformStep.DRC_INACCESS.code())
            {
                return p;
            }
        }
        return null;
    }

    /**
     * Defect B (seed 1036 of the walReplay simulation): after a reform left a page with no owner and an earlier
     * dirty copy newer than disk, the copy's holder asked for X and the master forwarded to the holder itself
     * (EDP_SHIP); a repeat of that forward (a duplicate, or a re-drive after a lost claim) made it ship again, and
     * an edp ship gives the mode up. The master took it for the X owner of a page it no longer held, and the next
     * request was granted from disk, older than what that node had read. A forward of the conversion that gave the
     * node its mode is a repeat: it claims again, and keeps the mode.
     */
    @Test
    void shouldKeepTheModeAnEarlierDirtyCopyShippedToItselfGaveThroughARepeatedForward()
    {
        start(3, true);
        use(2, 0, LockMode.X);
        assertTrue(node(2).store.isDirty(pages[0]), "the image is newer than disk");
        assertFalse(node(1).tryLatch(pages[0], LockMode.X));
        deliverUntilInFlight(MessageType.PAGE_READY);
        // the ship is lost, and its receiver killed: node 2 keeps the newest image as an earlier dirty copy
        cluster.drop(cluster.inFlight(MessageType.PAGE_READY).get(0));
        cluster.kill(1);
        source.publish(0b101, 0, 0);
        settle();
        final DrcPage entry = node(0).parts.drc.entry(pages[0]);
        assertTrue(entry.owner == MessageDescriptor.NO_NODE && entry.edpMap == 0b100,
            () -> "no owner, node 2's earlier dirty copy: " + cluster.describe(pages[0]));

        assertFalse(node(2).tryLatch(pages[0], LockMode.X));
        deliverUntilInFlight(MessageType.ASK_OWNER);
        final Packet forward = cluster.inFlight(MessageType.ASK_OWNER).get(0);
        assertTrue(forward.to == 2 && (forward.view.flags() & MessageDescriptor.FLAG_EDP_SHIP) != 0,
            forward::toString);
        cluster.deliverCopy(forward);
        assertEquals(LockMode.X, node(2).mode(pages[0]), () -> cluster.describe(pages[0]));
        cluster.deliver(forward);
        assertEquals(LockMode.X, node(2).mode(pages[0]), () -> "a repeated forward gave the mode up: " +
            cluster.describe(pages[0]));
        cluster.deliverAll();
        use(2, 0, LockMode.X);
        use(0, 0, LockMode.S);
        assertConsistent();
    }

    /**
     * The kill/join sweep's seeds 374, 408, 563, 1200, 1417, 1557, 1662, 1877, 1939, 2118, 2418, 2463, 2694, 2867
     * and 2967: a joiner gets through PAGE_ACCESS of its join reform, takes a page and writes it, and is killed
     * before the reform is DONE anywhere else (here node 1's acknowledgement of PAGE_ACCESS is lost). The next view
     * is the one served before the join again, so a plan from the view served found nobody removed, ran no RECOVERY,
     * and the joiner's change was lost: the next writer got the earlier dirty copy it had been shipped from. The
     * members tell the reformer at START who may have held pages since they last finished a reform.
     */
    @Test
    void shouldRecoverAJoinerThatWroteInAReformCutShortAfterPageAccess()
    {
        joinerWritesInAReformCutShortAfterPageAccess();
        assertEquals(3, node(0).parts.reform.target().version(), "the join reform is not done");
        assertEquals(2, node(0).parts.reform.served().version(), "the join reform is not done");
        recoveries.clear();
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        settle();
        assertFalse(recoveries.isEmpty(), "the joiner's WAL is replayed, though the view served never had it");
        assertEquals(0b100, recoveries.get(recoveries.size() - 1).removed());
        replay(0);
        assertConsistent();
    }

    /**
     * The case no member reports: view 3 removes node 2 (which never hears of it) and takes node 3 back; node 3
     * writes after PAGE_ACCESS, and before that reform ends every member of it dies. View 4 is node 2 alone, planned
     * from view 2, which never had node 3: only the gap in the versions node 2 saw (2, then 4) tells it that node 3
     * may have written, and its WAL must be replayed.
     */
    @Test
    void shouldRecoverEveryPossibleNodeWhenTheReformerMissedTheViewsBetween()
    {
        start(4, true);
        cluster.kill(3);
        source.publish(0b0111, 0, 0);
        settle();
        use(2, 1, LockMode.X);
        use(0, 0, LockMode.X);
        deaf = 0b0100;
        cluster.restart(3);
        source.publish(0b1011, 0, 0);
        final Predicate<Packet> pageAccessAckOfNode1 = (p) -> p.type == MessageType.REFORM_ACK &&
            p.from == 1 && p.view.serial() == ReformStep.PAGE_ACCESS.code();
        stepLosing(() -> node(3).parts.services.gate().stage() == AccessGate.Stage.OPEN, pageAccessAckOfNode1,
            "the joiner never opens its gate");
        stepLosing(() -> node(3).tryLatch(pages[0], LockMode.X), pageAccessAckOfNode1, "the joiner never gets X");
        write(3, 0, LockMode.X);
        assertEquals(2, node(2).parts.reform.latest().version(), "node 2 never heard of view 3");
        cluster.kill(0);
        cluster.kill(1);
        cluster.kill(3);
        recoveries.clear();
        deaf = 0;
        source.publish(0b0100, 2, 2);
        settle();

        assertFalse(recoveries.isEmpty(), "node 2 recovers the nodes of view 2 it is without, and node 3");
        assertEquals(0b1011, recoveries.get(recoveries.size() - 1).removed());
        replay(2);
        assertConsistent();
    }

    /**
     * As {@link #shouldRecoverAJoinerThatWroteInAReformCutShortAfterPageAccess}, but the joiner restarts instead of
     * leaving, and the next view has it again: it is in no view served, so only the members' reports at START say
     * that its dead incarnation may have written; its new one answers as never having opened access.
     */
    @Test
    void shouldRecoverAJoinerThatWroteInAReformCutShortAfterPageAccessThenRestarted()
    {
        joinerWritesInAReformCutShortAfterPageAccess();
        recoveries.clear();
        cluster.kill(2);
        cluster.restart(2);
        source.publish(0b111, 0, 0);
        settle();
        assertFalse(recoveries.isEmpty(), "the dead joiner's WAL is replayed, though the view served never had it");
        assertEquals(0b100, recoveries.get(recoveries.size() - 1).removed());
        replay(0);
        assertConsistent();
    }

    /**
     * The kill/join sweep's seed 1951: the reformer restarted and rejoined, and never heard from node 2 in the view
     * it served (node 2 sent it nothing: it masters nothing under the centralized map), so when node 2, which had
     * written a page in that view, was killed and restarted before the reform that removed it ended, the restarted
     * incarnation's START answer was not found newer than the one that served. A member of the view served that
     * answers as never having served a view nor opened access is a new incarnation: the one that served passed
     * DRC_ACCESS.
     */
    @Test
    void shouldRecoverAMemberRestartedThatTheReformerNeverHeardServing()
    {
        start(3, true);
        cluster.kill(0);
        source.publish(0b110, 1, 1);
        settle();
        cluster.restart(0);
        source.publish(0b111, 1, 1);
        settle();
        use(2, 0, LockMode.X);
        use(1, 0, LockMode.S);
        use(2, 0, LockMode.X);
        assertEquals(0, node(0).parts.reform.peers().newest(2), "the reformer-to-be never heard from node 2");
        recoveries.clear();
        restartBeforeTheReformRemovingItEnds(2, 0b111, 0, 1);
        replay(1);
        assertConsistent();
    }

    /**
     * Kill node {@code id}, publish the view without it and, before that reform can end, restart it and publish
     * {@code members} again; the reform from the view served must recover the dead incarnation's WAL.
     */
    private void restartBeforeTheReformRemovingItEnds(final int id, final long members, final int reformer,
        final int primary)
    {
        cluster.kill(id);
        source.publish(members & ~(1L << id), reformer, primary);
        cluster.cycle();
        cluster.restart(id);
        source.publish(members, reformer, primary);
        settle();
        assertFalse(recoveries.isEmpty(), "the dead incarnation's WAL is replayed");
        assertEquals(1L << id, recoveries.get(recoveries.size() - 1).removed());
    }

    /**
     * Node 2 killed and taken back (view 3); its join reform runs until it has opened its gate, but node 1's
     * acknowledgement of PAGE_ACCESS is lost, so that no member finishes the reform; node 2 takes page 0 in X
     * meanwhile and writes it.
     */
    private void joinerWritesInAReformCutShortAfterPageAccess()
    {
        start(3, true);
        use(0, 0, LockMode.X);
        cluster.kill(2);
        source.publish(0b011, 0, 0);
        settle();
        cluster.restart(2);
        source.publish(0b111, 0, 0);
        final java.util.function.Predicate<Packet> pageAccessAckOfNode1 = (p) -> p.type == MessageType.REFORM_ACK &&
            p.from == 1 && p.view.serial() == ReformStep.PAGE_ACCESS.code();
        stepLosing(() -> node(2).parts.services.gate().stage() == AccessGate.Stage.OPEN, pageAccessAckOfNode1,
            "the joiner never opens its gate");
        stepLosing(() -> node(2).tryLatch(pages[0], LockMode.X), pageAccessAckOfNode1, "the joiner never gets X");
        write(2, 0, LockMode.X);
    }

    /** Deliver in order, one message at a time, losing every one {@code lost} matches, until {@code done}. */
    private void stepLosing(final java.util.function.BooleanSupplier done,
        final java.util.function.Predicate<Packet> lost, final String failure)
    {
        for (int round = 0; !done.getAsBoolean(); round++)
        {
            assertTrue(round < 5_000, () -> failure + ": " + cluster.network + states());
            Packet next = null;
            for (final Packet p : new ArrayList<>(cluster.network))
            {
                if (lost.test(p))
                {
                    cluster.drop(p);
                }
                else if (next == null)
                {
                    next = p;
                }
            }
            if (next == null)
            {
                cluster.advance(ManualClockCluster.STEP_NS);
            }
            else
            {
                cluster.deliver(next);
            }
        }
    }
}
