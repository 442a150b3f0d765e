package io.respool.dms;

import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The checkpoint half of earlier dirty pages (DMS's {@code ckpt_edp}): a node that keeps an earlier dirty copy
 * asks, through the page's master, that the owner write the newest image, after which the owner's clean lets the
 * copy go. Three nodes: node 2 masters the page, node 0 wrote it first (and keeps the earlier dirty copy), node 1
 * wrote it after and owns it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckpointEdpTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    @AutoClose
    private TestCluster cluster;
    private long page;

    @BeforeEach
    void before() throws Exception
    {
        cluster = new TestCluster(3, (ctx) -> ctx.statsIntervalNs(1_000_000));
        page = cluster.pageMasteredBy(2, 1);
        cluster.increment(0, page);
        cluster.increment(1, page);
        assertTrue(cluster.store(0).isEarlierDirty(page), "node 0 must keep an earlier dirty copy");
        assertFalse(cluster.store(0).evict(page, TIMEOUT), "an earlier dirty copy must not be evicted");
    }

    @Test
    void shouldAskOwnerToWriteSoEarlierDirtyCopyCanGo()
    {
        checkpointUntil(() -> cluster.store(1).writeRequests().contains(page), "owner asked to write the page");
        assertTrue(cluster.store(0).isEarlierDirty(page), "the copy stays until the newer image is written");
        assertEquals(0, cluster.disk.lsn(page));

        // node 1's checkpointer writes the page and cleans
        cluster.store(1).checkpoint(page, TIMEOUT);

        awaitTrue(() -> !cluster.store(0).isEarlierDirty(page), "earlier dirty copy cleaned");
        assertTrue(cluster.store(0).evict(page, TIMEOUT));
        assertEquals(2, counterOnDisk());
        assertTrue(counter(2, StatCounter.CKPT_EDP_FORWARDED) >= 1);
        assertEquals(cluster.store(1).writeRequests().size(), counter(1, StatCounter.WRITES_REQUESTED));
        assertTrue(cluster.stores.stream().allMatch((s) -> s.violations().isEmpty()), "WAL rule broken");
    }

    @Test
    void shouldCleanAtOnceWhenOwnerAlreadyWroteThePage()
    {
        // node 1 wrote the page but its clean never reached the master (say it was lost)
        cluster.store(1).write(page);

        checkpointUntil(() -> !cluster.store(0).isEarlierDirty(page), "earlier dirty copy cleaned");
        assertTrue(cluster.store(1).writeRequests().isEmpty(), "a clean owner must not be asked to write");
        assertTrue(cluster.store(0).evict(page, TIMEOUT));
        assertEquals(2, counterOnDisk());
    }

    @Test
    void shouldDoNothingForPageWithoutEarlierDirtyCopies() throws Exception
    {
        cluster.store(1).checkpoint(page, TIMEOUT);
        awaitTrue(() -> !cluster.store(0).isEarlierDirty(page), "earlier dirty copy cleaned");

        cluster.node(0).checkpointEdp(page);
        cluster.node(1).checkpointEdp(page + 1_000_000);
        Thread.sleep(50);

        assertTrue(cluster.store(1).writeRequests().isEmpty());
        assertEquals(0, counter(2, StatCounter.CKPT_EDP_FORWARDED));
    }

    private long counterOnDisk()
    {
        final org.agrona.concurrent.UnsafeBuffer image = new org.agrona.concurrent.UnsafeBuffer(new byte[8192]);
        cluster.disk.read(page, image);
        return image.getLong(InMemoryPageStore.COUNTER_OFFSET);
    }

    private long counter(final int nodeIndex, final StatCounter counter)
    {
        final File file = new File(cluster.node(nodeIndex).nodeDirectory(), StatsFileDescriptor.FILE_NAME);
        return StatsReader.read(file).counter(counter);
    }

    /**
     * Ask as a checkpointer does, once per round (20 ms here), until the condition holds: the request is one-way,
     * and the first may reach the master before the claim that recorded the earlier dirty copy.
     */
    private void checkpointUntil(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TIMEOUT;
        long nextRound = System.nanoTime();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting: " + what);
            }
            if (System.nanoTime() - nextRound >= 0)
            {
                cluster.node(0).checkpointEdp(page);
                nextRound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TIMEOUT;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }
}
