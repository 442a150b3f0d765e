package io.respool.examples.cluster;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.LockMode;
import org.HdrHistogram.Histogram;

import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static io.respool.examples.cluster.HeapPageDescriptor.*;

/**
 * Node 0's work: create the table, then insert {@code rows} rows and make {@code updates} updates to random rows
 * already inserted, in an order drawn from the seed, at {@code rate} changes per second (0: as fast as it can).
 * Each change takes its page in X through DMS, logs a WAL record and writes the row under the latch; an insert then
 * raises the row count on the meta page the same way, so that a reader that sees the count also sees the row. At
 * the end the WAL is flushed, the pages are checkpointed to DSS, and node 1 is told the totals; node 0 keeps
 * serving pages until node 1 has finished its final check.
 */
final class Writer
{
    private final PageAccess pages;
    private final TablePageStore store;
    private final Wal wal;
    private final Checkpointer checkpointer;
    private final ControlChannel control;
    private final Problems problems;
    private final long rows;
    private final long updates;
    private final long rate;
    private final long seed;
    private final long timeoutNs;
    private final HeapPage page = new HeapPage();
    private final Histogram operations = new Histogram(3);
    private volatile long inserted;
    private volatile long updated;
    private volatile long lastLsn;
    private volatile long elapsedNs;

    Writer(final PageAccess pages, final TablePageStore store, final Wal wal, final Checkpointer checkpointer,
        final ControlChannel control, final Problems problems, final long rows, final long updates, final long rate,
        final long seed, final long timeoutNs)
    {
        this.pages = pages;
        this.store = store;
        this.wal = wal;
        this.checkpointer = checkpointer;
        this.control = control;
        this.problems = problems;
        this.rows = rows;
        this.updates = updates;
        this.rate = rate;
        this.seed = seed;
        this.timeoutNs = timeoutNs;
    }

    void run()
    {
        createTable();
        control.send(pages.node(), ControlMessage.START, 0, 0, 0, timeoutNs);

        final long startNs = System.nanoTime();
        final Random random = new Random(seed);
        final long total = rows + updates;
        final double intervalNs = 0 == rate ? 0 : 1e9 / rate;
        for (long i = 0; i < total; i++)
        {
            pace(startNs + (long)(i * intervalNs));
            final long remainingInserts = rows - inserted;
            final boolean insert = 0 == inserted || random.nextLong(total - i) < remainingInserts;
            final long opStartNs = System.nanoTime();
            if (insert)
            {
                insert(inserted);
            }
            else
            {
                update(random.nextLong(inserted));
            }
            operations.recordValue(System.nanoTime() - opStartNs);
            if ((i & 63) == 0)
            {
                control.checkNotAborted();
            }
        }
        elapsedNs = System.nanoTime() - startNs;

        lastLsn = wal.insertedLsn();
        wal.flushUpTo(lastLsn, timeoutNs);
        checkpointer.checkpoint();
        System.out.println("done: " + inserted + " rows inserted, " + updated + " updates, WAL durable to " +
            lastLsn + ", table checkpointed to DSS; telling node 1");
        control.send(pages.node(), ControlMessage.DONE, inserted, updated, lastLsn, timeoutNs);
        control.awaitFinished(4 * timeoutNs);
    }

    /**
     * Wait for the time of the next change, so that the writer keeps its rate and leaves the cores to the others.
     */
    private static void pace(final long dueNs)
    {
        long waitNs;
        while ((waitNs = dueNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(waitNs);
        }
    }

    private void createTable()
    {
        final long metaId = TablePageStore.pageId(0);
        final AcquireResult result = pages.acquire(metaId, LockMode.X);
        try
        {
            page.wrap(store.buffer(metaId));
            switch (result)
            {
                case FROM_DISK ->
                {
                    // nobody had the page in memory: DMS granted it and it was read from the new, empty file
                }

                case FROM_PEER, LOCAL_HIT, UPGRADED ->
                {
                    problems.add("the meta page of a new table was already in memory somewhere: result=" + result);
                }
            }
            if (!page.isFormatted())
            {
                page.format(metaId, TYPE_META);
            }
            final long lsn = wal.append(WalRecordDescriptor.TYPE_META, metaId, 0, 0, 0);
            page.tableRows(0).lsn(lsn);
            store.markDirty(metaId);
        }
        finally
        {
            pages.unlatch(metaId);
        }
    }

    private void insert(final long rowId)
    {
        final long pageId = TablePageStore.pageId(pageNumberOf(rowId));
        pages.acquire(pageId, LockMode.X);
        try
        {
            page.wrap(store.buffer(pageId));
            if (!page.isFormatted())
            {
                page.format(pageId, TYPE_HEAP);
            }
            final long lsn = wal.append(WalRecordDescriptor.TYPE_INSERT, pageId, rowId, 1, HeapPage.value(rowId, 1));
            page.putRow(rowId, 1, lsn).pageRows(page.pageRows() + 1).lsn(lsn);
            store.markDirty(pageId);
        }
        finally
        {
            pages.unlatch(pageId);
        }

        final long metaId = TablePageStore.pageId(0);
        pages.acquire(metaId, LockMode.X);
        try
        {
            page.wrap(store.buffer(metaId));
            final long lsn = wal.append(WalRecordDescriptor.TYPE_META, metaId, rowId + 1, 0, 0);
            page.tableRows(rowId + 1).lsn(lsn);
            store.markDirty(metaId);
        }
        finally
        {
            pages.unlatch(metaId);
        }
        inserted = rowId + 1;
    }

    private void update(final long rowId)
    {
        final long pageId = TablePageStore.pageId(pageNumberOf(rowId));
        pages.acquire(pageId, LockMode.X);
        try
        {
            page.wrap(store.buffer(pageId));
            final String problem = page.checkRow(rowId);
            if (problem != null)
            {
                problems.add("node 0 found its own row damaged: " + problem);
                return;
            }
            final long version = page.rowVersion(rowId) + 1;
            final long lsn = wal.append(WalRecordDescriptor.TYPE_UPDATE, pageId, rowId, version,
                HeapPage.value(rowId, version));
            page.putRow(rowId, version, lsn).lsn(lsn);
            store.markDirty(pageId);
        }
        finally
        {
            pages.unlatch(pageId);
        }
        updated++;
    }

    String progress()
    {
        return String.format("inserted %d/%d rows, updated %d/%d; WAL durable to %d KiB in %d flushes " +
            "(%d asked for, mostly by DMS before shipping a dirty page); checkpoints %d (%d page writes)",
            inserted, rows, updated, updates, wal.flushedLsn() / 1024, wal.flushes(), wal.requestedFlushes(),
            checkpointer.checkpoints(), checkpointer.pagesWritten());
    }

    void report(final NodeReport report)
    {
        report.put("plannedRows", rows);
        report.put("inserted", inserted);
        report.put("updated", updated);
        report.put("lastLsn", lastLsn);
        report.put("writeSeconds", elapsedNs / 1e9);
        report.putLatency("op", operations);
        report.put("walRecords", wal.insertedLsn() / WalRecordDescriptor.RECORD_LENGTH);
        report.put("walFlushes", wal.flushes());
        report.put("walFlushesRequested", wal.requestedFlushes());
        report.putLatency("walWrite", wal.writeLatency());
        report.putLatency("walFlush", wal.flushLatency());
        report.put("checkpoints", checkpointer.checkpoints());
        report.put("pagesWritten", checkpointer.pagesWritten());
    }
}
