package io.respool.dms;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.MembershipView;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cache-fusion flows on 3 nodes in one JVM, step by step: grant from disk, 2-way and 3-way shipping, downgrade,
 * invalidation of shared copies, upgrade, release, and the 1/2/3-way statistics.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PageProtocolTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    @AutoClose
    private TestCluster cluster;

    @Test
    void shouldServeTheDefaultViewOfEveryNode()
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(2, (ctx) -> {}));
        for (int i = 0; i < 2; i++)
        {
            assertEquals(new MembershipView(1, 0b11, 0, 0), cluster.node(i).membershipView());
            assertEquals(1, cluster.node(i).membershipVersion());
        }
    }

    @Test
    void shouldShipPagesBetweenThreeNodes()
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(3, (ctx) -> {}));
        final DmsNode n0 = cluster.node(0);
        final DmsNode n1 = cluster.node(1);
        final DmsNode n2 = cluster.node(2);
        final long page = cluster.pageMasteredBy(2, 1000);

        // node 0 asks master 2, nobody has it: grant, read from disk
        assertEquals(AcquireResult.FROM_DISK, n0.acquirePage(page, LockMode.X, TIMEOUT));
        cluster.store(0).increment(page);
        n0.unlatchPage(page);
        assertEquals(LockMode.X, n0.pageMode(page));

        // again: local hit
        assertEquals(AcquireResult.LOCAL_HIT, n0.acquirePage(page, LockMode.X, TIMEOUT));
        cluster.store(0).increment(page);
        n0.unlatchPage(page);

        // node 1 reads: master 2 forwards to owner 0 which ships to 1 (3-way); 0 drops to S
        assertEquals(AcquireResult.FROM_PEER, n1.acquirePage(page, LockMode.S, TIMEOUT));
        assertEquals(2, cluster.store(1).counter(page));
        n1.unlatchPage(page);
        assertEquals(LockMode.S, n0.pageMode(page));
        assertEquals(LockMode.S, n1.pageMode(page));

        // node 2 (the master) writes: node 1's copy is invalidated, owner 0 ships X (2-way from a local master)
        assertEquals(AcquireResult.FROM_PEER, n2.acquirePage(page, LockMode.X, TIMEOUT));
        assertEquals(2, cluster.store(2).counter(page));
        cluster.store(2).increment(page);
        n2.unlatchPage(page);
        assertEquals(LockMode.NULL, n1.pageMode(page));
        assertEquals(LockMode.NULL, n0.pageMode(page));

        // node 2 reads locally
        assertEquals(AcquireResult.LOCAL_HIT, n2.acquirePage(page, LockMode.S, TIMEOUT));
        n2.unlatchPage(page);

        assertEquals(3, cluster.read(0, page));
        assertEquals(3, cluster.read(1, page));
        cluster.increment(1, page);
        assertEquals(4, cluster.read(2, page));
        assertEquals(4, cluster.read(0, page));

        assertTrue(cluster.stores.stream().allMatch((s) -> s.violations().isEmpty()), "WAL rule broken");
    }

    @Test
    void shouldUpgradeSharedToExclusiveWithoutShipping()
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(2, (ctx) -> {}));
        final DmsNode n0 = cluster.node(0);
        final DmsNode n1 = cluster.node(1);
        final long page = cluster.pageMasteredBy(1, 5000);

        assertEquals(AcquireResult.FROM_DISK, n0.acquirePage(page, LockMode.S, TIMEOUT));
        n0.unlatchPage(page);
        assertEquals(AcquireResult.UPGRADED, n0.acquirePage(page, LockMode.X, TIMEOUT));
        cluster.store(0).increment(page);
        n0.unlatchPage(page);
        assertEquals(1, cluster.read(1, page));
    }

    @Test
    void shouldDeferTransferUntilLocalLatchIsReleased() throws Exception
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(2, (ctx) -> {}));
        final DmsNode n0 = cluster.node(0);
        final DmsNode n1 = cluster.node(1);
        final long page = cluster.pageMasteredBy(0, 7000);

        n0.acquirePage(page, LockMode.X, TIMEOUT);
        cluster.store(0).increment(page);

        final long[] seen = new long[1];
        final Thread reader = new Thread(() -> seen[0] = cluster.read(1, page));
        reader.start();
        Thread.sleep(100);
        assertTrue(reader.isAlive(), "reader must wait while node 0 holds the X latch");
        cluster.store(0).increment(page);
        n0.unlatchPage(page);
        reader.join(10_000);
        assertFalse(reader.isAlive());
        assertEquals(2, seen[0]);
    }

    @Test
    void shouldReleaseOwnershipAndReadFromDiskAfterwards() throws Exception
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(2, (ctx) -> {}));
        final DmsNode n0 = cluster.node(0);
        final long page = cluster.pageMasteredBy(1, 9000);

        cluster.increment(0, page);
        cluster.increment(1, page);
        // node 1 owns it dirty, node 0 holds an earlier dirty copy: node 0 cannot evict it
        assertFalse(cluster.store(0).evict(page, TIMEOUT));
        // node 1 writes it and cleans the edp, then releases
        assertTrue(cluster.store(1).evict(page, TIMEOUT));
        // node 0 learns asynchronously that its earlier dirty copy is clean, then may evict
        final long deadline = System.nanoTime() + TIMEOUT;
        boolean evicted = false;
        while (!evicted && System.nanoTime() - deadline < 0)
        {
            evicted = cluster.store(0).evict(page, TIMEOUT);
            Thread.onSpinWait();
        }
        assertTrue(evicted);
        assertEquals(LockMode.NULL, cluster.node(1).pageMode(page));
        assertEquals(AcquireResult.FROM_DISK, n0.acquirePage(page, LockMode.S, TIMEOUT));
        assertEquals(2, cluster.store(0).counter(page));
        n0.unlatchPage(page);
    }

    @Test
    void shouldCountOneTwoThreeWayInStatsFile() throws Exception
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(3, (ctx) -> ctx.statsIntervalNs(1_000_000)));
        final DmsNode n0 = cluster.node(0);
        final long local = cluster.pageMasteredBy(0, 100);
        final long remote = cluster.pageMasteredBy(1, 200);
        final long third = cluster.pageMasteredBy(2, 300);

        cluster.increment(0, local);            // 1-way
        cluster.increment(0, remote);           // 2-way (grant from master 1)
        cluster.increment(1, third);            // node 1 owns, master 2
        cluster.increment(0, third);            // 3-way: master 2 forwards to owner 1

        final StatsReader.Snapshot snapshot = awaitPublished(new File(n0.nodeDirectory(), StatsFileDescriptor.FILE_NAME));
        assertEquals(0, snapshot.nodeId());
        assertEquals(ProcessHandle.current().pid(), snapshot.pid());
        assertEquals(1, snapshot.counter(StatCounter.PAGE_REQUESTS_1WAY));
        assertEquals(1, snapshot.counter(StatCounter.PAGE_REQUESTS_2WAY));
        assertEquals(1, snapshot.counter(StatCounter.PAGE_REQUESTS_3WAY));
        assertEquals(1, snapshot.event(StatEvent.PAGE_3WAY).count());
        assertTrue(snapshot.event(StatEvent.PAGE_3WAY).p50() > 0);
    }

    /** The stats file is published every interval; wait for the one that holds the 3-way latency, the last thing recorded. */
    private static StatsReader.Snapshot awaitPublished(final File statsFile) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        StatsReader.Snapshot snapshot = StatsReader.read(statsFile);
        while (snapshot.event(StatEvent.PAGE_3WAY).count() == 0 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(5);
            snapshot = StatsReader.read(statsFile);
        }
        return snapshot;
    }
}
