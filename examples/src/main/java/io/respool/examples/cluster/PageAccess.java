package io.respool.examples.cluster;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import java.util.concurrent.atomic.LongAdder;

/**
 * Page acquisition through DMS as the demo's threads do it: {@link DmsNode#acquirePage} with one timeout, counted
 * by {@link AcquireResult} and timed per result. Thread-safe.
 */
final class PageAccess
{
    private final DmsNode node;
    private final long timeoutNs;
    private final LongAdder[] counts = new LongAdder[AcquireResult.values().length];
    private final Histogram[] latencies = new Histogram[AcquireResult.values().length];

    PageAccess(final DmsNode node, final long timeoutNs)
    {
        this.node = node;
        this.timeoutNs = timeoutNs;
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = new LongAdder();
            latencies[i] = new SynchronizedHistogram(3);
        }
    }

    /**
     * Acquire and latch a page.
     *
     * @throws io.respool.dms.api.DmsTimeoutException if DMS could not get it in time.
     */
    AcquireResult acquire(final long pageId, final LockMode mode)
    {
        return acquire(pageId, mode, timeoutNs);
    }

    /**
     * Acquire and latch a page, waiting at most {@code waitNs}.
     *
     * @throws io.respool.dms.api.DmsTimeoutException if DMS could not get it in time.
     */
    AcquireResult acquire(final long pageId, final LockMode mode, final long waitNs)
    {
        final long startNs = System.nanoTime();
        final AcquireResult result = node.acquirePage(pageId, mode, waitNs);
        final long tookNs = System.nanoTime() - startNs;
        counts[result.ordinal()].increment();
        latencies[result.ordinal()].recordValue(tookNs);
        return result;
    }

    void unlatch(final long pageId)
    {
        node.unlatchPage(pageId);
    }

    long count(final AcquireResult result)
    {
        return counts[result.ordinal()].sum();
    }

    Histogram latency(final AcquireResult result)
    {
        return latencies[result.ordinal()];
    }

    DmsNode node()
    {
        return node;
    }

    long timeoutNs()
    {
        return timeoutNs;
    }
}
