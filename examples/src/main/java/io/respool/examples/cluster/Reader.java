package io.respool.examples.cluster;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;
import io.respool.dss.DssFile;
import org.HdrHistogram.Histogram;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static io.respool.examples.cluster.HeapPageDescriptor.*;

/**
 * Node 1's work: read the table while node 0 changes it, and check everything it sees. Each round reads the meta
 * page in S, then every row inserted since the last round, then a few random rows, each page in S through DMS.
 * Checks while node 0 writes:
 * <ul>
 *     <li>each page is a table page with the right id, and its LSN never goes back;</li>
 *     <li>the row count never goes back, and every row it counts is in its page;</li>
 *     <li>each row passes its CRC, its value is the one node 0 writes for its version, and its version never goes
 *     back;</li>
 *     <li>each row version seen for the first time was committed by node 0: its WAL record is already on DSS, read
 *     through node 1's own DSS instance (DMS flushed node 0's WAL before shipping the page);</li>
 *     <li>pages come from node 0's memory (or are still current here), never from disk.</li>
 * </ul>
 * Once node 0 says it is done: node 0's WAL on DSS is replayed and must hold exactly the rows and updates node 0
 * reported; every row, read through DMS, must be at its last version; and the table file on DSS, read directly,
 * must hold the same pages with valid checksums (node 0 checkpointed them).
 */
final class Reader
{
    /** Random rows re-read per round, to see updates. */
    private static final int RANDOM_READS = 16;
    /** Pause after a round in which every page was still current here. */
    private static final long IDLE_PAUSE_NS = 500_000;
    /** Longest single wait of an acquire under reform (see {@link #acquireInSlices}). */
    static final long REFORM_SLICE_NS = 200_000_000L;

    private final PageAccess pages;
    private final TablePageStore store;
    private final ControlChannel control;
    private final Problems problems;
    private final long plannedRows;
    private final long timeoutNs;
    private final long sliceNs;
    private final long runDeadlineNs;
    private final Random random;
    private final HeapPage page = new HeapPage();
    private final HeapPage diskPage = new HeapPage();
    private final long[] lastVersion;
    /** Row versions seen for the first time under the current latch, checked against the WAL after unlatching. */
    private final LongArrayQueue pendingChecks = new LongArrayQueue();
    private final Histogram walCheckLatency = new Histogram(3);
    private final long[] lastPageLsn;
    private long lastTableRows;
    private volatile long seenUpTo;
    private volatile long rounds;
    private volatile long rowReads;
    private volatile long finalRowsRead;
    private volatile long finalPagesCompared;
    private WalVerifier wal;
    private volatile boolean finalCheckDone;
    private volatile boolean stopping;
    private volatile boolean finishAcquire;

    Reader(final PageAccess pages, final TablePageStore store, final ControlChannel control,
        final Problems problems, final long plannedRows, final long seed, final long timeoutNs, final long sliceNs,
        final long runDeadlineNs)
    {
        this.sliceNs = sliceNs;
        this.pages = pages;
        this.store = store;
        this.control = control;
        this.problems = problems;
        this.plannedRows = plannedRows;
        this.timeoutNs = timeoutNs;
        this.runDeadlineNs = runDeadlineNs;
        this.random = new Random(seed + 1);
        this.lastVersion = new long[(int)plannedRows];
        this.lastPageLsn = new long[heapPagesFor(plannedRows) + 1];
    }

    /**
     * @param heap      the table file, read-only, through this node's DSS instance.
     * @param writerWal node 0's WAL file, read-only, through this node's DSS instance.
     */
    void run(final DssFile heap, final DssFile writerWal)
    {
        wal = new WalVerifier(writerWal, problems);
        while (!control.isDone())
        {
            try
            {
                round();
            }
            catch (final RuntimeException ex)
            {
                if (stopping)
                {
                    // a failover: a read caught in the reform may time out or find the page gone from node 0
                    System.out.println("reader stopped for a failover after " + rounds + " rounds (" + ex + ")");
                    return;
                }
                throw ex;
            }
            if (stopping)
            {
                System.out.println("reader stopped for a failover after " + rounds + " rounds");
                return;
            }
            control.checkNotAborted();
            if (runDeadlineNs - System.nanoTime() < 0)
            {
                throw new IllegalStateException("node 0 did not finish in time: seen " + seenUpTo + " rows; give " +
                    "the run longer with -D" + ClusterConfig.TIMEOUT_PROP_NAME + "=<seconds>");
            }
        }
        finalCheck(heap);
        finalCheckDone = true;
        control.send(pages.node(), ControlMessage.FINISHED, 0, 0, 0, timeoutNs);
    }

    private void round()
    {
        final long shippedBefore = pages.count(AcquireResult.FROM_PEER);
        final long tableRows = readMeta(false);
        if (tableRows > seenUpTo)
        {
            readRows(seenUpTo, tableRows, tableRows, null);
            seenUpTo = tableRows;
        }
        for (int i = 0; i < RANDOM_READS && tableRows > 0; i++)
        {
            final long rowId = random.nextLong(tableRows);
            readRows(rowId, rowId + 1, tableRows, null);
        }
        rounds++;
        if (pages.count(AcquireResult.FROM_PEER) == shippedBefore)
        {
            // nothing changed since the last round: leave the cores to node 0 and the DMS agents for a moment
            LockSupport.parkNanos(IDLE_PAUSE_NS);
        }
    }

    private long readMeta(final boolean last)
    {
        final long metaId = TablePageStore.pageId(0);
        acquire(metaId);
        try
        {
            page.wrap(store.buffer(metaId));
            checkHeader(0, TYPE_META);
            final long tableRows = page.tableRows();
            if (tableRows < lastTableRows)
            {
                problem("row count went back: was=" + lastTableRows + ", now=" + tableRows);
            }
            if (tableRows > plannedRows)
            {
                problem("row count above what node 0 inserts: tableRows=" + tableRows + ", rows=" +
                    plannedRows);
            }
            if (last && tableRows != control.doneInserted())
            {
                problem("final row count differs from node 0's: meta=" + tableRows + ", node0=" +
                    control.doneInserted());
            }
            lastTableRows = Math.max(lastTableRows, tableRows);
            return Math.min(tableRows, plannedRows);
        }
        finally
        {
            pages.unlatch(metaId);
        }
    }

    /**
     * Read rows {@code [from, to)} page by page in S, checking each; with {@code finalVersions} also check each is
     * at its last version.
     */
    private void readRows(final long from, final long to, final long tableRows, final long[] finalVersions)
    {
        long rowId = from;
        while (rowId < to)
        {
            final int pageNumber = pageNumberOf(rowId);
            final long pageEnd = (long)pageNumber * ROWS_PER_PAGE;
            final long pageId = TablePageStore.pageId(pageNumber);
            acquire(pageId);
            try
            {
                page.wrap(store.buffer(pageId));
                checkHeader(pageNumber, TYPE_HEAP);
                final long rowsInPage = Math.min(tableRows, pageEnd) - (pageEnd - ROWS_PER_PAGE);
                if (page.pageRows() < rowsInPage)
                {
                    problem("page holds fewer rows than the meta page counts: page=" + pageNumber +
                        ", pageRows=" + page.pageRows() + ", expected>=" + rowsInPage);
                }
                for (; rowId < Math.min(to, pageEnd); rowId++)
                {
                    checkRow(rowId, finalVersions == null ? -1 : finalVersions[(int)rowId]);
                }
            }
            finally
            {
                pages.unlatch(pageId);
            }
            while (!pendingChecks.isEmpty())
            {
                final long startNs = System.nanoTime();
                wal.checkCommitted(pendingChecks.pollLong(), pendingChecks.pollLong(), pendingChecks.pollLong());
                walCheckLatency.recordValue(System.nanoTime() - startNs);
            }
        }
    }

    private void acquire(final long pageId)
    {
        final AcquireResult result = acquireInSlices(pageId);
        switch (result)
        {
            case FROM_PEER ->
            {
                // shipped from node 0's buffer: the newest image, no disk read
            }

            case LOCAL_HIT ->
            {
                // this node's S copy is still current: node 0 has not taken the page in X since
            }

            case FROM_DISK -> problem("page read from disk, but node 0 holds it in memory: pageId=" + pageId);
            case UPGRADED -> problem("an S request reported an upgrade: pageId=" + pageId);
        }
    }

    /**
     * Acquire in S, in slices up to the whole timeout. Under reform ({@link #REFORM_SLICE_NS}) this is a guard: before
     * reformfix (4f68ffe) a request left waiting on this node at the primary's kill blocked DMS's recovery-only
     * acquire of the same page until it timed out (a 6.9 s replay of 151 records), so in a failover the reader lets
     * go of it soon after the reform starts. Without reform one slice is the whole timeout.
     */
    private AcquireResult acquireInSlices(final long pageId)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            if (stopping)
            {
                throw new IllegalStateException("stopping for a failover");
            }
            try
            {
                return pages.acquire(pageId, LockMode.S, Math.min(sliceNs, timeoutNs));
            }
            catch (final DmsTimeoutException ex)
            {
                if ((stopping && !finishAcquire) || deadlineNs - System.nanoTime() < 0)
                {
                    throw ex;
                }
            }
        }
    }

    private void checkHeader(final int pageNumber, final short type)
    {
        if (!page.isFormatted() || page.type() != type || page.layoutVersion() != CURRENT_VERSION ||
            page.pageId() != TablePageStore.pageId(pageNumber))
        {
            problem("not the expected table page: page=" + pageNumber + ", magic=" +
                Integer.toHexString(page.magic()) + ", type=" + page.type() + ", pageId=" + page.pageId());
            return;
        }
        final long lsn = page.lsn();
        if (lsn < lastPageLsn[pageNumber])
        {
            problem("page LSN went back: page=" + pageNumber + ", was=" + lastPageLsn[pageNumber] + ", now=" +
                lsn);
        }
        lastPageLsn[pageNumber] = Math.max(lastPageLsn[pageNumber], lsn);
    }

    private void checkRow(final long rowId, final long finalVersion)
    {
        rowReads++;
        final String problem = page.checkRow(rowId);
        if (problem != null)
        {
            problem(problem);
            return;
        }
        final long version = page.rowVersion(rowId);
        final long lsn = page.rowLsn(rowId);
        final int index = (int)rowId;
        if (version < 1)
        {
            problem("row counted by the meta page is missing from its page: rowId=" + rowId);
        }
        else if (version < lastVersion[index])
        {
            problem("row version went back: rowId=" + rowId + ", was=" + lastVersion[index] + ", now=" +
                version);
        }
        else if (lsn > page.lsn())
        {
            problem("row LSN beyond its page's: rowId=" + rowId + ", rowLsn=" + lsn + ", pageLsn=" +
                page.lsn());
        }
        else if (version > lastVersion[index])
        {
            // checked once the latch is given back: no I/O under a page latch, or node 0's X request would wait
            pendingChecks.addLong(rowId);
            pendingChecks.addLong(version);
            pendingChecks.addLong(lsn);
            lastVersion[index] = version;
        }
        if (finalVersion >= 0 && version != finalVersion)
        {
            problem("row not at its last version after node 0 finished: rowId=" + rowId + ", version=" +
                version + ", last in WAL=" + finalVersion);
        }
    }

    private void finalCheck(final DssFile heap)
    {
        final long inserted = control.doneInserted();
        final long updated = control.doneUpdated();
        final long lastLsn = control.doneLastLsn();
        System.out.println("node 0 is done (" + inserted + " rows, " + updated + " updates, WAL to " + lastLsn +
            "); final check");
        if (inserted > plannedRows)
        {
            problem("node 0 inserted more rows than planned: inserted=" + inserted + ", rows=" + plannedRows);
            return;
        }
        final long[] finalVersions = wal.replay(inserted, updated, lastLsn);
        final long tableRows = readMeta(true);

        final int heapPages = heapPagesFor(tableRows);
        final UnsafeBuffer[] images = new UnsafeBuffer[heapPages + 1];
        for (int pageNumber = 0; pageNumber <= heapPages; pageNumber++)
        {
            final long pageId = TablePageStore.pageId(pageNumber);
            if (pageNumber > 0)
            {
                final long first = (long)(pageNumber - 1) * ROWS_PER_PAGE;
                final long before = rowReads;
                readRows(first, Math.min(tableRows, first + ROWS_PER_PAGE), tableRows, finalVersions);
                finalRowsRead += rowReads - before;
            }
            acquire(pageId);
            try
            {
                images[pageNumber] = new UnsafeBuffer(new byte[PAGE_SIZE]);
                images[pageNumber].putBytes(0, store.buffer(pageId), 0, PAGE_SIZE);
            }
            finally
            {
                pages.unlatch(pageId);
            }
        }
        compareWithDss(heap, images);
    }

    /**
     * The table file read straight from DSS must hold the images DMS gave: node 0 checkpointed them all.
     */
    private void compareWithDss(final DssFile heap, final UnsafeBuffer[] images)
    {
        final UnsafeBuffer onDisk = new UnsafeBuffer(new byte[PAGE_SIZE]);
        for (int pageNumber = 0; pageNumber < images.length; pageNumber++)
        {
            final long offset = (long)pageNumber * PAGE_SIZE;
            if (heap.read(offset, onDisk, 0, PAGE_SIZE) != PAGE_SIZE)
            {
                problem("page missing from the table file on DSS: page=" + pageNumber + ", file=" +
                    heap.path() + ", size=" + heap.size());
                continue;
            }
            diskPage.wrap(onDisk);
            if (diskPage.storedChecksum() != diskPage.computeChecksum())
            {
                problem("page on DSS fails its checksum: page=" + pageNumber);
                continue;
            }
            if (!sameExceptChecksum(onDisk, images[pageNumber]))
            {
                problem("page on DSS differs from the image DMS shipped: page=" + pageNumber + ", diskLsn=" +
                    diskPage.lsn() + ", memoryLsn=" + page.wrap(images[pageNumber]).lsn());
            }
            finalPagesCompared++;
        }
    }

    private static boolean sameExceptChecksum(final UnsafeBuffer a, final UnsafeBuffer b)
    {
        for (int i = 0; i < PAGE_SIZE; i++)
        {
            if ((i < CHECKSUM_OFFSET || i >= CHECKSUM_OFFSET + 4) && a.getByte(i) != b.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Record a problem, unless a failover is under way: from the reform's start this node is the recoverer, and
     * what it reads in its own buffers during redo (a page reloaded from DSS and brought forward record by record)
     * is no reader's concern.
     */
    private void problem(final String problem)
    {
        if (!stopping)
        {
            problems.add(problem);
        }
    }

    /**
     * Stop reading at the end of the round (any thread): the primary failed and this node takes over.
     */
    void stopForFailover()
    {
        stopping = true;
    }

    /**
     * Stop reading (any thread) for a switchover: the primary is alive and demoting, so an acquire under way is
     * waited out rather than given up (a request given up mid-grant leaves the master waiting on this node, and
     * the demoting writer with it); no new one starts.
     */
    void stopForSwitchover()
    {
        finishAcquire = true;
        stopping = true;
    }

    /**
     * @return whether {@link #run} ended for a failover rather than with node 0's DONE.
     */
    boolean stoppedForFailover()
    {
        return stopping && !finalCheckDone;
    }

    String progress()
    {
        return String.format("sees %d rows; %d row reads in %d rounds; pages from node 0: %d, still current here: " +
            "%d, from disk: %d; %d row versions found committed in node 0's WAL on DSS",
            seenUpTo, rowReads, rounds, pages.count(AcquireResult.FROM_PEER), pages.count(AcquireResult.LOCAL_HIT),
            pages.count(AcquireResult.FROM_DISK), wal == null ? 0 : wal.committedChecks());
    }

    void report(final NodeReport report)
    {
        report.put("rowsSeen", seenUpTo);
        report.put("rowReads", rowReads);
        report.put("rounds", rounds);
        report.put("walChecks", wal == null ? 0 : wal.committedChecks());
        report.put("walRecordsReplayed", wal == null ? 0 : wal.recordsReplayed());
        report.put("finalRowsRead", finalRowsRead);
        report.put("finalPagesCompared", finalPagesCompared);
        report.put("finalCheckDone", finalCheckDone ? 1 : 0);
        report.putLatency("walCheck", walCheckLatency);
    }
}
