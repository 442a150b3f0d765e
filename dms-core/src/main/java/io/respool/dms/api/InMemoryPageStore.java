package io.respool.dms.api;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A page store for demos, tools and benchmarks, not for a database: pages live in heap buffers, shared storage
 * reads as zeros, no page is ever dirty, and there is no WAL to flush. A benchmark may extend it to make some
 * pages dirty or the WAL slow.
 */
public class InMemoryPageStore implements PageStore
{
    private final int pageSize;
    private final ConcurrentHashMap<Long, UnsafeBuffer> buffers = new ConcurrentHashMap<>();

    /**
     * @param pageSize size of every page, as the node is configured.
     */
    public InMemoryPageStore(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    @Override
    public MutableDirectBuffer buffer(final long pageId)
    {
        return buffers.computeIfAbsent(pageId, (id) -> new UnsafeBuffer(new byte[pageSize]));
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
        buffer.setMemory(0, pageSize, (byte)0);
    }

    @Override
    public long diskLsn(final long pageId)
    {
        return 0;
    }

    @Override
    public long pageLsn(final long pageId)
    {
        return 0;
    }

    @Override
    public boolean isDirty(final long pageId)
    {
        return false;
    }

    @Override
    public long requestWalFlush(final long lsn)
    {
        return Long.MAX_VALUE;
    }

    @Override
    public long walFlushedLsn()
    {
        return Long.MAX_VALUE;
    }

    @Override
    public void onPageReceived(final long pageId, final long lsn, final boolean dirty)
    {
    }

    @Override
    public void writeRequested(final long pageId)
    {
    }

    @Override
    public void onModeChanged(final long pageId, final LockMode mode, final boolean earlierDirty)
    {
    }
}
