package io.respool.bench.dms;

import io.respool.dms.DmsContext;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-memory page store with a WAL whose flush takes a fixed time, as an fsync would, and one page that is
 * always dirty, each {@link #modify} giving it a new LSN, so that DMS asks for a WAL flush before every transfer
 * of it. {@code synchronous}: the flush runs inside {@link #requestWalFlush}, that is on the node's agent thread;
 * otherwise a WAL writer thread runs it and DMS waits for {@link #walFlushedLsn} without blocking its agent.
 */
final class WalFlushStore implements PageStore
{
    private final InMemoryPageStore pages = new InMemoryPageStore(DmsContext.PAGE_SIZE_DEFAULT);
    private final long flushNs;
    private final boolean synchronous;
    private final ExecutorService walWriter;
    private volatile long dirtyPage = -1;
    private volatile long lsn;
    private volatile long flushedLsn;

    /**
     * @param flushNs     how long a WAL flush takes.
     * @param synchronous flush on the calling (agent) thread rather than on a WAL writer thread.
     */
    WalFlushStore(final long flushNs, final boolean synchronous)
    {
        this.flushNs = flushNs;
        this.synchronous = synchronous;
        this.walWriter = synchronous ? null : Executors.newSingleThreadExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "wal-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param pageId the page that is always dirty from now on.
     */
    void dirtyPage(final long pageId)
    {
        dirtyPage = pageId;
    }

    /**
     * A write to the dirty page, under its X latch: a new LSN.
     */
    void modify()
    {
        lsn = lsn + 1;
    }

    @Override
    public long requestWalFlush(final long upTo)
    {
        if (synchronous)
        {
            flush(upTo);
        }
        else
        {
            walWriter.execute(() -> flush(upTo));
        }
        return flushedLsn;
    }

    private void flush(final long upTo)
    {
        if (upTo > flushedLsn)
        {
            LockSupport.parkNanos(flushNs);
            flushedLsn = upTo;
        }
    }

    @Override
    public long walFlushedLsn()
    {
        return flushedLsn;
    }

    @Override
    public MutableDirectBuffer buffer(final long pageId)
    {
        return pages.buffer(pageId);
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
        pages.readFromDisk(pageId, buffer);
    }

    @Override
    public long diskLsn(final long pageId)
    {
        return 0;
    }

    @Override
    public long pageLsn(final long pageId)
    {
        return pageId == dirtyPage ? lsn : 0;
    }

    @Override
    public boolean isDirty(final long pageId)
    {
        return pageId == dirtyPage;
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
