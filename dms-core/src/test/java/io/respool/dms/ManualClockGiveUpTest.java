package io.respool.dms;

import io.respool.dms.ManualClockCluster.Node;
import io.respool.dms.api.LockMode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A request given up by its caller (acquire timeout) while its grant is in flight must not hold another node's
 * request behind it for longer than the messages take: on the stepped cluster, with the clock standing still (so
 * no retry and no re-drive can help), node 1's X request after node 2 gave up its S request must be served once
 * the messages in flight are delivered, in any order.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManualClockGiveUpTest
{
    private static final int WRITER = 1;
    private static final int READER = 2;

    @TempDir
    File tempDir;

    @AutoClose
    private ManualClockCluster cluster;
    private long page;

    private Node node(final int id)
    {
        return cluster.node(id);
    }

    /**
     * Deliver what is in flight in a random order, with the clock standing still, until the writer can latch X.
     *
     * @return how many messages that took.
     */
    private int deliverUntilWriterLatches(final Random random)
    {
        return deliverUntilLatched(WRITER, false, random);
    }

    /**
     * Deliver what is in flight in a random order, with the clock standing still (so that no retry or re-drive helps),
     * until the node can latch X; then unlatch.
     *
     * @return how many messages that took.
     */
    private int deliverUntilLatched(final int id, final boolean recovery, final Random random)
    {
        int delivered = 0;
        while (!node(id).tryLatch(page, LockMode.X, recovery))
        {
            cluster.cycle();
            final int steps = delivered;
            assertFalse(cluster.network.isEmpty(), () -> "nothing in flight after " + steps + " messages, and node " +
                id + " waits (for a re-drive or a retry): " + cluster.describe(page));
            assertTrue(delivered < 100, () -> "node " + id + " never gets the page: " + cluster.describe(page));
            cluster.deliver(cluster.network.get(random.nextInt(cluster.network.size())));
            cluster.assertOneWriter(page);
            delivered++;
        }
        node(id).unlatch(page);
        return delivered;
    }

    private void settle()
    {
        for (int i = 0; i < 4; i++)
        {
            cluster.deliverAll();
            cluster.advance(ManualClockCluster.REDRIVE_INTERVAL_NS * 4);
        }
        cluster.deliverAll();
        cluster.assertOneWriter(page);
        cluster.assertDirectoryMatchesNodes(page);
        final LocalPage reader = node(READER).page(page);
        if (reader != null)
        {
            assertEquals(LocalPage.Request.IDLE, reader.request, "the reader left no request behind");
        }
        assertEquals(LockMode.X, node(WRITER).mode(page), "the writer keeps the page");
        assertEquals(LockMode.NULL, node(READER).mode(page), "the reader's copy was invalidated");
    }

    /** Three nodes, the page mastered by node 0; the reader's S request has left it. */
    private Random startWithTheReaderAsking(final int seed)
    {
        cluster = new ManualClockCluster(3, tempDir);
        page = cluster.pageMasteredBy(0, 100);
        assertFalse(node(READER).tryLatch(page, LockMode.S), "the reader asks");
        cluster.cycle();
        return new Random(seed);
    }

    /** The master grants the reader's S from disk; the reader gives up with the grant (or its ask) in flight. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void shouldNotHoldTheWriterBehindAReaderThatGaveUpMidGrant(final int seed)
    {
        final Random random = startWithTheReaderAsking(seed);
        if (random.nextBoolean())
        {
            // the master serves it already: its grant is in flight
            cluster.deliver(cluster.network.get(0));
        }
        node(READER).timeOut(page, LockMode.S);
        cluster.cycle();
        assertFalse(node(WRITER).tryLatch(page, LockMode.X), "the writer asks");
        cluster.cycle();

        final int steps = deliverUntilWriterLatches(random);
        assertTrue(steps <= 12, "served within a few messages: " + steps);
        settle();
    }

    /**
     * The writer owns the page in X and keeps it latched; the reader's S request is forwarded to it and waits;
     * the reader gives up; the writer lets go (ships S to the reader) and asks for X again.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void shouldNotHoldTheWriterBehindAReaderThatGaveUpWhileItsPageWasBeingShipped(final int seed)
    {
        cluster = new ManualClockCluster(3, tempDir);
        page = cluster.pageMasteredBy(0, 100);
        final Random random = new Random(seed);
        for (int i = 0; !node(WRITER).tryLatch(page, LockMode.X); i++)
        {
            assertTrue(i < 10);
            cluster.cycle();
            cluster.deliverAll();
        }
        assertFalse(node(READER).tryLatch(page, LockMode.S), "the reader asks");
        cluster.cycle();
        cluster.deliverAll();
        assertNotNull(cluster.entry(page).converting, "the reader's request waits for the writer's latch");

        node(READER).timeOut(page, LockMode.S);
        cluster.cycle();
        final int early = random.nextInt(3);
        for (int i = 0; i < early && !cluster.network.isEmpty(); i++)
        {
            cluster.deliver(cluster.network.get(random.nextInt(cluster.network.size())));
        }
        node(WRITER).unlatch(page);
        cluster.cycle();
        for (int i = 0; i < random.nextInt(3) && !cluster.network.isEmpty(); i++)
        {
            cluster.deliver(cluster.network.get(random.nextInt(cluster.network.size())));
        }
        final int steps = deliverUntilWriterLatches(random);
        assertTrue(steps <= 12, "served within a few messages: " + steps);
        settle();
    }

    /**
     * With the gate open, a recovery acquire of a page whose normal request the master serves already must not take
     * that request over with a fresh serial: the master would wait for a claim of the old serial that never comes,
     * holding the recovery's own request and every later one behind it.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void shouldNotAbandonARequestTheMasterServesForARecoveryAcquire(final int seed)
    {
        final Random random = startWithTheReaderAsking(seed);
        cluster.deliver(cluster.network.get(0));
        assertNotNull(cluster.entry(page).converting, "the master serves the reader's request: its grant is in flight");
        assertFalse(node(READER).tryLatch(page, LockMode.X, true), "recovery on the reader's node asks for X");
        // far less than a retry interval: the agent's timers run before the grant arrives
        cluster.advance(ManualClockCluster.RETRY_INTERVAL_NS * 6 / 10);
        assertFalse(node(WRITER).tryLatch(page, LockMode.X), "the writer asks");
        cluster.cycle();

        final int recoverySteps = deliverUntilLatched(READER, true, random);
        assertTrue(recoverySteps <= 12, "recovery served within a few messages: " + recoverySteps);
        final int steps = deliverUntilWriterLatches(random);
        assertTrue(steps <= 16, "served within a few messages: " + steps);
        settle();
    }

    /**
     * The reader is granted the page from disk, and its load throws (a failed read, or its thread interrupted): its
     * acquire fails, and must leave no latch behind for the writer's invalidation to wait on; the next latcher loads.
     */
    @Test
    void shouldGiveTheLatchBackWhenTheLoadOfAGrantedPageFails()
    {
        cluster = new ManualClockCluster(3, tempDir);
        page = cluster.pageMasteredBy(0, 100);
        assertFalse(node(READER).tryLatch(page, LockMode.S), "the reader asks");
        cluster.cycle();
        cluster.deliverAll();
        assertEquals(LockMode.S, node(READER).mode(page), "granted from disk");
        node(READER).failNextRead = true;
        assertThrows(IllegalStateException.class, () -> node(READER).tryLatch(page, LockMode.S), "the load fails");
        final LocalPage lp = node(READER).page(page);
        assertFalse(lp.latched(), () -> "the failed acquire left its latch behind: " + lp);

        assertTrue(node(READER).tryLatch(page, LockMode.S), () -> "a later read latches: " + lp);
        assertEquals(0, node(READER).store.counter(page), "and loads the page");
        node(READER).unlatch(page);
        assertFalse(node(WRITER).tryLatch(page, LockMode.X), "the writer asks");
        cluster.cycle();
        final int steps = deliverUntilWriterLatches(new Random(1));
        assertTrue(steps <= 8, "served within a few messages: " + steps);
        settle();
    }
}
