package io.respool.examples.embedding;

import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The smallest {@link PageStore} that keeps the rules: a buffer per page, the page LSN in its first 8 bytes, a
 * dirty flag, "shared storage" (a map of page images shared by the stores of one JVM; a database has DSS here),
 * and a WAL whose flush DMS asks for before it ships a dirty page. It prints each callback so that the examples show
 * when DMS calls the database. A real store is {@code io.respool.examples.cluster.TablePageStore}.
 */
final class ExamplePageStore implements PageStore
{
    /** Where the page LSN is kept in the page. */
    static final int LSN_OFFSET = 0;

    private final String name;
    private final int pageSize;
    private final ConcurrentHashMap<Long, byte[]> disk;
    private final ConcurrentHashMap<Long, UnsafeBuffer> buffers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Boolean> dirty = new ConcurrentHashMap<>();
    private final AtomicLong walFlushed = new AtomicLong();

    /**
     * @param name     for the printed lines.
     * @param pageSize the nodes' page size.
     * @param disk     page images on "shared storage", the same map for every node.
     */
    ExamplePageStore(final String name, final int pageSize, final ConcurrentHashMap<Long, byte[]> disk)
    {
        this.name = name;
        this.pageSize = pageSize;
        this.disk = disk;
    }

    /**
     * Write the page to shared storage, as a checkpoint or an eviction does: only while holding it in S or X.
     *
     * @return the LSN now on disk.
     */
    long write(final long pageId)
    {
        final byte[] image = new byte[pageSize];
        buffer(pageId).getBytes(0, image);
        disk.put(pageId, image);
        dirty.remove(pageId);
        System.out.println("  [" + name + "] wrote page " + pageId + " to shared storage at LSN " + pageLsn(pageId));
        return pageLsn(pageId);
    }

    /**
     * Record a change made under the X latch: a new LSN on the page, and the page dirty.
     */
    void changed(final long pageId, final long lsn)
    {
        buffer(pageId).putLong(LSN_OFFSET, lsn, ByteOrder.LITTLE_ENDIAN);
        dirty.put(pageId, Boolean.TRUE);
    }

    @Override
    public MutableDirectBuffer buffer(final long pageId)
    {
        return buffers.computeIfAbsent(pageId, (id) -> new UnsafeBuffer(new byte[pageSize]));
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
        System.out.println("  [" + name + "] readFromDisk(page " + pageId + "): nobody had it in memory");
        final byte[] image = disk.get(pageId);
        if (image == null)
        {
            buffer.setMemory(0, pageSize, (byte)0);
        }
        else
        {
            buffer.putBytes(0, image);
        }
        dirty.remove(pageId);
    }

    @Override
    public long diskLsn(final long pageId)
    {
        final byte[] image = disk.get(pageId);
        return image == null ? 0 : new UnsafeBuffer(image).getLong(LSN_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long pageLsn(final long pageId)
    {
        return buffer(pageId).getLong(LSN_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean isDirty(final long pageId)
    {
        return dirty.containsKey(pageId);
    }

    @Override
    public long requestWalFlush(final long lsn)
    {
        // a real store hands this to its WAL writer and returns at once; this one "flushes" on the spot
        System.out.println("  [" + name + "] requestWalFlush(" + lsn + "): a dirty page is about to be shipped");
        return walFlushed.accumulateAndGet(lsn, Math::max);
    }

    @Override
    public long walFlushedLsn()
    {
        return walFlushed.get();
    }

    @Override
    public void onPageReceived(final long pageId, final long lsn, final boolean isDirty)
    {
        System.out.println("  [" + name + "] onPageReceived(page " + pageId + ", lsn " + lsn + ", dirty " + isDirty +
            ")");
        if (isDirty)
        {
            dirty.put(pageId, Boolean.TRUE);
        }
    }

    @Override
    public void writeRequested(final long pageId)
    {
        System.out.println("  [" + name + "] writeRequested(page " + pageId + "): a checkpoint elsewhere waits");
    }

    @Override
    public void onModeChanged(final long pageId, final LockMode mode, final boolean earlierDirty)
    {
        System.out.println("  [" + name + "] onModeChanged(page " + pageId + ", " + mode + ", earlierDirty " +
            earlierDirty + ")");
        if (mode == LockMode.NULL && !earlierDirty)
        {
            dirty.remove(pageId);
        }
    }
}
