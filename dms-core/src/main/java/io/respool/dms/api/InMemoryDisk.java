package io.respool.dms.api;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared storage for the {@link InMemoryPageStore}s of one JVM: page images by id (zeros if never written), an LSN
 * generator and a cluster-wide WAL position (the highest LSN any node has flushed), so that a test can check that
 * no dirty page travels ahead of its WAL. A page keeps its LSN at {@link InMemoryPageStore#LSN_OFFSET}.
 */
public final class InMemoryDisk
{
    private final int pageSize;
    private final ConcurrentHashMap<Long, byte[]> images = new ConcurrentHashMap<>();
    private final AtomicLong lsnGenerator = new AtomicLong();
    private final AtomicLong walFlushed = new AtomicLong();

    /**
     * @param pageSize size of every page.
     */
    public InMemoryDisk(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    /**
     * @param pageId the page.
     * @param buffer where its image goes: zeros if it was never written.
     */
    public void read(final long pageId, final MutableDirectBuffer buffer)
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

    /**
     * @param pageId the page.
     * @param buffer its image.
     * @throws AssertionError if the image is older than the one on disk: a write going back in time.
     */
    public void write(final long pageId, final MutableDirectBuffer buffer)
    {
        final byte[] copy = new byte[pageSize];
        buffer.getBytes(0, copy);
        images.merge(pageId, copy, (old, neu) ->
        {
            final long oldLsn = lsnOf(old);
            final long newLsn = lsnOf(neu);
            if (newLsn < oldLsn)
            {
                throw new AssertionError("disk write would go back in time: pageId=" + pageId + ", diskLsn=" +
                    oldLsn + ", writeLsn=" + newLsn);
            }
            return neu;
        });
    }

    /**
     * @param pageId the page.
     * @return the LSN of its image on disk, 0 if never written.
     */
    public long lsn(final long pageId)
    {
        final byte[] image = images.get(pageId);
        return image == null ? 0 : lsnOf(image);
    }

    /**
     * @return a new LSN, higher than every one before it.
     */
    public long nextLsn()
    {
        return lsnGenerator.incrementAndGet();
    }

    /**
     * @param lsn make the WAL durable up to here (it never goes back).
     */
    public void flushWal(final long lsn)
    {
        walFlushed.accumulateAndGet(lsn, Math::max);
    }

    /**
     * @return the LSN up to which the WAL is durable.
     */
    public long walFlushedLsn()
    {
        return walFlushed.get();
    }

    private static long lsnOf(final byte[] image)
    {
        return new UnsafeBuffer(image).getLong(InMemoryPageStore.LSN_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }
}
