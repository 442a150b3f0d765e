package io.respool.cluster.arbiter;

import java.util.concurrent.TimeUnit;

/**
 * The distribution of the gaps between this node's consecutive confirmed heartbeat renewals (the start of one to
 * the start of the next, the quantity the self-fence timeout is compared with), in fixed buckets, so that an
 * operator sees how close a loaded node came to fencing itself before it does. Single writer: the arbiter's thread.
 */
final class RenewalGaps
{
    private static final long[] BOUNDS_MS = { 150, 300, 500, 1000, 2000 };

    private final long[] counts = new long[BOUNDS_MS.length + 1];
    private long maxNs;

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

    long maxNs()
    {
        return maxNs;
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
        return sb.append(", max ").append(TimeUnit.NANOSECONDS.toMillis(maxNs)).append(" ms").toString();
    }
}
