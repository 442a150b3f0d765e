package io.respool.dms;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The coherence-under-load invariant: random S and X requests from every node on a set of pages; under X a
 * thread increments the page's counter; under S it reads it. It fails if the final counter of a page differs from
 * the number of increments made, or if a read ever returns a value older than one already committed (unlatched)
 * before the read began, or older than one this thread already read. Some operations evict pages as a database
 * would (write if dirty, clean edp, release). Seeded: failures print the seed.
 */
final class CoherenceLoad
{
    final long seed;
    final int pages;
    final int threadsPerNode;
    final long durationNs;
    final double writeFraction;
    final double evictFraction;
    final AtomicLongArray increments;
    final AtomicLongArray committed;
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicLong operations = new AtomicLong();
    final AtomicLong evictions = new AtomicLong();

    CoherenceLoad(final long seed, final int pages, final int threadsPerNode, final long durationNs,
        final double writeFraction, final double evictFraction)
    {
        this.seed = seed;
        this.pages = pages;
        this.threadsPerNode = threadsPerNode;
        this.durationNs = durationNs;
        this.writeFraction = writeFraction;
        this.evictFraction = evictFraction;
        this.increments = new AtomicLongArray(pages);
        this.committed = new AtomicLongArray(pages);
    }

    String describe()
    {
        return "seed=" + seed + " (rerun with -Drespool.test.seed=" + seed + "), pages=" + pages +
            ", threadsPerNode=" + threadsPerNode + ", operations=" + operations.get() + ", evictions=" +
            evictions.get();
    }

    void run(final TestCluster cluster) throws InterruptedException
    {
        final List<Thread> threads = new ArrayList<>();
        final long endNs = System.nanoTime() + durationNs;
        for (int n = 0; n < cluster.nodes.size(); n++)
        {
            for (int t = 0; t < threadsPerNode; t++)
            {
                final int nodeIndex = n;
                final Random random = new Random(seed * 31 + n * 1000 + t);
                final Thread thread = new Thread(() -> worker(cluster, nodeIndex, random, endNs),
                    "load-" + n + "-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }
        for (final Thread thread : threads)
        {
            thread.join(durationNs / 1_000_000 + 60_000);
            if (thread.isAlive())
            {
                failures.add("worker did not finish: " + thread.getName());
            }
        }
        if (failures.isEmpty())
        {
            verify(cluster);
        }
    }

    private void worker(final TestCluster cluster, final int nodeIndex, final Random random, final long endNs)
    {
        final DmsNode node = cluster.node(nodeIndex);
        final InMemoryPageStore store = cluster.store(nodeIndex);
        final long[] lastSeen = new long[pages];
        final long timeoutNs = TimeUnit.SECONDS.toNanos(20);
        try
        {
            while (System.nanoTime() - endNs < 0 && failures.isEmpty())
            {
                final int index = random.nextInt(pages);
                final long pageId = 1_000 + index;
                final double dice = random.nextDouble();
                if (dice < evictFraction)
                {
                    if (store.evict(pageId, timeoutNs))
                    {
                        evictions.incrementAndGet();
                    }
                    continue;
                }
                final boolean write = dice < evictFraction + writeFraction;
                final long floor = committed.get(index);
                node.acquirePage(pageId, write ? LockMode.X : LockMode.S, timeoutNs);
                try
                {
                    final long value = store.counter(pageId);
                    if (value < floor || value < lastSeen[index])
                    {
                        final StringBuilder states = new StringBuilder();
                        for (final DmsNode n : cluster.nodes)
                        {
                            states.append("\n    ").append(((DmsNodeImpl)n).describePage(pageId));
                        }
                        failures.add("stale read: node=" + nodeIndex + ", pageId=" + pageId + ", value=" + value +
                            ", committedBeforeRead=" + floor + ", lastSeenByThread=" + lastSeen[index] +
                            ", mode=" + (write ? "X" : "S") + states);
                    }
                    lastSeen[index] = value;
                    if (write)
                    {
                        final long next = store.increment(pageId);
                        increments.incrementAndGet(index);
                        lastSeen[index] = next;
                        committed.accumulateAndGet(index, next, Math::max);
                    }
                }
                finally
                {
                    node.unlatchPage(pageId);
                }
                operations.incrementAndGet();
            }
        }
        catch (final Throwable ex)
        {
            failures.add("worker failed: node=" + nodeIndex + ", " + ex);
        }
    }

    private void verify(final TestCluster cluster)
    {
        final long timeoutNs = TimeUnit.SECONDS.toNanos(20);
        for (int index = 0; index < pages; index++)
        {
            final long pageId = 1_000 + index;
            final int nodeIndex = index % cluster.nodes.size();
            final DmsNode node = cluster.node(nodeIndex);
            try
            {
                node.acquirePage(pageId, LockMode.S, timeoutNs);
                try
                {
                    final long value = cluster.store(nodeIndex).counter(pageId);
                    if (value != increments.get(index))
                    {
                        failures.add("lost or extra increments: pageId=" + pageId + ", counter=" + value +
                            ", increments=" + increments.get(index) + ", readOn=" + nodeIndex);
                    }
                }
                finally
                {
                    node.unlatchPage(pageId);
                }
            }
            catch (final Throwable ex)
            {
                failures.add("final read failed: pageId=" + pageId + ", " + ex);
            }
        }
        for (final InMemoryPageStore store : cluster.stores)
        {
            failures.addAll(store.violations());
        }
    }
}
