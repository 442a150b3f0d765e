package io.respool.examples.embedding;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Embedding DMS: global locks on named resources and a broadcast with acknowledgements, as a database uses them
 * for table locks and catalog invalidation. Two nodes run in this JVM for brevity. It shows:
 * <ol>
 *     <li>node 0 taking table 16384 in X ({@link DmsNode#lock}) for DDL;</li>
 *     <li>node 1's {@link DmsNode#tryLock} in S refused at once ({@link #NOT_GRANTED}), and a timed
 *     {@link DmsNode#lock} that gives up with {@link DmsTimeoutException};</li>
 *     <li>node 0 broadcasting a catalog invalidation and waiting for every node to acknowledge it
 *     ({@link DmsNode#broadcast}, received by the other node's {@link io.respool.dms.api.BroadcastHandler});</li>
 *     <li>a waiting lock request queued at the master and granted when node 0 unlocks;</li>
 *     <li>S shared by both nodes.</li>
 * </ol>
 * Properties: {@code -Drespool.example.dms.url=0:127.0.0.1:1613,1:127.0.0.1:1614} (default: two free loopback
 * ports), and every {@code -Drespool.dms.*} setting of {@link DmsContext}. Run it with {@code java --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED -cp examples/target/respool-examples.jar
 * io.respool.examples.embedding.GlobalLockExample}.
 */
public final class GlobalLockExample
{
    /** What {@link DmsNode#tryLock} returns when the lock is held elsewhere. */
    public static final long NOT_GRANTED = 0;
    /** The acknowledgement status of a broadcast that was handled. */
    public static final int HANDLED = 0;

    private static final long TABLE_ID = 16384;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private GlobalLockExample()
    {
    }

    /**
     * @param args none.
     * @throws Exception if a step fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final String url = ExampleNodes.url();
        final File base = Files.createTempDirectory("respool-lock-example").toFile();
        final ConcurrentHashMap<Long, byte[]> sharedStorage = new ConcurrentHashMap<>();
        final ExamplePageStore store0 = new ExamplePageStore("node 0", DmsContext.PAGE_SIZE_DEFAULT, sharedStorage);
        final ExamplePageStore store1 = new ExamplePageStore("node 1", DmsContext.PAGE_SIZE_DEFAULT, sharedStorage);
        final DmsContext ctx1 = new DmsContext().url(url).nodeId(1).baseDirectory(base).pageStore(store1)
            .broadcastHandler(GlobalLockExample::onCatalogInvalidation);
        try (DmsNode node0 = Dms.launch(new DmsContext().url(url).nodeId(0).baseDirectory(base).pageStore(store0));
            DmsNode node1 = Dms.launch(ctx1))
        {
            if (!node0.awaitConnected(TIMEOUT_NS) || !node1.awaitConnected(TIMEOUT_NS))
            {
                throw new IllegalStateException("nodes did not connect: url=" + url);
            }
            System.out.println("two nodes up: " + url);

            final long ddl = node0.lock(TABLE_ID, LockMode.X, TIMEOUT_NS);
            System.out.println("node 0 holds table " + TABLE_ID + " in X for DDL");

            final long tried = node1.tryLock(TABLE_ID, LockMode.S, TIMEOUT_NS);
            if (NOT_GRANTED == tried)
            {
                System.out.println("node 1 tryLock S: NOT_GRANTED, node 0 holds X");
            }
            else
            {
                node1.unlock(tried);
                throw new IllegalStateException("tryLock S granted while another node holds X");
            }

            try
            {
                node1.unlock(node1.lock(TABLE_ID, LockMode.S, TimeUnit.MILLISECONDS.toNanos(200)));
                throw new IllegalStateException("lock S granted while another node holds X");
            }
            catch (final DmsTimeoutException ex)
            {
                System.out.println("node 1 lock S for 200 ms: timed out, request cancelled (" + ex.getMessage() + ")");
            }

            final UnsafeBuffer message = new UnsafeBuffer(
                ("invalidate relcache " + TABLE_ID).getBytes(StandardCharsets.US_ASCII));
            final boolean acknowledged = node0.broadcast(message, 0, message.capacity(), TIMEOUT_NS);
            System.out.println("node 0 broadcast the catalog invalidation: " + (acknowledged ?
                "every node acknowledged" : "not every node acknowledged in time; a database would retry"));

            final CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(
                () -> node1.lock(TABLE_ID, LockMode.S, TIMEOUT_NS));
            Thread.sleep(100);
            System.out.println("node 1 waits for S in the master's queue: granted yet = " + waiting.isDone());
            node0.unlock(ddl);
            final long shared1 = waiting.get(10, TimeUnit.SECONDS);
            System.out.println("node 0 unlocked X: node 1's queued S request was granted");

            final long shared0 = node0.tryLock(TABLE_ID, LockMode.S, TIMEOUT_NS);
            if (NOT_GRANTED == shared0)
            {
                node1.unlock(shared1);
                throw new IllegalStateException("tryLock S refused while the other node holds only S");
            }
            System.out.println("node 0 tryLock S: granted, S is shared by both nodes");
            node0.unlock(shared0);
            node1.unlock(shared1);
            System.out.println("both unlocked");
        }
        finally
        {
            org.agrona.IoUtil.delete(base, true);
        }
    }

    /**
     * Node 1's broadcast handler, on its DMS agent thread: must return quickly.
     */
    private static int onCatalogInvalidation(final int fromNode, final DirectBuffer buffer, final int offset,
        final int length)
    {
        System.out.println("  [node 1] broadcast from node " + fromNode + ": " +
            buffer.getStringWithoutLengthAscii(offset, length));
        return HANDLED;
    }
}
