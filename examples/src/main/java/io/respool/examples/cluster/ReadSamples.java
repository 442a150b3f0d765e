package io.respool.examples.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One node's running read count as its {@code BANKREAD} lines give it (every 250 ms), with the launcher's clock at
 * each: the read rate over any window, e.g. the standby's reads before, during and after a failover. Added to by a
 * node's output thread, read by the launcher's.
 */
final class ReadSamples
{
    private final List<long[]> samples = new ArrayList<>();

    synchronized void add(final long nowNs, final long reads)
    {
        samples.add(new long[] { nowNs, reads });
    }

    /**
     * @return reads per second between the last samples at or before {@code fromNs} and {@code toNs}, or -1 if
     * there is no sample at or before one of them, or they are the same sample.
     */
    synchronized long perSecond(final long fromNs, final long toNs)
    {
        final long[] from = atOrBefore(fromNs);
        final long[] to = atOrBefore(toNs);
        if (from == null || to == null || to[0] == from[0])
        {
            return -1;
        }
        return (to[1] - from[1]) * 1_000_000_000L / (to[0] - from[0]);
    }

    private long[] atOrBefore(final long ns)
    {
        long[] found = null;
        for (final long[] s : samples)
        {
            if (s[0] - ns > 0)
            {
                break;
            }
            found = s;
        }
        return found;
    }
}
