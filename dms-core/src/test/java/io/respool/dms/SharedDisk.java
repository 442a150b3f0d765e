package io.respool.dms;

import org.agrona.MutableDirectBuffer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared storage for nodes in one JVM: page images by id (zero if never written) and a cluster-wide WAL position
 * (the highest LSN any node has flushed), so a test can check that no dirty page travels ahead of its WAL.
 */
final class SharedDisk
{
    static final int COUNTER_OFFSET = 0;
    static final int LSN_OFFSET = 8;

    private final int pageSize;
    private final ConcurrentHashMap<Long, byte[]> images = new ConcurrentHashMap<>();
    final AtomicLong lsnGenerator = new AtomicLong();
    final AtomicLong walFlushed = new AtomicLong();

    SharedDisk(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    void read(final long pageId, final MutableDirectBuffer buffer)
    {
        final byte[] image = images.get(pageId);
        if (image == null)
        {
            buffer.setMemory(0, pageSize, (byte)0);
        }
        else
        {
            synchronized (image)
            {
                buffer.putBytes(0, image);
            }
        }
    }

    void write(final long pageId, final MutableDirectBuffer buffer)
    {
        final byte[] copy = new byte[pageSize];
        buffer.getBytes(0, copy);
        images.merge(pageId, copy, (old, neu) ->
        {
            final long oldLsn = new org.agrona.concurrent.UnsafeBuffer(old).getLong(LSN_OFFSET);
            final long newLsn = new org.agrona.concurrent.UnsafeBuffer(neu).getLong(LSN_OFFSET);
            if (newLsn < oldLsn)
            {
                throw new AssertionError("disk write would go back in time: pageId=" + pageId + ", diskLsn=" +
                    oldLsn + ", writeLsn=" + newLsn);
            }
            return neu;
        });
    }

    long lsn(final long pageId)
    {
        final byte[] image = images.get(pageId);
        return image == null ? 0 : new org.agrona.concurrent.UnsafeBuffer(image).getLong(LSN_OFFSET);
    }

    void flushWal(final long lsn)
    {
        walFlushed.accumulateAndGet(lsn, Math::max);
    }
}
