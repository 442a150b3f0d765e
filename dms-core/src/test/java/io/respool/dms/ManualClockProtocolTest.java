package io.respool.dms;

import io.respool.common.ErrorCategory;
import io.respool.dms.ManualClockCluster.Node;
import io.respool.dms.ManualClockCluster.Packet;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.FixedMembershipSource;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.ManualMembershipSource;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformHandler;
import io.respool.dms.api.ReformInfo;
import io.respool.dms.stat.StatCounter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.respool.dms.ManualClockCluster.REDRIVE_INTERVAL_NS;
import static io.respool.dms.ManualClockCluster.RETRY_INTERVAL_NS;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The master's directory logic and the nodes around it, stepped by hand on one thread with a manual clock
 * (habit 13b): every message is held until the test delivers, drops or repeats it, and the one-writer rule is
 * checked on the nodes' real state after every step.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManualClockProtocolTest
{
    @TempDir
    File tempDir;

    @AutoClose
    private ManualClockCluster cluster;
    private long page;
    private long increments;

    private void start(final int nodes)
    {
        cluster = new ManualClockCluster(nodes, tempDir);
        page = cluster.pageMasteredBy(0, 100);
    }

    private Node node(final int id)
    {
        return cluster.node(id);
    }

    /** Deliver one message and check the one-writer rule. */
    private void deliver(final Packet packet)
    {
        cluster.deliver(packet);
        cluster.assertOneWriter(page);
    }

    private Packet only(final MessageType type)
    {
        final List<Packet> packets = cluster.inFlight(type);
        assertEquals(1, packets.size(), () -> "expected one " + type + " in flight: " + cluster.network);
        return packets.get(0);
    }

    private Packet only(final MessageType type, final int to)
    {
        final Packet packet = only(type);
        assertEquals(to, packet.to, () -> type + " to the wrong node: " + packet);
        return packet;
    }

    /** Latch in X, check the image is the newest, increment, unlatch. */
    private void write(final int id)
    {
        assertTrue(node(id).tryLatch(page, LockMode.X), () -> "node " + id + " cannot latch X: " +
            cluster.describe(page));
        assertEquals(increments, node(id).store.counter(page), "X holder must see the newest image");
        node(id).store.increment(page);
        increments++;
        node(id).unlatch(page);
    }

    /** Latch in S, check the image is the newest, unlatch. */
    private void read(final int id)
    {
        assertTrue(node(id).tryLatch(page, LockMode.S), () -> "node " + id + " cannot latch S: " +
            cluster.describe(page));
        assertEquals(increments, node(id).store.counter(page), "S holder must see the newest image");
        node(id).unlatch(page);
    }

    /** Ask for the page and let the request leave the node. */
    private void request(final int id, final LockMode mode)
    {
        assertFalse(node(id).tryLatch(page, mode), "expected a request, not a latch");
        cluster.cycle();
    }

    /** Take a page on a node, delivering whatever is in flight until it can be latched, and unlatch it. */
    private void take(final int id, final long pageId, final LockMode mode)
    {
        for (int i = 0; !node(id).tryLatch(pageId, mode); i++)
        {
            assertTrue(i < 10, () -> "node " + id + " never gets the page: " + cluster.describe(pageId));
            cluster.cycle();
            cluster.deliverAll();
        }
        node(id).unlatch(pageId);
    }

    /** Deliver everything and take the page: request, deliver all, latch. */
    private void acquireAll(final int id, final LockMode mode)
    {
        if (!node(id).tryLatch(page, mode))
        {
            cluster.cycle();
            cluster.deliverAll();
            cluster.assertOneWriter(page);
        }
        else
        {
            node(id).unlatch(page);
        }
        if (mode == LockMode.X)
        {
            write(id);
        }
        else
        {
            read(id);
        }
    }

    @Test
    void shouldLeaveNoRequestBehindWhenAnAcquireTimesOutBeforeItsRequestIsSent()
    {
        start(3);
        assertFalse(node(2).tryLatch(page, LockMode.X), "expected a request, not a latch");
        assertTrue(node(2).timeOut(page, LockMode.X).contains("the request was not sent yet and is withdrawn"));
        cluster.cycle();

        assertTrue(cluster.network.isEmpty(), () -> "a withdrawn request must not be sent: " + cluster.network);
        assertEquals(LocalPage.Request.IDLE, node(2).page(page).request, "no request may be left behind");
        assertEquals(0, node(2).page(page).requestSerial, "no request serial may be left set");
        request(2, LockMode.S);
        final Packet ask = only(MessageType.ASK_MASTER, 0);
        assertEquals(LockMode.S.code(), ask.view.modeCode(), "the later acquire's own mode must be asked for");
        cluster.deliverAll();
        read(2);
        assertEquals(LockMode.S, node(2).mode(page));
        cluster.assertDirectoryMatchesNodes(page);
    }

    /** On 3 nodes: node 1 holds the page in X and keeps it latched; node 2's X request reaches it and waits. */
    private void startWithNode2WaitingForNode1()
    {
        start(3);
        acquireAll(1, LockMode.X);
        assertTrue(node(1).tryLatch(page, LockMode.X), "node 1 keeps the page latched");
        request(2, LockMode.X);
        cluster.deliverAll();
        assertNotNull(cluster.entry(page).converting, "node 2's request is being served");
    }

    @Test
    void shouldCancelATimedOutRequestStillQueuedAtTheMaster()
    {
        startWithNode2WaitingForNode1();
        assertFalse(node(0).tryLatch(page, LockMode.S), "node 0 asks too");
        cluster.cycle();
        cluster.cycle();
        assertEquals(1, cluster.entry(page).queue.size(), "node 0's request waits in the master's queue");

        node(0).timeOut(page, LockMode.S);
        cluster.cycle();
        cluster.cycle();
        assertEquals(LocalPage.Request.IDLE, node(0).page(page).request, "cancelled: nothing left behind");
        assertTrue(cluster.entry(page).queue.isEmpty(), "and nothing left at the master");

        node(1).unlatch(page);
        cluster.cycle();
        cluster.deliverAll();
        assertEquals(LockMode.X, node(2).mode(page), "node 2 got the page");
        assertEquals(LockMode.NULL, node(0).mode(page), "and keeps it: the cancelled request takes nothing");
        write(2);
        cluster.assertDirectoryMatchesNodes(page);
    }

    @Test
    void shouldKeepWaitingForATimedOutRequestTheMasterServesAlready()
    {
        startWithNode2WaitingForNode1();

        node(2).timeOut(page, LockMode.X);
        cluster.cycle();
        deliver(only(MessageType.CANCEL, 0));
        final Packet ack = only(MessageType.CANCEL_ACK, 2);
        assertEquals(MessageDescriptor.STATUS_DENIED, ack.view.status(), "too late: the owner was asked already");
        deliver(ack);
        assertEquals(LocalPage.Request.SENT, node(2).page(page).request, "the request goes on");

        node(1).unlatch(page);
        cluster.cycle();
        cluster.deliverAll();
        assertEquals(LockMode.X, node(2).mode(page), "its answer is applied");
        assertEquals(LocalPage.Request.IDLE, node(2).page(page).request);
        write(2);
        cluster.assertDirectoryMatchesNodes(page);
    }

    @Test
    void shouldServeALaterAcquireFromATimedOutRequestThatWasAlreadySent()
    {
        start(3);
        request(2, LockMode.X);
        assertTrue(node(2).timeOut(page, LockMode.X).contains("if the master serves it already its answer is applied"));
        assertEquals(LocalPage.Request.CANCELLING, node(2).page(page).request);
        cluster.deliverAll();

        assertEquals(LockMode.X, node(2).mode(page), "the late grant is applied");
        assertEquals(LocalPage.Request.IDLE, node(2).page(page).request, "the answered request is done");
        assertEquals(0, node(2).page(page).requestSerial, "and its serial cleared");
        write(2);
        cluster.assertDirectoryMatchesNodes(page);
    }

    @Test
    void shouldLeaveNoReleaseBehindWhenAReleaseTimesOutBeforeItIsSent()
    {
        start(2);
        take(1, page, LockMode.X);

        assertFalse(node(1).parts.pageClient.release(page, 0), "no time to ask the master");
        cluster.cycle();
        assertTrue(cluster.network.isEmpty(), () -> "a withdrawn release must not be sent: " + cluster.network);
        assertEquals(LocalPage.Release.IDLE, node(1).page(page).release);
        assertTrue(node(1).tryLatch(page, LockMode.S), () -> "a later latch must not wait for the release: " +
            cluster.describe(page));
        node(1).unlatch(page);
        assertEquals(LockMode.X, node(1).mode(page));
        cluster.assertDirectoryMatchesNodes(page);
    }

    @Test
    void shouldDropAndCountMessagesOfAnOlderEpochAnotherPartitionMapOrADeadIncarnation()
    {
        start(2);
        request(1, LockMode.X);
        final Packet ask = only(MessageType.ASK_MASTER, 0);
        final long incarnation = ask.view.sourceIncarnation();
        assertEquals(node(1).parts.incarnation, incarnation, "every message carries its sender's incarnation");
        assertEquals(1, ask.view.membershipVersion(), "and the membership epoch");

        cluster.deliverCopy(rewritten(ask, MessageDescriptor.MEMBERSHIP_VERSION_OFFSET, 0));
        assertEquals(1, node(0).stats.get(StatCounter.STALE_EPOCH));
        assertEquals(List.of(ask), cluster.network, "a message of an older epoch must not be served");

        deliver(ask);
        cluster.deliverAll();
        assertEquals(LockMode.X, node(1).mode(page), "the current epoch and incarnation are served");
        final Packet fromDead = rewritten(ask, MessageDescriptor.SOURCE_INCARNATION_OFFSET, incarnation - 1);
        cluster.deliverCopy(fromDead);
        assertEquals(1, node(0).stats.get(StatCounter.DEAD_INCARNATION));
        assertEquals(0, node(0).stats.get(StatCounter.PEER_RESTARTS));
        assertTrue(cluster.network.isEmpty(), "a message from a dead incarnation must not be served");

        cluster.deliverCopy(rewritten(ask, MessageDescriptor.SOURCE_INCARNATION_OFFSET, incarnation + 1));
        assertEquals(1, node(0).stats.get(StatCounter.PEER_RESTARTS), "a newer incarnation: the peer restarted");
        cluster.deliverAll();
        cluster.deliverCopy(ask);
        assertEquals(2, node(0).stats.get(StatCounter.DEAD_INCARNATION), "its old incarnation is dead now");
        assertEquals(0, node(0).stats.get(StatCounter.MEMBERSHIP_MISMATCH));

        cluster.deliverCopy(rewritten(ask, MessageDescriptor.PARTITION_MAP_VERSION_OFFSET, 2));
        assertEquals(1, node(0).stats.get(StatCounter.PARTITION_MAP_MISMATCH));
        assertTrue(cluster.network.isEmpty(), "a message of another partition map must not be served");
    }

    @Test
    void shouldServeNoNodeOutsideTheMembershipView()
    {
        final MembershipView view = new MembershipView(1, 0b011, 0, 0);
        cluster = new ManualClockCluster(3, tempDir, (ctx) -> ctx.membershipSource(new FixedMembershipSource(view)));
        page = cluster.pageMasteredBy(0, 100);

        assertEquals(1, node(0).stats.get(StatCounter.NOT_MEMBER), "its hello is not answered");
        assertTrue(cluster.network.isEmpty(), () -> "a node outside the view must get no answer: " +
            cluster.network);
        assertFalse(node(2).parts.services.gate().isOpen(), "so it serves nothing");
        request(2, LockMode.X);
        assertTrue(cluster.inFlight(MessageType.ASK_MASTER).isEmpty(), "and asks for nothing");

        request(1, LockMode.X);
        cluster.deliverAll();
        assertEquals(LockMode.X, node(1).mode(page), "a member is served");
        assertEquals(1, node(0).stats.get(StatCounter.NOT_MEMBER));
    }

    @Test
    void shouldRefuseAPeerThatRestartedWhileTheClusterRanOn()
    {
        start(3);
        acquireAll(1, LockMode.X);
        final long deadIncarnation = node(1).parts.incarnation;

        // a page the node masters that a peer holds dirty: restarted empty, it must not grant it from disk
        final long own = cluster.pageMasteredBy(1, page + 1);
        take(2, own, LockMode.X);
        node(2).store.increment(own);

        final Node restarted = cluster.restart(1);
        assertTrue(restarted.parts.incarnation > deadIncarnation);
        assertFalse(restarted.tryLatch(page, LockMode.X), "it waits for its peers to admit it");
        cluster.cycle();
        assertTrue(cluster.inFlight(MessageType.ASK_MASTER).isEmpty(), "it asks for nothing before");
        assertFalse(node(0).tryLatch(own, LockMode.S));
        cluster.cycle();
        deliver(only(MessageType.ASK_MASTER, 1));
        assertEquals(1, restarted.stats.get(StatCounter.GATE_DROPS), "and serves nothing before");
        assertTrue(cluster.inFlight(MessageType.GRANT).isEmpty(), () -> "a stale grant: " + cluster.network);
        deliver(cluster.inFlight(MessageType.HELLO).stream().filter((p) -> p.to == 0).findFirst().orElseThrow());
        assertEquals(1, node(0).stats.get(StatCounter.PEER_RESTARTS));
        assertEquals(1, node(0).stats.get(StatCounter.REFUSED_PEER_MESSAGES));
        final Packet refusal = only(MessageType.REFUSED, 1);
        assertEquals(restarted.parts.incarnation, refusal.view.resourceId(), "names the refused incarnation");

        deliver(refusal);
        final DmsException ex = assertThrows(DmsException.class, () -> restarted.parts.services.checkOpen());
        assertEquals(ErrorCategory.FATAL, ex.category());
        assertEquals(DmsErrorCode.REFUSED, ex.errorCode());
        assertTrue(ex.getMessage().startsWith("node refused by its peers: nodeId=1, refusedBy=0, incarnation=" +
            restarted.parts.incarnation + "; it restarted while the cluster ran on"), ex.getMessage());
        assertEquals(1, restarted.stats.get(StatCounter.ERRORS), "and the database hears of it");
        assertEquals(1, cluster.entry(page).owner, "the master keeps what it knew: the dead incarnation's X");
    }

    /**
     * Under the fixed membership a node whose peers do not run (nobody listens at their addresses) serves alone once
     * the start grace has passed, and not before: they hold nothing it could contradict.
     */
    @Test
    void shouldServeAloneOnceThePeersAreFoundNotRunning()
    {
        start(3);
        cluster.kill(1);
        cluster.kill(2);
        final Node alone = cluster.restart(0);
        assertFalse(alone.tryLatch(page, LockMode.X), "it waits for its peers first");
        final long graceNs = DmsContext.START_GRACE_DEFAULT_NS;
        while (cluster.nowNs() < TimeUnit.SECONDS.toNanos(1) + graceNs - TimeUnit.MILLISECONDS.toNanos(10))
        {
            cluster.advance(TimeUnit.MILLISECONDS.toNanos(5));
            assertFalse(alone.parts.services.gate().isOpen(), "nothing served within the grace");
        }
        for (int i = 0; !alone.tryLatch(page, LockMode.X); i++)
        {
            assertTrue(i < 100, () -> "it never serves alone: " + cluster.describe(page));
            cluster.advance(TimeUnit.MILLISECONDS.toNanos(5));
            cluster.deliverAll();
        }
        alone.unlatch(page);
    }

    /** A copy of a message with one 4- or 8-byte header field changed. */
    private static Packet rewritten(final Packet packet, final int offset, final long value)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(packet.bytes.clone());
        if (offset == MessageDescriptor.MEMBERSHIP_VERSION_OFFSET ||
            offset == MessageDescriptor.PARTITION_MAP_VERSION_OFFSET)
        {
            copy.putInt(offset, (int)value, ByteOrder.LITTLE_ENDIAN);
        }
        else
        {
            copy.putLong(offset, value, ByteOrder.LITTLE_ENDIAN);
        }
        return new Packet(packet.from, packet.to, copy, 0, packet.bytes.length);
    }

    @Test
    void shouldQueueRequestsForOnePageAndServeThemInArrivalOrder()
    {
        start(4);
        request(1, LockMode.X);
        request(2, LockMode.X);
        request(3, LockMode.X);
        final List<Packet> asks = cluster.inFlight(MessageType.ASK_MASTER);
        assertEquals(3, asks.size());

        // they reach the master in the order 2, 3, 1
        deliver(asks.get(1));
        deliver(asks.get(2));
        deliver(asks.get(0));
        assertEquals(2, cluster.entry(page).queue.size(), "3 and 1 wait behind 2");
        deliver(only(MessageType.GRANT, 2));
        assertTrue(node(2).tryLatch(page, LockMode.X));
        assertEquals(0, node(2).store.counter(page));
        node(2).store.increment(page);
        increments++;

        // 2's claim starts 3's conversion: a forward to 2, deferred while 2 holds its latch
        deliver(only(MessageType.CLAIM, 0));
        deliver(only(MessageType.ASK_OWNER, 2));
        assertTrue(cluster.inFlight(MessageType.PAGE_READY).isEmpty(), "no transfer while latched");
        node(2).unlatch(page);
        cluster.cycle();
        deliver(only(MessageType.PAGE_READY, 3));
        write(3);
        assertEquals(LockMode.NULL, node(2).mode(page));

        deliver(only(MessageType.CLAIM, 0));
        deliver(only(MessageType.ASK_OWNER, 3));
        deliver(only(MessageType.PAGE_READY, 1));
        write(1);
        deliver(only(MessageType.CLAIM, 0));
        assertEquals(3, node(1).store.counter(page));
        assertTrue(cluster.network.isEmpty(), () -> "nothing left: " + cluster.network);
        cluster.assertDirectoryMatchesNodes(page);
        assertEquals(1, cluster.entry(page).owner);
    }

    @Test
    void shouldInvalidateEverySharedCopyBeforeGrantingX()
    {
        start(4);
        acquireAll(1, LockMode.X);
        acquireAll(1, LockMode.S);
        acquireAll(2, LockMode.S);
        acquireAll(3, LockMode.S);
        cluster.assertDirectoryMatchesNodes(page);
        assertEquals(1, cluster.entry(page).owner);
        assertEquals(0b1100, cluster.entry(page).copies);

        // node 3, holding a copy, wants X: only node 2's copy is invalidated (1 is the owner and ships)
        request(3, LockMode.X);
        deliver(only(MessageType.ASK_MASTER, 0));
        deliver(only(MessageType.INVALIDATE, 2));
        assertEquals(LockMode.NULL, node(2).mode(page));
        assertTrue(cluster.inFlight(MessageType.ASK_OWNER).isEmpty(), "no forward before every ack");
        deliver(only(MessageType.INVALIDATE_ACK, 0));
        deliver(only(MessageType.ASK_OWNER, 1));
        assertEquals(LockMode.NULL, node(1).mode(page));
        assertEquals(LockMode.S, node(3).mode(page), "3 keeps S until the page arrives");
        deliver(only(MessageType.PAGE_READY, 3));
        write(3);
        deliver(only(MessageType.CLAIM, 0));
        cluster.assertDirectoryMatchesNodes(page);

        // the owner upgrading in place: copies on 1 and 2 go first, then already-owner
        acquireAll(1, LockMode.S);
        acquireAll(2, LockMode.S);
        request(3, LockMode.X);
        deliver(only(MessageType.ASK_MASTER, 0));
        final List<Packet> invalidates = cluster.inFlight(MessageType.INVALIDATE);
        assertEquals(2, invalidates.size());
        deliver(invalidates.get(0));
        deliver(invalidates.get(1));
        deliver(cluster.inFlight(MessageType.INVALIDATE_ACK).get(0));
        assertTrue(cluster.inFlight(MessageType.ALREADY_OWNER).isEmpty(), "no answer before every ack");
        deliver(only(MessageType.INVALIDATE_ACK, 0));
        deliver(only(MessageType.ALREADY_OWNER, 3));
        write(3);
        cluster.deliverAll();
        cluster.assertDirectoryMatchesNodes(page);
        assertEquals(LockMode.X, cluster.entry(page).mode);
        assertEquals(0, cluster.entry(page).copies);
    }

    @Test
    void shouldRetryLostGrantAndLostClaimWithoutTwoWriters()
    {
        start(3);
        request(1, LockMode.X);
        final Packet firstAsk = only(MessageType.ASK_MASTER, 0);
        deliver(firstAsk);
        final Packet lostGrant = only(MessageType.GRANT, 1);
        cluster.drop(lostGrant);

        cluster.advance(RETRY_INTERVAL_NS / 2);
        assertTrue(cluster.network.isEmpty(), "no resend before the retry interval");
        cluster.advance(RETRY_INTERVAL_NS);
        deliver(only(MessageType.ASK_MASTER, 0));
        final Packet grant = only(MessageType.GRANT, 1);
        assertEquals(lostGrant.view.seq(), grant.view.seq(), "the same conversion, driven again");
        deliver(grant);
        write(1);

        // node 2 queues behind; node 1's claim is lost, so the master drives the grant again
        request(2, LockMode.X);
        deliver(only(MessageType.ASK_MASTER, 0));
        cluster.drop(only(MessageType.CLAIM, 0));
        assertTrue(cluster.network.isEmpty(), "node 2 waits behind the unclaimed conversion");
        cluster.advance(REDRIVE_INTERVAL_NS + ManualClockCluster.STEP_NS);
        deliver(only(MessageType.GRANT, 1));
        assertEquals(LockMode.X, node(1).mode(page));
        deliver(only(MessageType.CLAIM, 0));

        // now node 2's turn: a forward to the owner, never a second grant from disk
        assertTrue(cluster.inFlight(MessageType.GRANT).isEmpty());
        deliver(only(MessageType.ASK_OWNER, 1));
        deliver(only(MessageType.PAGE_READY, 2));
        write(2);
        deliver(only(MessageType.CLAIM, 0));

        // late copies of the lost grant and of the first request change nothing
        cluster.deliverCopy(lostGrant);
        cluster.deliverAll();
        cluster.deliverCopy(firstAsk);
        assertTrue(cluster.network.isEmpty(), () -> "a finished request is not served twice: " + cluster.network);
        cluster.assertOneWriter(page);
        assertEquals(LockMode.NULL, node(1).mode(page));
        assertEquals(LockMode.X, node(2).mode(page));
        cluster.assertDirectoryMatchesNodes(page);
        assertEquals(2, cluster.entry(page).owner);
    }

    @Test
    void shouldShipAgainWhenThePageTransferIsLost()
    {
        start(3);
        acquireAll(1, LockMode.X);
        write(1);
        request(2, LockMode.X);
        deliver(only(MessageType.ASK_MASTER, 0));
        deliver(only(MessageType.ASK_OWNER, 1));
        cluster.drop(only(MessageType.PAGE_READY, 2));
        assertEquals(LockMode.NULL, node(1).mode(page));
        assertTrue(node(1).page(page).shipPending, "the shipped image is kept until the transfer is confirmed");

        cluster.advance(RETRY_INTERVAL_NS + ManualClockCluster.STEP_NS);
        deliver(only(MessageType.ASK_MASTER, 0));
        deliver(only(MessageType.ASK_OWNER, 1));
        deliver(only(MessageType.PAGE_READY, 2));
        write(2);
        deliver(only(MessageType.CLAIM, 0));
        assertEquals(3, node(2).store.counter(page));
        cluster.assertDirectoryMatchesNodes(page);
    }

    @Test
    void shouldServeOtherRequestsWhileADirtyPageWaitsForTheWal()
    {
        start(3);
        final long other = cluster.pageMasteredBy(0, page + 1);
        acquireAll(1, LockMode.X);
        take(1, other, LockMode.X);
        node(1).store.walByHand(true);

        // node 2 wants the dirty page: node 1 asks for the WAL flush and defers the transfer
        request(2, LockMode.X);
        deliver(only(MessageType.ASK_MASTER, 0));
        deliver(only(MessageType.ASK_OWNER, 1));
        assertTrue(cluster.inFlight(MessageType.PAGE_READY).isEmpty(), "no dirty page ahead of its WAL");
        assertTrue(node(1).page(page).walWaitLsn > 0);
        assertFalse(node(1).tryLatch(page, LockMode.S), "the page is on its way out: no new latch");

        // node 1's agent is not blocked: it ships the clean page to node 2 at once
        take(2, other, LockMode.S);

        // resends while the WAL is flushing change nothing
        cluster.advance(RETRY_INTERVAL_NS * 3);
        cluster.deliverAll();
        assertEquals(LockMode.X, node(1).mode(page));
        assertNotEquals(LockMode.X, node(2).mode(page));

        node(1).store.completeWalFlush();
        cluster.cycle();
        cluster.deliverAll();
        write(2);
        cluster.deliverAll();
        cluster.assertDirectoryMatchesNodes(page);
        assertTrue(node(2).store.violations().isEmpty(), () -> "WAL rule broken: " + node(2).store.violations());
    }

    @Test
    void shouldKeepOneWriterAndTheNewestImageUnderLossDuplicationAndReordering()
    {
        final long seed = Long.getLong("respool.test.seed", System.nanoTime());
        System.out.println("manual clock simulation: seed=" + seed + " (rerun with -Drespool.test.seed=" + seed + ")");
        start(3);
        try
        {
            final Simulation simulation = new Simulation(cluster, new Random(seed), 3);
            simulation.run(30_000);
            System.out.println("manual clock simulation: seed=" + seed + ", latches=" + simulation.latches +
                ", dropped=" + simulation.dropped + ", repeated=" + simulation.repeated);
            assertTrue(simulation.latches > 300, "the simulation must make progress: latches=" +
                simulation.latches);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed=" + seed + " (rerun with -Drespool.test.seed=" + seed + "): " +
                ex.getMessage(), ex);
        }
    }

    /**
     * The same simulation over views from a membership source, with random kills ({@code kill -9}: latches, cache
     * and messages in flight to the node gone) and restarts that rejoin, each published at once as the next view,
     * so that reforms overlap one another and the traffic, under the same loss, duplication and reordering. The
     * database's recovery replays what only a dead node had (the simulation's increments stand for its WAL).
     * CI runs fixed seeds, so that a red build names a seed that fails again; explore others with
     * {@code -Drespool.test.seed=N}.
     */
    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 4, 5, 6 })
    void shouldKeepOneWriterAndTheNewestImageThroughRandomKillsAndRejoins(final long fixedSeed)
    {
        killsAndRejoins(Long.getLong("respool.test.seed", fixedSeed));
    }

    /**
     * Found by the simulation above on a random seed (CI run of 2026-12-03), and failing on every run of it until
     * fixed: node 1 kept an S copy of page 1200 the rebuilt directory did not list, beside the new X owner (node 3).
     * The master (node 1) re-drove a forward of the old epoch's conversion after DRC_INACCESS, stamped with the new
     * epoch, and the owner (node 0), in the new epoch too, shipped the page after its rebuild scan: see
     * dms-core/DESIGN.md, "Why one writer per page holds across a reform", and the focused test in
     * {@code ManualClockReformTest}.
     */
    @Test
    void shouldKeepOneWriterThroughTheKillsAndRejoinsOfSeed32262141335095()
    {
        killsAndRejoins(32262141335095L);
    }

    /**
     * A run of consecutive seeds in one JVM, every failure collected: seeds 100 to 119 in CI; sweep others with
     * {@code -Drespool.test.sweepFirst=N -Drespool.test.sweepSeeds=COUNT}, or a list of them with
     * {@code -Drespool.test.sweepList=N,M,...}.
     */
    @Test
    void shouldKeepOneWriterAndTheNewestImageThroughASweepOfSeeds()
    {
        final long first = Long.getLong("respool.test.sweepFirst", 100);
        final String list = System.getProperty("respool.test.sweepList", "");
        final long[] seeds = list.isBlank() ?
            java.util.stream.LongStream.range(first, first + Integer.getInteger("respool.test.sweepSeeds", 20)).toArray() :
            java.util.Arrays.stream(list.split(",")).mapToLong((s) -> Long.parseLong(s.trim())).toArray();
        final int count = seeds.length;
        final List<String> failures = new java.util.ArrayList<>();
        for (final long seed : seeds)
        {
            try
            {
                killsAndRejoins(seed);
            }
            catch (final AssertionError ex)
            {
                failures.add(ex.getMessage());
                System.out.println("KILLJOIN FAILED " + ex.getMessage());
            }
            finally
            {
                cluster.close();
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + count + " seeds from " + first +
            " failed:\n" + String.join("\n", failures));
    }

    /**
     * A seed is a run: the same one again, after another seed ran in the same JVM, takes the same course (the
     * incarnations are counted, not read off the wall clock), so a failing seed of a sweep fails again alone.
     */
    @Test
    void shouldReplayTheSameRunForTheSameSeed()
    {
        final String first = killsAndRejoins(7);
        cluster.close();
        killsAndRejoins(8);
        cluster.close();
        assertEquals(first, killsAndRejoins(7));
    }

    /**
     * @return what the run did: latches, kills, restarts, recoveries and messages dropped.
     */
    private String killsAndRejoins(final long seed)
    {
        System.out.println("manual clock simulation with kills: seed=" + seed + " (rerun with -Drespool.test.seed=" +
            seed + ")");
        final ManualMembershipSource source = new ManualMembershipSource(new MembershipView(1, 0b1111, 0, 0));
        final List<ReformHandler.Completion> recoveries = new java.util.ArrayList<>();
        final ReformHandler handler = new ReformHandler()
        {
            @Override
            public void recover(final ReformInfo info, final Completion done)
            {
                recoveries.add(done);
            }
        };
        cluster = new ManualClockCluster(4, tempDir, (ctx) -> ctx.membershipSource(source).reformHandler(handler));
        try
        {
            final Simulation simulation = new Simulation(cluster, new Random(seed), 4);
            simulation.membership(source, recoveries);
            simulation.run(30_000);
            final String course = "latches=" + simulation.latches + ", kills=" + simulation.kills + ", restarts=" +
                simulation.restarts + ", recoveries=" + simulation.recovered + ", dropped=" + simulation.dropped +
                ", messages=" + cluster.delivered();
            System.out.println("manual clock simulation with kills: seed=" + seed + ", " + course);
            assertTrue(simulation.latches > 300 && simulation.kills >= 2, "the simulation must make progress: " +
                "latches=" + simulation.latches + ", kills=" + simulation.kills);
            return course;
        }
        catch (final AssertionError | RuntimeException ex)
        {
            cluster.dumpTrace("seed-" + seed);
            throw new AssertionError("seed=" + seed + " (rerun with -Drespool.test.seed=" + seed + "): " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Two application threads per node take random pages in random modes and hold their latches for a while; the
     * network loses, repeats and reorders messages; each node's WAL writer makes the WAL durable at random times.
     * Every step checks the one-writer rule, every latch checks it sees the newest image, and at the end, with the
     * network healed, every request must finish and every master's directory must match what the nodes hold.
     */
    private static final class Simulation
    {
        private static final int THREADS_PER_NODE = 2;
        private final ManualClockCluster cluster;
        private final Random random;
        private final long[] pages;
        private final long[] increments;
        private final long[] threadPage;
        private final LockMode[] threadMode;
        private final int[] threadState;
        private final int[] threadReleaseAt;
        private int step;
        int latches;
        int dropped;
        int repeated;
        int kills;
        int restarts;
        int recovered;
        /** Views from here, with kills and restarts, if not null. */
        private ManualMembershipSource source;
        private List<ReformHandler.Completion> recoveries;

        Simulation(final ManualClockCluster cluster, final Random random, final int pageCount)
        {
            this.cluster = cluster;
            this.random = random;
            this.pages = new long[pageCount];
            for (int i = 0; i < pageCount; i++)
            {
                pages[i] = cluster.pageMasteredBy(i % cluster.nodes.length, 1000 + i * 100);
            }
            this.increments = new long[pageCount];
            for (final Node node : cluster.nodes)
            {
                node.store.walByHand(true);
            }
            final int threads = cluster.nodes.length * THREADS_PER_NODE;
            threadPage = new long[threads];
            threadMode = new LockMode[threads];
            threadState = new int[threads];
            threadReleaseAt = new int[threads];
        }

        /** Kill and restart nodes at random, each time publishing the next view of the live nodes. */
        void membership(final ManualMembershipSource views, final List<ReformHandler.Completion> completions)
        {
            this.source = views;
            this.recoveries = completions;
        }

        void run(final int steps)
        {
            for (step = 0; step < steps; step++)
            {
                killStopped();
                final int action = random.nextInt(1000);
                if (source != null && action < 1 && random.nextBoolean())
                {
                    killOrRestart();
                }
                else if (source != null && !recoveries.isEmpty())
                {
                    recover();
                }
                else if (action < 450 && !cluster.network.isEmpty())
                {
                    network();
                }
                else if (action < 480)
                {
                    cluster.node(random.nextInt(cluster.nodes.length)).store.completeWalFlush();
                }
                else if (action < 600)
                {
                    cluster.advance(ManualClockCluster.STEP_NS);
                }
                else
                {
                    thread(random.nextInt(threadState.length), true);
                }
                for (final long page : pages)
                {
                    cluster.assertOneWriter(page);
                }
            }
            heal();
        }

        private void network()
        {
            final int index = random.nextInt(100) < 80 ? 0 : random.nextInt(cluster.network.size());
            final Packet packet = cluster.network.get(index);
            final int fate = random.nextInt(100);
            if (fate < 10)
            {
                cluster.drop(packet);
                dropped++;
            }
            else
            {
                cluster.deliver(packet);
                if (fate < 13)
                {
                    cluster.network.add(packet);
                    repeated++;
                }
            }
        }

        /**
         * A node that stopped (its first reform failed, or it was kicked out) serves nothing more: the cluster
         * manager kills it and publishes a view without it, as after a crash.
         */
        private void killStopped()
        {
            if (source == null)
            {
                return;
            }
            for (final Node node : cluster.liveNodes())
            {
                if (node.parts.reform.state() == io.respool.dms.api.ReformState.STOPPED)
                {
                    cluster.kill(node.id);
                    for (int t = node.id * THREADS_PER_NODE; t < (node.id + 1) * THREADS_PER_NODE; t++)
                    {
                        threadState[t] = 0;
                    }
                    final long members = source.current().members() & ~(1L << node.id);
                    long served = 0;
                    for (final Node other : cluster.liveNodes())
                    {
                        served |= other.parts.reform.served() != null ? 1L << other.id : 0;
                    }
                    if ((members & served) != 0)
                    {
                        final int reformer = Long.numberOfTrailingZeros(members & served);
                        source.publish(members, reformer, reformer);
                        cluster.trace("view " + source.current());
                    }
                    kills++;
                }
            }
        }

        private void killOrRestart()
        {
            final int id = random.nextInt(cluster.nodes.length);
            final boolean restart = cluster.dead[id];
            if (!restart && cluster.liveNodes().size() <= 2)
            {
                return;
            }
            final long members = restart ? source.current().members() | 1L << id :
                source.current().members() & ~(1L << id);
            // the reformer (and primary) is a survivor that served a view, never a node that just started
            long served = 0;
            for (final Node node : cluster.liveNodes())
            {
                served |= node.parts.reform.served() != null && node.id != id ? 1L << node.id : 0;
            }
            if ((members & served) == 0)
            {
                return;
            }
            if (restart)
            {
                cluster.restart(id).store.walByHand(true);
                restarts++;
            }
            else
            {
                cluster.kill(id);
                kills++;
            }
            for (int t = id * THREADS_PER_NODE; t < (id + 1) * THREADS_PER_NODE; t++)
            {
                threadState[t] = 0;
            }
            final int reformer = Long.numberOfTrailingZeros(members & served);
            source.publish(members, reformer, reformer);
            cluster.trace("view " + source.current());
        }

        /**
         * The database's recovery, as soon as it is asked: the primary takes every page through recovery-only
         * access and brings it up to the newest increment (what the removed nodes' WAL holds). The network runs
         * without loss meanwhile, and the threads let their latches go so that recovery gets the pages.
         */
        private void recover()
        {
            final int primary = source.current().primary();
            final Node recoverer = cluster.node(primary);
            for (int p = 0; p < pages.length && !cluster.dead[primary]; p++)
            {
                for (int round = 0; !recoverer.tryLatch(pages[p], LockMode.X, true); round++)
                {
                    if (round > 10_000)
                    {
                        throw new AssertionError("recovery never gets the page: " + cluster.describe(pages[p]));
                    }
                    for (int t = 0; t < threadState.length; t++)
                    {
                        thread(t, false);
                    }
                    for (final Node node : cluster.liveNodes())
                    {
                        node.store.completeWalFlush();
                    }
                    cluster.deliverAll();
                    cluster.advance(ManualClockCluster.STEP_NS * 4);
                    if (recoveries.isEmpty())
                    {
                        return;
                    }
                }
                while (recoverer.store.counter(pages[p]) < increments[p])
                {
                    recoverer.store.increment(pages[p]);
                }
                recoverer.unlatch(pages[p]);
            }
            recovered++;
            final List<ReformHandler.Completion> done = new java.util.ArrayList<>(recoveries);
            recoveries.clear();
            done.forEach(ReformHandler.Completion::complete);
        }

        /** 0 idle, 1 waiting for the page, 2 holding the latch. */
        private void thread(final int t, final boolean startNew)
        {
            final int id = t / THREADS_PER_NODE;
            if (cluster.dead[id] || (source != null && !source.current().isMember(id)))
            {
                threadState[t] = 0;
                return;
            }
            final Node node = cluster.node(id);
            switch (threadState[t])
            {
                case 0 ->
                {
                    if (startNew)
                    {
                        threadPage[t] = random.nextInt(pages.length);
                        threadMode[t] = random.nextBoolean() ? LockMode.X : LockMode.S;
                        threadState[t] = 1;
                        thread(t, false);
                    }
                }
                case 1 ->
                {
                    final int p = (int)threadPage[t];
                    if (node.tryLatch(pages[p], threadMode[t]))
                    {
                        final long seen = node.store.counter(pages[p]);
                        if (seen != increments[p])
                        {
                            throw new AssertionError("stale image: node=" + node.id + ", mode=" + threadMode[t] +
                                ", pageId=" + pages[p] + ", seen=" + seen + ", increments=" + increments[p] +
                                ", " + cluster.describe(pages[p]));
                        }
                        if (threadMode[t] == LockMode.X)
                        {
                            node.store.increment(pages[p]);
                            increments[p]++;
                        }
                        latches++;
                        threadState[t] = 2;
                        threadReleaseAt[t] = step + random.nextInt(40);
                    }
                }
                default ->
                {
                    if (step >= threadReleaseAt[t] || !startNew)
                    {
                        node.unlatch(pages[(int)threadPage[t]]);
                        threadState[t] = 0;
                    }
                }
            }
        }

        /** Whether every live member serves the newest view (always, under the fixed one). */
        private boolean settled()
        {
            if (source == null)
            {
                return true;
            }
            for (final Node node : cluster.liveNodes())
            {
                final MembershipView served = node.parts.reform.served();
                if (node.parts.reform.state() != io.respool.dms.api.ReformState.STABLE || served == null ||
                    served.version() != source.current().version())
                {
                    return false;
                }
            }
            return true;
        }

        private void heal()
        {
            for (int round = 0; ; round++)
            {
                boolean busy = false;
                for (int t = 0; t < threadState.length; t++)
                {
                    thread(t, false);
                    busy |= threadState[t] != 0;
                }
                if (source != null && !recoveries.isEmpty())
                {
                    recover();
                }
                if (!busy && cluster.network.isEmpty() && settled())
                {
                    break;
                }
                for (final Node node : cluster.liveNodes())
                {
                    node.store.completeWalFlush();
                }
                if (round > 10_000)
                {
                    throw new AssertionError("requests never finished after the network healed: " +
                        java.util.Arrays.toString(threadState));
                }
                cluster.deliverAll();
                cluster.advance(ManualClockCluster.STEP_NS * 10);
            }
            cluster.advance(REDRIVE_INTERVAL_NS * 4);
            cluster.deliverAll();
            cluster.advance(REDRIVE_INTERVAL_NS * 4);
            cluster.deliverAll();
            for (int p = 0; p < pages.length; p++)
            {
                cluster.assertDirectoryMatchesNodes(pages[p]);
                final List<Node> live = cluster.liveNodes();
                final Node reader = live.get(p % live.size());
                for (int round = 0; !reader.tryLatch(pages[p], LockMode.S); round++)
                {
                    if (round > 10_000)
                    {
                        throw new AssertionError("final read never finished: " + cluster.describe(pages[p]));
                    }
                    for (final Node node : live)
                    {
                        node.store.completeWalFlush();
                    }
                    cluster.deliverAll();
                    cluster.advance(ManualClockCluster.STEP_NS);
                }
                assertEquals(increments[p], reader.store.counter(pages[p]), "newest image lost");
                reader.unlatch(pages[p]);
            }
        }
    }
}
