package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.respool.examples.cluster.HeapPageDescriptor.TYPE_HEAP;
import static io.respool.examples.cluster.HeapPageDescriptor.pageNumberOf;
import static io.respool.examples.cluster.WalRecordDescriptor.*;

/**
 * Redo of a writer's WAL into the table: what the node taking over from a dead writer runs, and what a writer
 * restarted on its own log would run.
 * <ol>
 *     <li>{@link #scan} reads the whole log from DSS and checks every record (magic, CRC, layout version, the LSN
 *     its place implies), finding the last checkpoint record and the end. A bad record followed by nothing whole
 *     is a torn tail: the log ends at the last whole record before it. A bad record followed by a whole record
 *     later in the file is damage inside the log: a {@link RecoveryException} naming the file and offset, never a
 *     silent stop (committed data would be lost).</li>
 *     <li>{@link #replay} then applies the records above the checkpoint's redo LSN (every change at or below it
 *     is in the table file) through a {@link RedoPages}, each to a page only if the page's LSN is older than the
 *     record's, so replaying twice changes nothing the second time.</li>
 * </ol>
 * Each record is a whole transaction (see {@link WalRecordDescriptor}), so the replayed table holds exactly the
 * first {@link Result#commits()} commits of the log: every commit acknowledged (durable before the crash) and no
 * part of one that was not whole on DSS. The log is read through {@link DssFile#read} until a short read, never
 * by {@link DssFile#size()}, which another instance's handle does not refresh.
 */
final class Recovery
{
    private static final int CHUNK = 64 * 1024;

    /**
     * How recovery reaches the table's pages: today plain X acquires through DMS ({@link DmsRedoPages}); after
     * a reform, DMS's recovery-only access to the dead node's pages. No checkpoint may run during a replay.
     */
    interface RedoPages
    {
        /**
         * Take the page for redo, exclusively, loaded from DSS if it is not in memory.
         *
         * @param pageId the page.
         * @return its buffer.
         */
        MutableDirectBuffer latch(long pageId);

        /**
         * Give the page back.
         *
         * @param pageId  the page.
         * @param changed whether redo changed it (it is then dirty).
         */
        void unlatch(long pageId, boolean changed);
    }

    /**
     * What a scan or a replay found.
     *
     * @param walPath         the WAL file.
     * @param baseLsn         the LSN the file starts at (its first record's minus one record), 0 if it is empty.
     * @param checkpointLsn   the LSN of the last checkpoint record, 0 if none.
     * @param redoLsn         where replay started: the last checkpoint's redo LSN, else the base.
     * @param endLsn          the LSN of the last whole record: the log's end; 0 if it has none.
     * @param commits         commits in the log up to its end, counting those before the redo LSN.
     * @param lastCommitLsn   the LSN of the last of them, 0 if none.
     * @param records         whole records in the file.
     * @param replayed        records read by the replay (those above the redo LSN).
     * @param pagesChanged    page changes applied (a change skipped because the page was newer is not counted).
     * @param pagesSkipped    page changes skipped because the page already had them.
     * @param tornTailOffset  the file offset where a torn tail starts, -1 if the log ends cleanly.
     * @param tornTailReason  what is wrong there, or null.
     */
    record Result(String walPath, long baseLsn, long checkpointLsn, long redoLsn, long endLsn, long commits,
        long lastCommitLsn, long records, long replayed, long pagesChanged, long pagesSkipped, long tornTailOffset,
        String tornTailReason)
    {
        /**
         * @return a line for a log.
         */
        String describe()
        {
            return "WAL " + walPath + ": base LSN " + baseLsn + ", " + records + " records, last checkpoint at " +
                checkpointLsn + " (redo from " + redoLsn + "), end LSN " + endLsn + ", " + commits +
                " commits (last at " + lastCommitLsn + "); replayed " + replayed + " records: " + pagesChanged +
                " page changes applied, " + pagesSkipped + " already there" +
                (tornTailOffset < 0 ? "" : "; torn tail at offset " + tornTailOffset + " (" + tornTailReason + ")");
        }
    }

    private final WalRecord record = new WalRecord();
    private final HeapPage page = new HeapPage();
    private final HeapPage meta = new HeapPage();
    private final UnsafeBuffer chunk = new UnsafeBuffer(new byte[CHUNK]);

    /**
     * Scan a WAL and replay it from its last checkpoint.
     *
     * @param wal   the WAL file, readable (the dead writer's, through this node's DSS instance).
     * @param pages how to reach the pages.
     * @return what was found and done.
     * @throws RecoveryException if the log is damaged before its end, or does not fit the pages.
     */
    static Result replay(final DssFile wal, final RedoPages pages)
    {
        final Recovery recovery = new Recovery();
        return recovery.redo(wal, recovery.scanLog(wal), pages);
    }

    /**
     * Check a WAL and find its last checkpoint and end, changing nothing.
     *
     * @param wal the WAL file.
     * @return what was found (nothing replayed).
     * @throws RecoveryException if the log is damaged before its end.
     */
    static Result scan(final DssFile wal)
    {
        return new Recovery().scanLog(wal);
    }

    private Result scanLog(final DssFile wal)
    {
        long base = -1;
        long end = 0;
        long records = 0;
        long checkpointLsn = 0;
        long redoLsn = -1;
        long commitsAtRedo = 0;
        long lastCommitAtRedo = 0;
        long tornOffset = -1;
        String tornReason = null;
        long position = 0;
        scan:
        while (true)
        {
            final int read = Math.max(0, wal.read(position, chunk, 0, CHUNK));
            for (int offset = 0; offset < read; offset += RECORD_LENGTH)
            {
                final long fileOffset = position + offset;
                if (offset + RECORD_LENGTH > read)
                {
                    tornOffset = fileOffset;
                    tornReason = "a partial record of " + (read - offset) + " bytes at the end of the file";
                    break scan;
                }
                record.wrap(chunk, offset);
                final String bad = record.check(base < 0 ? -1 : base + fileOffset + RECORD_LENGTH);
                if (bad != null)
                {
                    final long later = laterWholeRecord(wal, fileOffset + RECORD_LENGTH, base);
                    if (later >= 0)
                    {
                        throw new RecoveryException(wal.path(), fileOffset, "WAL damaged before its end: " + bad +
                            "; a whole record follows at offset " + later + ", so committed data would be lost. " +
                            "Restore the WAL file from a copy; it was not replayed");
                    }
                    tornOffset = fileOffset;
                    tornReason = bad;
                    break scan;
                }
                if (base < 0)
                {
                    base = record.lsn() - RECORD_LENGTH - fileOffset;
                }
                if (record.type() == TYPE_CHECKPOINT)
                {
                    checkpointLsn = record.lsn();
                    redoLsn = record.redoLsn();
                    commitsAtRedo = record.commits();
                    lastCommitAtRedo = record.lastCommitLsn();
                }
                end = record.lsn();
                records++;
            }
            if (read < CHUNK)
            {
                break;
            }
            position += read;
        }
        final long baseLsn = Math.max(0, base);
        if (redoLsn >= 0 && redoLsn < baseLsn)
        {
            throw new RecoveryException(wal.path(), checkpointLsn - baseLsn - RECORD_LENGTH, "checkpoint redo LSN " +
                redoLsn + " below the WAL's base LSN " + baseLsn + ": its changes are in no WAL this node reads");
        }
        return new Result(wal.path(), baseLsn, checkpointLsn, redoLsn < 0 ? baseLsn : redoLsn, end, commitsAtRedo,
            lastCommitAtRedo, records, 0, 0, 0, tornOffset, tornReason);
    }

    /**
     * @return the offset of the first whole record at or after {@code from}, -1 if none.
     */
    private static long laterWholeRecord(final DssFile wal, final long from, final long base)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CHUNK]);
        final WalRecord candidate = new WalRecord();
        long position = from;
        while (true)
        {
            final int read = Math.max(0, wal.read(position, buffer, 0, CHUNK));
            for (int offset = 0; offset + RECORD_LENGTH <= read; offset += RECORD_LENGTH)
            {
                final long fileOffset = position + offset;
                candidate.wrap(buffer, offset);
                if (candidate.check(base < 0 ? -1 : base + fileOffset + RECORD_LENGTH) == null)
                {
                    return fileOffset;
                }
            }
            if (read < CHUNK)
            {
                return -1;
            }
            position += read;
        }
    }

    private Result redo(final DssFile wal, final Result scan, final RedoPages pages)
    {
        long commits = scan.commits();
        long lastCommitLsn = scan.lastCommitLsn();
        long replayed = 0;
        long changed = 0;
        long skipped = 0;
        long position = scan.redoLsn() - scan.baseLsn();
        final long endOffset = scan.endLsn() - scan.baseLsn();
        while (position < endOffset)
        {
            final int length = (int)Math.min(CHUNK, endOffset - position);
            final int read = Math.max(0, wal.read(position, chunk, 0, length));
            if (read != length)
            {
                throw new RecoveryException(wal.path(), position + read, "WAL shorter on the replay than on the " +
                    "scan: read=" + read + ", expected=" + length + "; is another node writing it?");
            }
            for (int offset = 0; offset < length; offset += RECORD_LENGTH)
            {
                final long fileOffset = position + offset;
                record.wrap(chunk, offset);
                final String bad = record.check(scan.baseLsn() + fileOffset + RECORD_LENGTH);
                if (bad != null)
                {
                    throw new RecoveryException(wal.path(), fileOffset, "WAL record changed between the scan and " +
                        "the replay: " + bad);
                }
                replayed++;
                if (isCommit(record.type()))
                {
                    commits++;
                    lastCommitLsn = record.lsn();
                    final int applied = apply(wal.path(), fileOffset, pages);
                    changed += applied;
                    skipped += pagesTouched() - applied;
                }
            }
            position += length;
        }
        return new Result(scan.walPath(), scan.baseLsn(), scan.checkpointLsn(), scan.redoLsn(), scan.endLsn(),
            commits, lastCommitLsn, scan.records(), replayed, changed, skipped, scan.tornTailOffset(),
            scan.tornTailReason());
    }

    private int pagesTouched()
    {
        final int type = record.type();
        if (type == TYPE_TRANSFER)
        {
            return BankDescriptor.pageNumberOf(record.fromAccount()) ==
                BankDescriptor.pageNumberOf(record.toAccount()) ? 1 : 2;
        }
        return type == TYPE_INSERT ? 2 : 1;
    }

    /**
     * @return pages changed by the record (0 if they all had it already).
     */
    private int apply(final String walPath, final long fileOffset, final RedoPages pages)
    {
        final long lsn = record.lsn();
        final long pageId = record.pageId();
        final long rowId = record.rowId();
        final int type = record.type();
        final long metaId = TablePageStore.pageId(0);
        if (type == TYPE_META)
        {
            return applyMeta(metaId, lsn, rowId, true, walPath, fileOffset, pages) ? 1 : 0;
        }
        if (type == TYPE_TRANSFER)
        {
            return applyTransfer(walPath, fileOffset, pages);
        }
        if (pageId != TablePageStore.pageId(pageNumberOf(rowId)))
        {
            throw new RecoveryException(walPath, fileOffset, "WAL record names a page that does not hold its row: " +
                record);
        }
        int applied = 0;
        final MutableDirectBuffer buffer = pages.latch(pageId);
        boolean changed = false;
        try
        {
            page.wrap(buffer);
            if (!page.isFormatted())
            {
                if (type != TYPE_INSERT)
                {
                    throw new RecoveryException(walPath, fileOffset, "redo of an update found its page never " +
                        "written: " + record);
                }
                page.format(pageId, TYPE_HEAP);
                changed = true;
            }
            if (page.lsn() < lsn)
            {
                final long current = page.rowVersion(rowId);
                if (current != record.version() - 1)
                {
                    throw new RecoveryException(walPath, fileOffset, "redo found the page out of step with the " +
                        "WAL: row version on the page " + current + ", record " + record + ", pageLsn=" +
                        page.lsn());
                }
                page.putRow(rowId, record.version(), lsn).lsn(lsn);
                if (type == TYPE_INSERT)
                {
                    page.pageRows(page.pageRows() + 1);
                }
                changed = true;
                applied++;
            }
        }
        finally
        {
            pages.unlatch(pageId, changed);
        }
        if (type == TYPE_INSERT && applyMeta(metaId, lsn, rowId + 1, false, walPath, fileOffset, pages))
        {
            applied++;
        }
        return applied;
    }

    /**
     * Redo a transfer: latch both account pages in X, the lower page id first as the writer takes them, and apply
     * the transfer to each page whose LSN is older than the record. Both latches are held together so that a reader
     * never sees one side of it.
     *
     * @return pages changed (0, 1 or 2).
     */
    private int applyTransfer(final String walPath, final long fileOffset, final RedoPages pages)
    {
        final long lsn = record.lsn();
        final int from = record.fromAccount();
        final int to = record.toAccount();
        final long amount = record.amount();
        final long fromPage = BankDescriptor.pageIdOf(from);
        final long toPage = BankDescriptor.pageIdOf(to);
        final long first = Math.min(fromPage, toPage);
        final long second = Math.max(fromPage, toPage);
        final MutableDirectBuffer firstBuffer = pages.latch(first);
        boolean firstChanged = false;
        boolean secondChanged = false;
        try
        {
            final MutableDirectBuffer secondBuffer = second == first ? null : pages.latch(second);
            try
            {
                firstChanged = redoTransferOn(page.wrap(firstBuffer), first, from, to, amount, lsn, walPath,
                    fileOffset);
                if (secondBuffer != null)
                {
                    secondChanged = redoTransferOn(meta.wrap(secondBuffer), second, from, to, amount, lsn, walPath,
                        fileOffset);
                }
            }
            finally
            {
                if (secondBuffer != null)
                {
                    pages.unlatch(second, secondChanged);
                }
            }
        }
        finally
        {
            pages.unlatch(first, firstChanged);
        }
        return (firstChanged ? 1 : 0) + (secondChanged ? 1 : 0);
    }

    private boolean redoTransferOn(final HeapPage target, final long pageId, final int from, final int to,
        final long amount, final long lsn, final String walPath, final long fileOffset)
    {
        if (!target.isFormatted())
        {
            // an account page no checkpoint wrote yet: every account in it still at its initial balance
            target.format(pageId, HeapPageDescriptor.TYPE_HEAP);
        }
        else if (target.lsn() >= lsn)
        {
            return false;
        }
        final String problem = Bank.apply(target, from, to, amount, lsn);
        if (problem != null)
        {
            throw new RecoveryException(walPath, fileOffset, "redo found the page out of step with the WAL: " +
                problem + ", record " + record + ", pageLsn=" + target.lsn());
        }
        return true;
    }

    private boolean applyMeta(final long metaId, final long lsn, final long tableRows, final boolean create,
        final String walPath, final long fileOffset, final RedoPages pages)
    {
        final MutableDirectBuffer buffer = pages.latch(metaId);
        boolean changed = false;
        try
        {
            meta.wrap(buffer);
            if (!meta.isFormatted())
            {
                if (!create)
                {
                    throw new RecoveryException(walPath, fileOffset, "redo of an insert found the meta page " +
                        "never written: " + record);
                }
                meta.format(metaId, HeapPageDescriptor.TYPE_META);
                changed = true;
            }
            if (meta.lsn() < lsn)
            {
                meta.tableRows(tableRows).lsn(lsn);
                changed = true;
                return true;
            }
            return false;
        }
        finally
        {
            pages.unlatch(metaId, changed);
        }
    }
}
