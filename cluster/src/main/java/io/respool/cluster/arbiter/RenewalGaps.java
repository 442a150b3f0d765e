package io.respool.cluster.arbiter;

import java.util.concurrent.TimeUnit;

/**
 * The distribution of this node's own heartbeat renewal gaps, in fixed buckets, so that an operator sees how close a
 * loaded node came to fencing itself before it does. A gap is the quantity the self-fence timeout is compared with:
 * from the start of one confirmed renewal's write to the end of the next one's (the age the gate reached just before
 * the next renewal confirmed), or to the moment the rule failed for the gap that fenced the node. The renewal
 * write's own latency is kept beside it, so that a gap made by a write blocked in the kernel is told from one made
 * by a thread that did not run. Single writer: the arbiter's thread.
 */
final class RenewalGaps
{
    private static final long[] BOUNDS_MS = { 150, 300, 500, 1000, 2000 };

    private final long[] counts = new long[BOUNDS_MS.length + 1];
    private long maxNs;
    private long maxWriteNs;
    private long writes;

    void record(final long gapNs)
    {
        final long ms = TimeUnit.NANOSECONDS.toMillis(gapNs);
        int bucket = 0;
        while (bucket < BOUNDS_MS.length && ms > BOUNDS_MS[bucket])
        {
            bucket++;
        }
        counts[bucket]++;
        maxNs = Math.max(maxNs, gapNs);
    }

    void recordWrite(final long latencyNs)
    {
        writes++;
        maxWriteNs = Math.max(maxWriteNs, latencyNs);
    }

    long maxNs()
    {
        return maxNs;
    }

    long maxWriteNs()
    {
        return maxWriteNs;
    }

    long count()
    {
        long n = 0;
        for (final long c : counts)
        {
            n += c;
        }
        return n;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("renewal gaps:");
        for (int i = 0; i < counts.length; i++)
        {
            sb.append(i < BOUNDS_MS.length ? " <=" + BOUNDS_MS[i] : " >" + BOUNDS_MS[BOUNDS_MS.length - 1])
                .append("ms ").append(counts[i]);
        }
        return sb.append(", max ").append(TimeUnit.NANOSECONDS.toMillis(maxNs)).append(" ms; renewal writes ")
            .append(writes).append(", max ").append(TimeUnit.NANOSECONDS.toMillis(maxWriteNs)).append(" ms")
            .toString();
    }
}
