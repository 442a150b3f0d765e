package io.respool.bench.dms;

import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A page store that costs nothing per page, for holding a million pages: every page lends the same buffer, is clean,
 * at LSN 0, and its WAL is always durable. Page contents mean nothing here; only the directory work is measured.
 */
final class OnePageStore implements PageStore
{
    private final UnsafeBuffer buffer;

    OnePageStore(final int pageSize)
    {
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
    }

    @Override
    public MutableDirectBuffer buffer(final long pageId)
    {
        return buffer;
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
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
