package io.respool.examples.embedding;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;

import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Embedding DMS: page requests between two nodes, the cache-fusion protocol step by step. Both nodes run in this
 * JVM for brevity (a database runs one per process; see {@code bin/cluster-demo} for two processes). It shows:
 * <ol>
 *     <li>launching a node with {@link Dms#launch} around the database's {@link io.respool.dms.api.PageStore}, in
 *     try-with-resources;</li>
 *     <li>node 0 taking a page in X (granted: nobody has it, so it is read from disk), changing it, and
 *     giving back the latch;</li>
 *     <li>node 1 taking it in S: node 0 flushes its WAL up to the page LSN, then ships the dirty page (2-way);</li>
 *     <li>node 0 taking it in X again: node 1's shared copy is invalidated (an upgrade);</li>
 *     <li>node 1 evicting the page: {@link DmsNode#releasePage} refuses while its copy is dirty, so it writes the
 *     page to shared storage, tells the master ({@link DmsNode#cleanEdp}) and releases it;</li>
 *     <li>a timeout on every wait, and every {@link AcquireResult} handled by name.</li>
 * </ol>
 * Properties: {@code -Drespool.example.dms.url=0:127.0.0.1:1613,1:127.0.0.1:1614} (default: two free loopback
 * ports), and every {@code -Drespool.dms.*} setting of {@link DmsContext}, such as
 * {@code -Drespool.dms.idle.strategy=backoff}. Run it with {@code java --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED -cp examples/target/respool-examples.jar
 * io.respool.examples.embedding.DmsPageExample}.
 */
public final class DmsPageExample
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long PAGE_ID = 42;

    private DmsPageExample()
    {
    }

    /**
     * @param args none.
     * @throws IOException          if the node directories cannot be made.
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws IOException, InterruptedException
    {
        final String url = ExampleNodes.url();
        final File base = Files.createTempDirectory("respool-dms-example").toFile();
        final ConcurrentHashMap<Long, byte[]> sharedStorage = new ConcurrentHashMap<>();
        final ExamplePageStore store0 = new ExamplePageStore("node 0", DmsContext.PAGE_SIZE_DEFAULT, sharedStorage);
        final ExamplePageStore store1 = new ExamplePageStore("node 1", DmsContext.PAGE_SIZE_DEFAULT, sharedStorage);
        try (DmsNode node0 = Dms.launch(new DmsContext().url(url).nodeId(0).baseDirectory(base).pageStore(store0));
            DmsNode node1 = Dms.launch(new DmsContext().url(url).nodeId(1).baseDirectory(base).pageStore(store1)))
        {
            if (!node0.awaitConnected(TIMEOUT_NS) || !node1.awaitConnected(TIMEOUT_NS))
            {
                throw new IllegalStateException("nodes did not connect: url=" + url);
            }
            System.out.println("two nodes up: " + url + "; page " + PAGE_ID + " is mastered by node " +
                node0.masterOf(PAGE_ID));

            System.out.println("node 0 takes the page in X and changes it");
            report("node 0 X", node0.acquirePage(PAGE_ID, LockMode.X, TIMEOUT_NS));
            try
            {
                store0.buffer(PAGE_ID).putLong(8, 1234, ByteOrder.LITTLE_ENDIAN);
                store0.changed(PAGE_ID, 100);
            }
            finally
            {
                node0.unlatchPage(PAGE_ID);
            }

            System.out.println("node 1 takes it in S: node 0 flushes its WAL to the page LSN, then ships the page");
            report("node 1 S", node1.acquirePage(PAGE_ID, LockMode.S, TIMEOUT_NS));
            try
            {
                System.out.println("node 1 reads " + store1.buffer(PAGE_ID).getLong(8, ByteOrder.LITTLE_ENDIAN) +
                    " at LSN " + store1.pageLsn(PAGE_ID) + "; node 0 now holds " + node0.pageMode(PAGE_ID) +
                    ", node 1 " + node1.pageMode(PAGE_ID));
            }
            finally
            {
                node1.unlatchPage(PAGE_ID);
            }

            System.out.println("node 0 takes it in X again: node 1's shared copy is invalidated");
            report("node 0 X", node0.acquirePage(PAGE_ID, LockMode.X, TIMEOUT_NS));
            try
            {
                store0.buffer(PAGE_ID).putLong(8, 5678, ByteOrder.LITTLE_ENDIAN);
                store0.changed(PAGE_ID, 200);
            }
            finally
            {
                node0.unlatchPage(PAGE_ID);
            }
            System.out.println("node 1 holds " + node1.pageMode(PAGE_ID) + " now; it reads again:");
            report("node 1 S", node1.acquirePage(PAGE_ID, LockMode.S, TIMEOUT_NS));
            node1.unlatchPage(PAGE_ID);
            report("node 1 S", node1.acquirePage(PAGE_ID, LockMode.S, TIMEOUT_NS));
            node1.unlatchPage(PAGE_ID);

            evict(node1, store1);

            Thread.sleep(300); // the agent publishes its counters every 200 ms
            final StatsReader.Snapshot stats = StatsReader.read(
                new File(node1.nodeDirectory(), StatsFileDescriptor.FILE_NAME));
            System.out.println("node 1 statistics: 1-way " + stats.counter(StatCounter.PAGE_REQUESTS_1WAY) +
                ", 2-way " + stats.counter(StatCounter.PAGE_REQUESTS_2WAY) + ", 3-way " +
                stats.counter(StatCounter.PAGE_REQUESTS_3WAY) + ", local hits " +
                stats.counter(StatCounter.PAGE_LOCAL_HITS));
        }
        catch (final DmsTimeoutException ex)
        {
            System.out.println("a page request timed out: " + ex.getMessage());
            throw ex;
        }
        finally
        {
            org.agrona.IoUtil.delete(base, true);
        }
    }

    /**
     * Evict a page as a database does: ask DMS first; if the page is dirty here, write it under S, tell the master
     * it is clean, and ask again.
     */
    private static void evict(final DmsNode node, final ExamplePageStore store)
    {
        final boolean released = node.releasePage(PAGE_ID, TIMEOUT_NS);
        if (released)
        {
            System.out.println("node " + node.nodeId() + " released the page: its buffer may go");
            return;
        }
        System.out.println("node " + node.nodeId() + " releasePage: refused, the page is dirty here (it came " +
            "dirty from node 0); write it first");
        node.acquirePage(PAGE_ID, LockMode.S, TIMEOUT_NS);
        final long diskLsn;
        try
        {
            diskLsn = store.write(PAGE_ID);
        }
        finally
        {
            node.unlatchPage(PAGE_ID);
        }
        node.cleanEdp(PAGE_ID, diskLsn);
        final boolean releasedAfterWrite = node.releasePage(PAGE_ID, TIMEOUT_NS);
        System.out.println("node " + node.nodeId() + " releasePage after the write: " + (releasedAfterWrite ?
            "released, its buffer may go" : "refused again (the master is busy with the page): keep the buffer"));
    }

    private static void report(final String who, final AcquireResult result)
    {
        switch (result)
        {
            case LOCAL_HIT ->
            {
                System.out.println(who + ": LOCAL_HIT, this node already held the page in a sufficient mode");
            }

            case FROM_PEER ->
            {
                System.out.println(who + ": FROM_PEER, the page was shipped from the other node's memory");
            }

            case FROM_DISK ->
            {
                System.out.println(who + ": FROM_DISK, nobody had it in memory; read from shared storage");
            }

            case UPGRADED ->
            {
                System.out.println(who + ": UPGRADED, S raised to X in place; the other copies were invalidated");
            }
        }
    }
}
