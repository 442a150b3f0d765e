package io.respool.dss.engine;

import java.util.Arrays;

import static io.respool.dss.format.EntryVolumeLayout.volumeOf;

/**
 * Immutable map from file AU index to physical AU, as sorted runs {@code (fileAu, physicalAu, count)}: a run maps
 * {@code fileAu + i} to {@code physicalAu + i}. Holes read as zeros. Changes return a new map so that the data path
 * reads a published map without locking.
 */
final class ExtentMap
{
    static final ExtentMap EMPTY = new ExtentMap(new long[0], new long[0], new long[0], 0);
    static final long HOLE = -1;

    private final long[] fileAus;
    private final long[] physicalAus;
    private final long[] counts;
    private final int length;

    private ExtentMap(final long[] fileAus, final long[] physicalAus, final long[] counts, final int length)
    {
        this.fileAus = fileAus;
        this.physicalAus = physicalAus;
        this.counts = counts;
        this.length = length;
    }

    /**
     * A map over runs already sorted by file AU and not overlapping, as a checkpoint stores them: O(n), where adding
     * them one by one would copy the arrays n times.
     */
    static ExtentMap ofSorted(final long[] fileAus, final long[] physicalAus, final long[] counts, final int length)
    {
        for (int i = 1; i < length; i++)
        {
            if (fileAus[i - 1] + counts[i - 1] > fileAus[i])
            {
                throw new IllegalStateException("runs unsorted or overlapping: index=" + i + ", fileAu=" + fileAus[i]);
            }
        }
        return length == 0 ? EMPTY : new ExtentMap(fileAus, physicalAus, counts, length);
    }

    int runCount()
    {
        return length;
    }

    long runFileAu(final int i)
    {
        return fileAus[i];
    }

    long runPhysicalAu(final int i)
    {
        return physicalAus[i];
    }

    long runCount(final int i)
    {
        return counts[i];
    }

    long allocatedAus()
    {
        long total = 0;
        for (int i = 0; i < length; i++)
        {
            total += counts[i];
        }
        return total;
    }

    /**
     * @return the physical AU holding file AU {@code fileAu}, or {@link #HOLE}.
     */
    long lookup(final long fileAu)
    {
        int lo = 0;
        int hi = length - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final long start = fileAus[mid];
            if (fileAu < start)
            {
                hi = mid - 1;
            }
            else if (fileAu >= start + counts[mid])
            {
                lo = mid + 1;
            }
            else
            {
                return physicalAus[mid] + (fileAu - start);
            }
        }
        return HOLE;
    }

    /**
     * @return a map with the run added; the run must cover only holes. Adjacent runs that continue each other on
     * the same volume are merged.
     */
    ExtentMap with(final long fileAu, final long physicalAu, final long count)
    {
        int at = 0;
        while (at < length && fileAus[at] < fileAu)
        {
            at++;
        }
        if (at > 0)
        {
            final int prev = at - 1;
            if (fileAus[prev] + counts[prev] > fileAu)
            {
                throw new IllegalStateException("run overlaps: fileAu=" + fileAu + ", existing=" + fileAus[prev]);
            }
            if (fileAus[prev] + counts[prev] == fileAu && physicalAus[prev] + counts[prev] == physicalAu &&
                volumeOf(physicalAus[prev]) == volumeOf(physicalAu) &&
                (at == length || fileAu + count < fileAus[at]))
            {
                final long[] newCounts = Arrays.copyOf(counts, length);
                newCounts[prev] += count;
                return new ExtentMap(fileAus, physicalAus, newCounts, length);
            }
        }
        if (at < length && fileAu + count > fileAus[at])
        {
            throw new IllegalStateException("run overlaps: fileAu=" + fileAu + ", existing=" + fileAus[at]);
        }
        final long[] f = new long[length + 1];
        final long[] p = new long[length + 1];
        final long[] c = new long[length + 1];
        System.arraycopy(fileAus, 0, f, 0, at);
        System.arraycopy(physicalAus, 0, p, 0, at);
        System.arraycopy(counts, 0, c, 0, at);
        f[at] = fileAu;
        p[at] = physicalAu;
        c[at] = count;
        System.arraycopy(fileAus, at, f, at + 1, length - at);
        System.arraycopy(physicalAus, at, p, at + 1, length - at);
        System.arraycopy(counts, at, c, at + 1, length - at);
        return new ExtentMap(f, p, c, length + 1);
    }

    /**
     * @return a map keeping only file AUs below {@code fileAuLimit}; the cut runs are passed to {@code freed}.
     */
    ExtentMap truncatedTo(final long fileAuLimit, final RunConsumer freed)
    {
        int keep = 0;
        final long[] newCounts = Arrays.copyOf(counts, length);
        for (int i = 0; i < length; i++)
        {
            final long start = fileAus[i];
            if (start >= fileAuLimit)
            {
                freed.accept(physicalAus[i], counts[i]);
            }
            else
            {
                keep = i + 1;
                if (start + counts[i] > fileAuLimit)
                {
                    final long kept = fileAuLimit - start;
                    freed.accept(physicalAus[i] + kept, counts[i] - kept);
                    newCounts[i] = kept;
                }
            }
        }
        if (keep == length && Arrays.equals(newCounts, counts))
        {
            return this;
        }
        return new ExtentMap(fileAus, physicalAus, newCounts, keep);
    }

    void forEachRun(final RunConsumer consumer)
    {
        for (int i = 0; i < length; i++)
        {
            consumer.accept(physicalAus[i], counts[i]);
        }
    }

    /**
     * Receives runs of physical AUs.
     */
    @FunctionalInterface
    interface RunConsumer
    {
        void accept(long physicalAu, long count);
    }
}
