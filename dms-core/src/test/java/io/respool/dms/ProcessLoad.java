package io.respool.dms;

import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read/increment workload of one node process in {@link MultiProcessTest}, and its coherence checks, made on
 * every operation against what all processes share ({@link ProcessSharedState}):
 * <ul>
 *     <li>no overlapping holds: while this node has the page latched in X no other node has it latched, and while
 *     in S no other node has it in X;</li>
 *     <li>no stale read: the counter is at least the highest one unlatched anywhere before the acquire began, and
 *     at least the last this thread saw;</li>
 *     <li>no lost update of this node's own: the image counts exactly the increments this incarnation had
 *     acknowledged on the page (acknowledged under the X latch, after the WAL record);</li>
 *     <li>every image whole: the counter is the sum of the contributions.</li>
 * </ul>
 * An acquire that times out or fails is an operation not acknowledged: it is counted and reported, never retried
 * silently.
 */
final class ProcessLoad
{
    static final long OPERATION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);
    private static final long SLOW_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final DmsNode node;
    private final ProcessPageStore store;
    private final ProcessSharedState shared;
    private final int nodeId;
    private final int slot;
    private final long seed;
    private final int threadCount;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong maxWaitNs = new AtomicLong();
    private volatile boolean running;

    ProcessLoad(final DmsNode node, final ProcessPageStore store, final ProcessSharedState shared, final int slot,
        final long seed, final int threadCount)
    {
        this.node = node;
        this.store = store;
        this.shared = shared;
        this.nodeId = node.nodeId();
        this.slot = slot;
        this.seed = seed;
        this.threadCount = threadCount;
    }

    void start()
    {
        running = true;
        for (int t = 0; t < threadCount; t++)
        {
            final Random random = new Random(seed * 31 + t);
            final Thread thread = new Thread(() -> work(random), "load-" + nodeId + "-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Stop the workers and wait for each to finish its operation.
     *
     * @return a {@code STOPPED} line with the counts, or a {@code FAILED} line with the first failures.
     */
    String stop() throws InterruptedException
    {
        running = false;
        for (final Thread thread : threads)
        {
            thread.join(OPERATION_TIMEOUT_NS / 1_000_000 * 2);
            if (thread.isAlive())
            {
                fail("worker did not stop: " + thread.getName());
            }
        }
        threads.clear();
        final String counts = "reads=" + reads.get() + " writes=" + writes.get() + " checkpoints=" +
            checkpoints.get() + " timeouts=" + timeouts.get() + " slow=" + slow.get() + " maxWaitMs=" +
            TimeUnit.NANOSECONDS.toMillis(maxWaitNs.get());
        return failures.isEmpty() ? "STOPPED " + counts : "FAILED " + counts + " " + String.join(" | ", failures);
    }

    /**
     * Read every page in S and check it.
     *
     * @return {@code PAGES} and per page {@code counter:contribution,contribution,...}, or a {@code FAILED} line.
     */
    String check()
    {
        final StringBuilder sb = new StringBuilder("PAGES");
        final long[] lastSeen = new long[shared.pages()];
        for (int index = 0; index < shared.pages(); index++)
        {
            final long pageId = ProcessPageStore.FIRST_PAGE + index;
            try
            {
                if (!operate(index, LockMode.S, lastSeen, sb))
                {
                    break;
                }
            }
            catch (final RuntimeException ex)
            {
                fail("check read failed: node=" + nodeId + ", pageId=" + pageId + ", " + ex);
                break;
            }
        }
        return failures.isEmpty() ? sb.toString() : "FAILED " + String.join(" | ", failures);
    }

    /**
     * Record a failure; the first is printed at once ({@code FAILED ...}) so that the test stops waiting.
     */
    private void fail(final String failure)
    {
        final boolean first = failures.isEmpty();
        failures.add(failure);
        if (first)
        {
            System.out.println("FAILED " + failure);
        }
    }

    private void work(final Random random)
    {
        final long[] lastSeen = new long[shared.pages()];
        while (running && failures.isEmpty())
        {
            final int index = random.nextInt(shared.pages());
            final int dice = random.nextInt(100);
            try
            {
                if (dice < 3)
                {
                    store.checkpoint(ProcessPageStore.FIRST_PAGE + index, OPERATION_TIMEOUT_NS);
                    checkpoints.incrementAndGet();
                }
                else
                {
                    operate(index, dice < 40 ? LockMode.X : LockMode.S, lastSeen, null);
                }
            }
            catch (final DmsTimeoutException ex)
            {
                timeouts.incrementAndGet();
                fail("not acknowledged in time: node=" + nodeId + ", pageId=" +
                    (ProcessPageStore.FIRST_PAGE + index) + ", " + ex.getMessage());
            }
            catch (final DmsException ex)
            {
                fail("node failed: node=" + nodeId + ", code=" + ex.errorCode() + ", " + ex.getMessage());
            }
            catch (final RuntimeException ex)
            {
                fail("worker failed: node=" + nodeId + ", " + ex);
            }
        }
    }

    /**
     * One checked operation: acquire, check, increment under X (or append the image to {@code report}), give back.
     *
     * @return false if a check failed (recorded in the failures).
     */
    private boolean operate(final int index, final LockMode mode, final long[] lastSeen,
        final StringBuilder report)
    {
        final long pageId = ProcessPageStore.FIRST_PAGE + index;
        final boolean write = mode == LockMode.X;
        final long floor = shared.committed(index);
        final long startNs = System.nanoTime();
        node.acquirePage(pageId, mode, OPERATION_TIMEOUT_NS);
        final long waitNs = System.nanoTime() - startNs;
        maxWaitNs.accumulateAndGet(waitNs, Math::max);
        if (waitNs > SLOW_NS)
        {
            slow.incrementAndGet();
        }
        long value = 0;
        boolean held = false;
        try
        {
            final String overlap = shared.enterHold(index, nodeId, write);
            held = true;
            final String problem = overlap != null ? overlap : checkRead(pageId, index, floor, lastSeen);
            if (problem != null)
            {
                fail(problem);
                return false;
            }
            value = store.counter(pageId);
            if (write)
            {
                value = store.increment(pageId, slot);
                shared.ack(slot, index);
                writes.incrementAndGet();
            }
            else if (report == null)
            {
                reads.incrementAndGet();
            }
            else
            {
                report.append(' ').append(value).append(':');
                for (int s = 0; s < shared.slots(); s++)
                {
                    report.append(s == 0 ? "" : ",").append(store.contribution(pageId, s));
                }
            }
            lastSeen[index] = value;
        }
        finally
        {
            if (held)
            {
                shared.exitHold(index, nodeId, write);
            }
            node.unlatchPage(pageId);
        }
        shared.commit(index, value);
        return true;
    }

    private String checkRead(final long pageId, final int index, final long floor, final long[] lastSeen)
    {
        final String torn = store.checkImage(pageId);
        if (torn != null)
        {
            return torn + ", node=" + nodeId;
        }
        final long value = store.counter(pageId);
        if (value < floor || value < lastSeen[index])
        {
            return "stale read: node=" + nodeId + ", pageId=" + pageId + ", value=" + value +
                ", committedBeforeRead=" + floor + ", lastSeenByThread=" + lastSeen[index];
        }
        final long mine = store.contribution(pageId, slot);
        final long acked = shared.acked(slot, index);
        if (mine != acked)
        {
            return "lost update: node=" + nodeId + ", slot=" + slot + ", pageId=" + pageId + ", contribution=" +
                mine + ", acknowledged=" + acked;
        }
        return null;
    }
}
