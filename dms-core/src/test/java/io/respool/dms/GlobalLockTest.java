package io.respool.dms;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Global locks on named resources (S/X, queueing, try-lock, timed lock) and broadcast with acknowledgements,
 * on 3 nodes, with and without message loss.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GlobalLockTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    @AutoClose
    private TestCluster cluster;

    @Test
    void shouldShareSAndExcludeXWithTryAndTimedLock()
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(3, (ctx) -> {}));
        final DmsNode n0 = cluster.node(0);
        final DmsNode n1 = cluster.node(1);
        final DmsNode n2 = cluster.node(2);
        final long table = 4242;

        final long s0 = n0.lock(table, LockMode.S, TIMEOUT);
        final long s1 = n1.lock(table, LockMode.S, TIMEOUT);
        assertNotEquals(0, s0);
        assertNotEquals(0, s1);
        assertEquals(0, n2.tryLock(table, LockMode.X, TIMEOUT), "X must be refused while S is held");
        final DmsTimeoutException ex = assertThrows(DmsTimeoutException.class,
            () -> n2.lock(table, LockMode.X, TimeUnit.MILLISECONDS.toNanos(100)));
        assertTrue(ex.getMessage().startsWith("global lock timed out: nodeId=2, resourceId=4242, mode=X"),
            ex.getMessage());
        n0.unlock(s0);
        n1.unlock(s1);
        final long x2 = n2.lock(table, LockMode.X, TIMEOUT);
        assertNotEquals(0, x2);
        assertEquals(0, n0.tryLock(table, LockMode.S, TIMEOUT));
        n2.unlock(x2);
        final long s = n0.lock(table, LockMode.S, TIMEOUT);
        assertNotEquals(0, s);
        n0.unlock(s);
    }

    @Test
    void shouldQueueWaitersInOrderAndExcludeUnderLoss() throws Exception
    {
        cluster = assertDoesNotThrow(() -> new TestCluster(3, (ctx) -> ctx.lossRate(0.05).lossSeed(ctx.nodeId())
            .retryIntervalNs(TimeUnit.MILLISECONDS.toNanos(2)).redriveIntervalNs(TimeUnit.MILLISECONDS.toNanos(5))));
        final long resource = 7;
        final AtomicInteger inside = new AtomicInteger();
        final AtomicLong entries = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < 3; n++)
        {
            final DmsNode node = cluster.node(n);
            for (int t = 0; t < 2; t++)
            {
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        for (int i = 0; i < 30; i++)
                        {
                            final long token = node.lock(resource, LockMode.X, TIMEOUT);
                            if (inside.incrementAndGet() != 1)
                            {
                                failures.add("two X holders at once");
                            }
                            entries.incrementAndGet();
                            inside.decrementAndGet();
                            node.unlock(token);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex.toString());
                    }
                });
                threads.add(thread);
                thread.start();
            }
        }
        for (final Thread thread : threads)
        {
            thread.join(50_000);
        }
        assertTrue(failures.isEmpty(), failures::toString);
        assertEquals(180, entries.get());
    }

    @Test
    void shouldBroadcastToEveryNodeOnceEvenWhenResent()
    {
        final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        cluster = assertDoesNotThrow(() -> new TestCluster(3, (ctx) -> ctx
            .lossRate(0.2).lossSeed(11 + ctx.nodeId()).retryIntervalNs(TimeUnit.MILLISECONDS.toNanos(2))
            .broadcastHandler((from, buffer, offset, length) ->
            {
                received.add(ctx.nodeId() + "<-" + from + ":" + buffer.getStringWithoutLengthAscii(offset, length));
                return 0;
            })));
        for (int i = 0; i < 20; i++)
        {
            final byte[] bytes = ("inval-" + i).getBytes(StandardCharsets.US_ASCII);
            assertTrue(cluster.node(0).broadcast(new UnsafeBuffer(bytes), 0, bytes.length, TIMEOUT));
        }
        assertEquals(40, received.size(), received::toString);
        for (int i = 0; i < 20; i++)
        {
            assertTrue(received.contains("1<-0:inval-" + i));
            assertTrue(received.contains("2<-0:inval-" + i));
        }
    }
}
