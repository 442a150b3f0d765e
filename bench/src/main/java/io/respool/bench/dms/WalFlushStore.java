package io.respool.bench.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.InMemoryPageStore;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-memory page store with a WAL whose flush takes a fixed time, as an fsync would, and one page that is
 * always dirty, each {@link #modify} giving it a new LSN, so that DMS asks for a WAL flush before every transfer
 * of it. {@code synchronous}: the flush runs inside {@link #requestWalFlush}, on the thread running the duty cycle;
 * otherwise a WAL writer thread runs it and DMS waits for {@link #walFlushedLsn} without blocking its agent.
 */
final class WalFlushStore extends InMemoryPageStore
{
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
        super(DmsContext.PAGE_SIZE_DEFAULT);
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
    public long pageLsn(final long pageId)
    {
        return pageId == dirtyPage ? lsn : 0;
    }

    @Override
    public boolean isDirty(final long pageId)
    {
        return pageId == dirtyPage;
    }
}
