package io.respool.examples.cluster;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.ReformHandler;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.respool.examples.cluster.HeapPageDescriptor.*;

/**
 * The writer's work: create the table, then run the {@link Workload}'s transactions at {@code rate} per second
 * (0: as fast as it can). Each transaction is one WAL record: an update takes its page in X through DMS, an insert
 * its page and then the meta page, whose row count it raises in the same record, so that a reader that sees the
 * count also sees the row. A transaction is marked dirty, logged and applied under its latches, and commits when
 * its record is durable; up to {@link #COMMIT_WINDOW} commits wait for the WAL at once, as that many clients each
 * waiting for its own commit would ({@link Wal#durableCommits()} counts the acknowledged ones). At the end the WAL
 * is flushed, the pages are checkpointed to DSS, and node 1 is told the totals; node 0 keeps serving pages until
 * node 1 has finished its final check.
 * <p>
 * A promoted writer {@link #resume resumes}: it reads where the replayed table stands and goes on with the same
 * workload from there.
 */
final class Writer
{
    /** Commits that may wait for the WAL at once: the clients of the demo. */
    static final int COMMIT_WINDOW = 64;

    /** How long a writer {@link #holdForHandOver held} for a switchover waits for it before it goes on. */
    static final long HOLD_LIMIT_NS = TimeUnit.SECONDS.toNanos(60);

    private final PageAccess pages;
    private final TablePageStore store;
    private final Wal wal;
    private final Checkpointer checkpointer;
    private final ControlChannel control;
    private final Problems problems;
    private final long rows;
    private final long updates;
    private final long rate;
    private final long timeoutNs;
    private final Workload workload;
    private final HeapPage page = new HeapPage();
    private final HeapPage meta = new HeapPage();
    private final Histogram operations = new Histogram(3);
    private final long[] window = new long[COMMIT_WINDOW];
    private long windowCount;
    private volatile long inserted;
    private volatile long updated;
    private volatile long lastLsn;
    private volatile long elapsedNs;
    private volatile HandOver handOver;
    private volatile boolean handedOver;
    private boolean writingEnded;
    private volatile boolean holdForHandOver;

    /**
     * A switchover's DEMOTE step waiting for the writer.
     *
     * @param events where the writer says when it stopped and when it checkpointed.
     * @param done   completes the step.
     */
    private record HandOver(FailoverEvents events, ReformHandler.Completion done, long askedNs)
    {
    }

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
        this.timeoutNs = timeoutNs;
        this.workload = new Workload(rows, updates, seed);
    }

    /**
     * Node 0's run: create the table, tell node 1, write, tell node 1 the totals and wait for its final check.
     */
    void run()
    {
        createTable();
        control.send(pages.node(), ControlMessage.START, 0, 0, 0, timeoutNs);
        write();
        if (handedOver)
        {
            return;
        }
        System.out.println("done: " + inserted + " rows inserted, " + updated + " updates, " +
            wal.durableCommits() + " commits, the last at LSN " + lastLsn + ", table checkpointed to DSS; " +
            "telling node 1");
        control.send(pages.node(), ControlMessage.DONE, inserted, updated, lastLsn, timeoutNs);
        // a partition removes the reader (it fenced itself), perhaps only after this node wrote its last commit
        if (!control.awaitFinishedUnless(this::aloneInTheView, 4 * timeoutNs))
        {
            System.out.println("no reader left in " + pages.node().membershipView() + ": no final check by node 1");
        }
    }

    private boolean aloneInTheView()
    {
        final io.respool.dms.api.MembershipView view = pages.node().membershipView();
        return view != null && Long.bitCount(view.members()) == 1;
    }

    /**
     * A writer's run with nobody to tell: create the table and write the workload.
     */
    void createAndWrite()
    {
        createTable();
        write();
    }

    /**
     * A promoted writer's run: take the table as recovery left it ({@code commits} transactions done, the first
     * being the table's creation) and write the rest of the workload.
     *
     * @param commits commits recovery found, counting the table's creation.
     */
    void resume(final long commits)
    {
        final long done = Math.max(0, commits - 1);
        workload.skip(done);
        inserted = workload.inserted();
        updated = done - inserted;
        final long tableRows = tableRows();
        if (tableRows != inserted)
        {
            throw new IllegalStateException("the recovered table does not match the commits recovered: " +
                "tableRows=" + tableRows + ", commits=" + commits + ", rowsAfterThem=" + inserted);
        }
        System.out.println("writer resumes after " + commits + " commits: " + inserted + " rows, " + updated +
            " updates done, " + (workload.total() - done) + " transactions to go");
        write();
    }

    /**
     * A switchover's DEMOTE step (any thread, once): the writer ends its transaction under way, takes no more
     * (the clients wait: the new primary goes on with the same workload), makes its WAL durable to the last
     * commit, checkpoints every dirty page to DSS and completes {@code done}; {@link #run} then returns without
     * telling node 1 anything. A writer that is not writing (its workload done) completes at once.
     */
    void handOver(final FailoverEvents events, final ReformHandler.Completion done)
    {
        synchronized (this)
        {
            if (!writingEnded && handOver == null)
            {
                handOver = new HandOver(events, done, System.nanoTime());
                return;
            }
        }
        events.emit(FailoverEvents.DEMOTED, "the writer is not writing: nothing to hand over");
        done.complete();
    }

    /**
     * Before {@link #run} or {@link #resume}: a switchover is to come, so the writer does not write the last
     * eighth of what is left of the workload until it is asked to {@link #handOver} (or {@link #HOLD_LIMIT_NS}
     * passed). The planned switchover run uses it so that the switch, asked for by a cmctl JVM that may take
     * seconds to start, never finds the workload done and nothing to hand over.
     */
    void holdForHandOver()
    {
        holdForHandOver = true;
    }

    /**
     * @return whether the writer stopped for a switchover.
     */
    boolean handedOver()
    {
        return handedOver;
    }

    private void stopForHandOver(final HandOver request)
    {
        try
        {
            final long noticedNs = System.nanoTime();
            lastLsn = wal.position().lastCommitLsn();
            wal.flushUpTo(lastLsn, timeoutNs);
            request.events().emit(FailoverEvents.WRITES_PAUSED, wal.durableCommits() + " commits durable, the " +
                "last at LSN " + wal.durableCommitLsn() + "; new transactions wait for the new primary (the " +
                "transaction under way ended " + msBetween(request.askedNs(), noticedNs) + " ms after the request, " +
                "the WAL flush took " + msBetween(noticedNs, System.nanoTime()) + " ms)");
            final int written = checkpointer.checkpoint();
            handedOver = true;
            request.events().emit(FailoverEvents.DEMOTED, "hand-over checkpoint wrote " + written + " pages, redo " +
                "point " + checkpointer.lastRedoLsn() + " at the WAL's end: the new primary replays nothing of it");
            request.done().complete();
        }
        catch (final RuntimeException ex)
        {
            request.done().fail("the old primary could not hand over: " + ex);
            throw ex;
        }
    }

    private static long msBetween(final long fromNs, final long toNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(toNs - fromNs);
    }

    /**
     * @return whether the workload is done and everything is durable and checkpointed.
     */
    boolean finished()
    {
        return !workload.hasNext() && elapsedNs > 0;
    }

    private void write()
    {
        final long startNs = System.nanoTime();
        final long first = workload.drawn();
        final double intervalNs = 0 == rate ? 0 : 1e9 / rate;
        final long holdAt = holdForHandOver ? first + (workload.total() - first) * 7 / 8 : -1;
        while (workload.hasNext())
        {
            if (workload.drawn() == holdAt)
            {
                awaitHandOver();
            }
            final HandOver request = handOver;
            if (request != null)
            {
                stopForHandOver(request);
                elapsedNs = System.nanoTime() - startNs;
                synchronized (this)
                {
                    writingEnded = true;
                }
                return;
            }
            pace(startNs + (long)((workload.drawn() - first) * intervalNs));
            control.checkNotAborted();
            final long opStartNs = System.nanoTime();
            final long op = workload.next();
            final long lsn = op < 0 ? insert(-1 - op) : update(op);
            operations.recordValue(System.nanoTime() - opStartNs);
            commit(lsn);
        }
        lastLsn = wal.position().lastCommitLsn();
        wal.flushUpTo(lastLsn, timeoutNs);
        checkpointer.checkpoint();
        elapsedNs = System.nanoTime() - startNs;
        final HandOver late;
        synchronized (this)
        {
            writingEnded = true;
            late = handOver;
        }
        if (late != null)
        {
            // asked for after the last transaction: everything is durable and checkpointed already
            late.events().emit(FailoverEvents.DEMOTED, "the workload ended as the switchover began");
            late.done().complete();
        }
    }

    private void awaitHandOver()
    {
        System.out.println("writer holds before its last " + (workload.total() - workload.drawn()) +
            " transactions until the switchover to come (at most " + TimeUnit.NANOSECONDS.toSeconds(HOLD_LIMIT_NS) +
            " s)");
        final long deadlineNs = System.nanoTime() + HOLD_LIMIT_NS;
        while (handOver == null && deadlineNs - System.nanoTime() > 0)
        {
            control.checkNotAborted();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (handOver == null)
        {
            System.out.println("writer: no switchover came in " + TimeUnit.NANOSECONDS.toSeconds(HOLD_LIMIT_NS) +
                " s; writing on");
        }
    }

    /**
     * A commit was logged at {@code lsn}: if {@link #COMMIT_WINDOW} commits now wait, wait for the oldest.
     */
    private void commit(final long lsn)
    {
        final int slot = (int)(windowCount % COMMIT_WINDOW);
        if (windowCount >= COMMIT_WINDOW)
        {
            final long oldest = window[slot];
            if (wal.flushedLsn() < oldest)
            {
                wal.flushUpTo(oldest, timeoutNs);
            }
        }
        window[slot] = lsn;
        windowCount++;
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
            store.markDirty(metaId);
            final long lsn = wal.append(WalRecordDescriptor.TYPE_META, metaId, 0, 0, 0);
            page.tableRows(0).lsn(lsn);
            commit(lsn);
        }
        finally
        {
            pages.unlatch(metaId);
        }
    }

    private long tableRows()
    {
        return new TableScan(pages, store).tableRows();
    }

    private long insert(final long rowId)
    {
        final long pageId = TablePageStore.pageId(pageNumberOf(rowId));
        final long metaId = TablePageStore.pageId(0);
        final long lsn;
        pages.acquire(pageId, LockMode.X);
        try
        {
            pages.acquire(metaId, LockMode.X);
            try
            {
                page.wrap(store.buffer(pageId));
                meta.wrap(store.buffer(metaId));
                if (!page.isFormatted())
                {
                    page.format(pageId, TYPE_HEAP);
                }
                store.markDirty(pageId);
                store.markDirty(metaId);
                lsn = wal.append(WalRecordDescriptor.TYPE_INSERT, pageId, rowId, 1, HeapPage.value(rowId, 1));
                page.putRow(rowId, 1, lsn).pageRows(page.pageRows() + 1).lsn(lsn);
                meta.tableRows(rowId + 1).lsn(lsn);
            }
            finally
            {
                pages.unlatch(metaId);
            }
        }
        finally
        {
            pages.unlatch(pageId);
        }
        inserted = rowId + 1;
        return lsn;
    }

    private long update(final long rowId)
    {
        final long pageId = TablePageStore.pageId(pageNumberOf(rowId));
        final long lsn;
        pages.acquire(pageId, LockMode.X);
        try
        {
            page.wrap(store.buffer(pageId));
            final String problem = page.checkRow(rowId);
            if (problem != null)
            {
                throw new IllegalStateException("the writer found its own row damaged: " + problem);
            }
            final long version = page.rowVersion(rowId) + 1;
            store.markDirty(pageId);
            lsn = wal.append(WalRecordDescriptor.TYPE_UPDATE, pageId, rowId, version,
                HeapPage.value(rowId, version));
            page.putRow(rowId, version, lsn).lsn(lsn);
        }
        finally
        {
            pages.unlatch(pageId);
        }
        updated++;
        return lsn;
    }

    String progress()
    {
        return String.format("inserted %d/%d rows, updated %d/%d; %d commits acknowledged, WAL durable to " +
            "%d KiB in %d flushes (%d asked for by commits, DMS or a checkpoint); checkpoints %d (%d page writes)",
            inserted, rows, updated, updates, wal.durableCommits(), wal.flushedLsn() / 1024, wal.flushes(),
            wal.requestedFlushes(), checkpointer.checkpoints(), checkpointer.pagesWritten());
    }

    void report(final NodeReport report)
    {
        report.put("plannedRows", rows);
        report.put("inserted", inserted);
        report.put("updated", updated);
        report.put("lastLsn", lastLsn);
        report.put("commits", wal.durableCommits());
        report.put("lastCommitLsn", wal.durableCommitLsn());
        report.put("writeSeconds", elapsedNs / 1e9);
        report.putLatency("op", operations);
        report.put("walRecords", wal.recordsAppended());
        report.put("walFlushes", wal.flushes());
        report.put("walFlushesRequested", wal.requestedFlushes());
        report.putLatency("walWrite", wal.writeLatency());
        report.putLatency("walFlush", wal.flushLatency());
        report.put("checkpoints", checkpointer.checkpoints());
        report.put("pagesWritten", checkpointer.pagesWritten());
    }
}
