package io.respool.dss.engine;

import java.util.BitSet;

/**
 * Which allocation units of one volume are in use. Not persisted: it is derived from the metadata (files' extents,
 * the system area, the log and the checkpoint slots) whenever a volume group is opened, so it can never disagree with
 * what files own. A freed AU is reusable at once. Guarded by the engine's metadata lock.
 */
final class SpaceMap
{
    private final int volumeId;
    private final long auCount;
    private final BitSet used;
    private long usedCount;
    private long cursor;

    SpaceMap(final int volumeId, final long auCount)
    {
        if (auCount > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("volume too large: volumeId=" + volumeId + ", aus=" + auCount);
        }
        this.volumeId = volumeId;
        this.auCount = auCount;
        this.used = new BitSet((int)auCount);
    }

    int volumeId()
    {
        return volumeId;
    }

    long auCount()
    {
        return auCount;
    }

    long freeCount()
    {
        return auCount - usedCount;
    }

    long usedCount()
    {
        return usedCount;
    }

    boolean isUsed(final long au)
    {
        return used.get((int)au);
    }

    void markUsed(final long au, final long count)
    {
        checkRange(au, count);
        for (long i = au; i < au + count; i++)
        {
            if (!used.get((int)i))
            {
                used.set((int)i);
                usedCount++;
            }
        }
    }

    void markFree(final long au, final long count)
    {
        checkRange(au, count);
        for (long i = au; i < au + count; i++)
        {
            if (used.get((int)i))
            {
                used.clear((int)i);
                usedCount--;
            }
        }
        if (au < cursor)
        {
            cursor = au;
        }
    }

    /**
     * Find a run of up to {@code maxCount} free AUs, lowest first, and mark it used.
     *
     * @return the first AU index, with the run length in {@code runLength[0]}; -1 if the volume is full.
     */
    long allocate(final long maxCount, final long[] runLength)
    {
        int start = used.nextClearBit((int)cursor);
        if (start >= auCount)
        {
            start = used.nextClearBit(0);
            if (start >= auCount)
            {
                return -1;
            }
        }
        final int end = (int)Math.min(Math.min(used.nextSetBit(start) < 0 ? auCount : used.nextSetBit(start),
            auCount), start + maxCount);
        runLength[0] = end - start;
        markUsed(start, end - start);
        cursor = end;
        return start;
    }

    private void checkRange(final long au, final long count)
    {
        if (au < 0 || count < 0 || au + count > auCount)
        {
            throw new IllegalStateException("AU range outside volume: volumeId=" + volumeId + ", au=" + au +
                ", count=" + count + ", volumeAus=" + auCount);
        }
    }
}
