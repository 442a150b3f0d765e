package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.agrona.ExpandableArrayBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.respool.examples.cluster.WalRecordDescriptor.*;

/**
 * A node's write-ahead log: a file on DSS of fixed-length records ({@link WalRecordDescriptor}), appended by the
 * threads that change pages and made durable by one WAL writer thread. The writer writes and flushes what is
 * pending when asked ({@link #requestFlush}: a commit waiting for its acknowledgement, DMS before it ships a dirty
 * page, a checkpoint) or every {@code writerDelayNs} otherwise: a group commit.
 * <p>
 * LSNs are global ({@link WalRecordDescriptor}): this log starts at a base LSN, 0 for the first writer, and a
 * promoted writer {@link #restartAt restarts} its empty log above the dead writer's end. Every record but a
 * checkpoint is a commit; {@link #durableCommits()} and {@link #durableCommitLsn()} count those durable, which are
 * the commits acknowledged to clients.
 * <p>
 * Appends are serialised by this object's monitor; the pending bytes are swapped out under it and written outside
 * it, so appenders wait for a memory copy, never for the disk.
 */
final class Wal implements AutoCloseable
{
    /**
     * Where the log stood at one moment: the redo point a checkpoint starts from.
     *
     * @param lsn           the LSN of the last record appended.
     * @param commits       commits appended up to it.
     * @param lastCommitLsn the LSN of the last of them (0 if none).
     */
    record Position(long lsn, long commits, long lastCommitLsn)
    {
    }

    private final DssFile file;
    private final int nodeId;
    private final long writerDelayNs;
    private final Thread writer;
    private final WalRecord record = new WalRecord();
    private final AtomicLong requestedLsn = new AtomicLong();
    private final Object flushed = new Object();

    private ExpandableArrayBuffer pending = new ExpandableArrayBuffer(64 * 1024);
    private ExpandableArrayBuffer spare = new ExpandableArrayBuffer(64 * 1024);
    private int pendingLength;
    private long pendingStartLsn;
    private long pendingCommits;
    private long pendingLastCommitLsn;
    private long baseLsn;
    private long insertedLsn;
    private long appendedCommits;
    private long lastAppendedCommitLsn;
    private long recordsAppended;

    private volatile long flushedLsn;
    private volatile long durableCommits;
    private volatile long durableCommitLsn;
    private volatile boolean running = true;
    private volatile boolean halted;
    private boolean awaitingRestart;
    private volatile Throwable failure;
    private volatile long flushes;
    private volatile long requestedFlushes;
    private final Histogram writeLatency = new SynchronizedHistogram(3);
    private final Histogram flushLatency = new SynchronizedHistogram(3);

    /**
     * Open the log over an empty file, starting at LSN 0, and start its writer thread.
     *
     * @param file          the WAL file, open for writing, empty.
     * @param nodeId        the node, for the thread name and checkpoint records.
     * @param writerDelayNs how long pending records may wait when nobody asks for them.
     * @throws IllegalStateException if the file is not empty.
     */
    Wal(final DssFile file, final int nodeId, final long writerDelayNs)
    {
        this(file, nodeId, writerDelayNs, false);
    }

    /**
     * Open the log of a node that was a writer before and is now a standby (a node restarted after a failover,
     * or in a cluster restarted over its data): its file holds an old log, which its successor replayed and
     * checkpointed, or which this node replays itself. Nothing may be appended until {@link #restartAt}, which
     * empties the file; so an old log is never overwritten in place by records at other LSNs.
     *
     * @param file the WAL file, open for writing, maybe not empty.
     * @return the log, waiting for {@link #restartAt}.
     */
    static Wal overOldLog(final DssFile file, final int nodeId, final long writerDelayNs)
    {
        return new Wal(file, nodeId, writerDelayNs, file.size() != 0);
    }

    private Wal(final DssFile file, final int nodeId, final long writerDelayNs, final boolean oldLog)
    {
        this.file = file;
        this.nodeId = nodeId;
        this.writerDelayNs = writerDelayNs;
        this.awaitingRestart = oldLog;
        if (!oldLog && file.size() != 0)
        {
            throw new IllegalStateException("a new WAL must start on an empty file: file=" + file.path() +
                ", size=" + file.size() + "; recover from it first, then restart the log above its end");
        }
        this.writer = new Thread(this::writerLoop, "wal-writer-" + nodeId);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Restart this log, which has had nothing appended, at a higher base LSN: what a promoted writer does once it
     * has replayed the dead writer's WAL. The file is truncated to empty (a standby's own WAL holds nothing
     * anybody needs: whatever it wrote as an earlier writer was replayed and checkpointed by its successor).
     *
     * @param newBaseLsn    the LSN the next record follows; at least every LSN this node has seen.
     * @param commits       commits the cluster has made up to it (from recovery), so the count continues.
     * @param lastCommitLsn the LSN of the last of them.
     * @throws IllegalStateException if records were appended here, or the base would go back.
     */
    /**
     * An old primary that handed over in a switchover and is made the primary again: what it logged then was
     * replayed by its successor, whose end-of-recovery checkpoint covers it, so its log may be restarted like a
     * standby's ({@link #restartAt}). Everything appended must be durable.
     *
     * @throws IllegalStateException if a record is not durable yet.
     */
    synchronized void retire()
    {
        if (pendingLength != 0 || flushedLsn < insertedLsn)
        {
            throw new IllegalStateException("cannot retire a WAL with records not durable: file=" + file.path() +
                ", inserted to " + insertedLsn + ", durable to " + flushedLsn);
        }
        recordsAppended = 0;
    }

    synchronized void restartAt(final long newBaseLsn, final long commits, final long lastCommitLsn)
    {
        if (recordsAppended != 0 || pendingLength != 0)
        {
            throw new IllegalStateException("cannot restart a WAL that has records: file=" + file.path() +
                ", records=" + recordsAppended);
        }
        if (newBaseLsn < flushedLsn)
        {
            throw new IllegalStateException("a WAL restart would take LSNs back: file=" + file.path() +
                ", newBase=" + newBaseLsn + ", flushedLsn=" + flushedLsn);
        }
        file.truncate(0);
        file.flush();
        awaitingRestart = false;
        baseLsn = newBaseLsn;
        pendingStartLsn = newBaseLsn;
        insertedLsn = newBaseLsn;
        appendedCommits = commits;
        lastAppendedCommitLsn = lastCommitLsn;
        durableCommits = commits;
        durableCommitLsn = lastCommitLsn;
        synchronized (flushed)
        {
            flushedLsn = newBaseLsn;
            flushed.notifyAll();
        }
    }

    /**
     * Append a change record, a commit of its own. Call while holding the X latch of the page (or pages) it
     * describes, after marking them dirty, so that LSNs on a page only grow and a checkpoint that starts after the
     * append sees the page dirty.
     *
     * @return the record's LSN.
     */
    synchronized long append(final int type, final long pageId, final long rowId, final long version, final long value)
    {
        if (!WalRecordDescriptor.isCommit(type))
        {
            throw new IllegalArgumentException("not a change record: type=" + typeName(type));
        }
        final long lsn = appendRecord(type, pageId, rowId, version, value);
        appendedCommits++;
        lastAppendedCommitLsn = lsn;
        pendingCommits++;
        pendingLastCommitLsn = lsn;
        return lsn;
    }

    /**
     * Append a checkpoint record for a checkpoint that started at {@code redo} and whose pages are now on DSS.
     *
     * @return the record's LSN.
     */
    synchronized long appendCheckpoint(final Position redo)
    {
        return appendRecord(TYPE_CHECKPOINT, redo.lsn(), redo.commits(), redo.lastCommitLsn(), nodeId);
    }

    /**
     * @return where the log stands now (a checkpoint's redo point).
     */
    synchronized Position position()
    {
        return new Position(insertedLsn, appendedCommits, lastAppendedCommitLsn);
    }

    private long appendRecord(final int type, final long a, final long b, final long c, final long d)
    {
        if (halted || !running)
        {
            throw new IllegalStateException("WAL is closed: file=" + file.path());
        }
        if (awaitingRestart)
        {
            throw new IllegalStateException("this WAL holds an old log and was not restarted above it: file=" +
                file.path());
        }
        final int offset = pendingLength;
        final long lsn = insertedLsn + RECORD_LENGTH;
        pending.checkLimit(offset + RECORD_LENGTH);
        record.wrap(pending, offset).encode(type, lsn, a, b, c, d);
        pendingLength += RECORD_LENGTH;
        insertedLsn = lsn;
        recordsAppended++;
        return lsn;
    }

    /**
     * @return the LSN of the last record appended.
     */
    synchronized long insertedLsn()
    {
        return insertedLsn;
    }

    /**
     * Ask the writer to make the log durable up to {@code lsn}, without waiting.
     *
     * @param lsn the LSN wanted durable.
     * @return the LSN durable now.
     */
    long requestFlush(final long lsn)
    {
        if (lsn > flushedLsn)
        {
            // never ask for more than was appended, or the writer would look for records that do not exist
            requestedLsn.accumulateAndGet(Math.min(lsn, insertedLsn()), Math::max);
            LockSupport.unpark(writer);
        }
        return flushedLsn;
    }

    /**
     * Wait until the log is durable up to {@code lsn}.
     *
     * @param lsn       the LSN wanted durable.
     * @param timeoutNs how long to wait.
     * @throws IllegalStateException if the writer failed or the time ran out.
     */
    void flushUpTo(final long lsn, final long timeoutNs)
    {
        requestFlush(lsn);
        final long deadlineNs = System.nanoTime() + timeoutNs;
        synchronized (flushed)
        {
            while (flushedLsn < lsn)
            {
                checkHealthy();
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    throw new IllegalStateException("WAL flush timed out: lsn=" + lsn + ", flushedLsn=" +
                        flushedLsn + ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
                }
                try
                {
                    flushed.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the WAL: lsn=" + lsn, ex);
                }
            }
        }
        checkHealthy();
    }

    /**
     * @return the LSN this log started at: its first record's LSN is one record above it.
     */
    synchronized long baseLsn()
    {
        return baseLsn;
    }

    /**
     * @return records appended to this log (changes and checkpoints).
     */
    synchronized long recordsAppended()
    {
        return recordsAppended;
    }

    /**
     * @return commits durable, so acknowledged (counting those before a restart): a volatile read.
     */
    long durableCommits()
    {
        return durableCommits;
    }

    /**
     * @return the LSN of the last commit durable: a volatile read.
     */
    long durableCommitLsn()
    {
        return durableCommitLsn;
    }

    /**
     * @return the LSN up to which the log is durable: a volatile read.
     */
    long flushedLsn()
    {
        return flushedLsn;
    }

    /**
     * @return flushes done by the writer.
     */
    long flushes()
    {
        return flushes;
    }

    /**
     * @return flushes started because someone asked (DMS before a ship, a checkpoint, the end of the run).
     */
    long requestedFlushes()
    {
        return requestedFlushes;
    }

    /**
     * @return times of {@link DssFile#write} of the pending records, ns.
     */
    Histogram writeLatency()
    {
        return writeLatency;
    }

    /**
     * @return times of {@link DssFile#flush} after the write, ns.
     */
    Histogram flushLatency()
    {
        return flushLatency;
    }

    private void checkHealthy()
    {
        final Throwable t = failure;
        if (t != null)
        {
            throw new IllegalStateException("WAL writer failed: file=" + file.path() + ", reason=" + t, t);
        }
    }

    private void writerLoop()
    {
        long lastFlushNs = System.nanoTime();
        try
        {
            while (true)
            {
                final boolean asked = requestedLsn.get() > flushedLsn;
                final long nowNs = System.nanoTime();
                final boolean due = nowNs - lastFlushNs >= writerDelayNs;
                if (asked || due || !running)
                {
                    final boolean wrote = flushPending(asked);
                    lastFlushNs = nowNs;
                    if (!running && !wrote)
                    {
                        return;
                    }
                }
                else
                {
                    LockSupport.parkNanos(this, writerDelayNs - (nowNs - lastFlushNs));
                }
            }
        }
        catch (final Throwable t)
        {
            failure = t;
            synchronized (flushed)
            {
                flushed.notifyAll();
            }
        }
    }

    private boolean flushPending(final boolean asked)
    {
        final ExpandableArrayBuffer toWrite;
        final int length;
        final long startLsn;
        final long base;
        final long commits;
        final long lastCommitLsn;
        synchronized (this)
        {
            if (0 == pendingLength || halted)
            {
                return false;
            }
            toWrite = pending;
            length = pendingLength;
            startLsn = pendingStartLsn;
            base = baseLsn;
            commits = pendingCommits;
            lastCommitLsn = pendingLastCommitLsn;
            pending = spare;
            pendingLength = 0;
            pendingCommits = 0;
            pendingStartLsn = startLsn + length;
        }

        final long startNs = System.nanoTime();
        file.write(startLsn - base, toWrite, 0, length);
        final long writtenNs = System.nanoTime();
        file.flush();
        final long flushedNs = System.nanoTime();
        writeLatency.recordValue(writtenNs - startNs);
        flushLatency.recordValue(flushedNs - writtenNs);

        synchronized (this)
        {
            spare = toWrite;
        }
        flushes++;
        if (asked)
        {
            requestedFlushes++;
        }
        synchronized (flushed)
        {
            if (commits > 0)
            {
                durableCommits += commits;
                durableCommitLsn = lastCommitLsn;
            }
            flushedLsn = startLsn + length;
            flushed.notifyAll();
        }
        return true;
    }

    /**
     * Stop the writer at once, dropping what is not yet written, as a crash of the node would: a write in
     * progress completes, nothing after it is written. For tests of recovery.
     */
    void crash()
    {
        halted = true;
        close();
    }

    /**
     * Make everything appended durable and stop the writer.
     */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        LockSupport.unpark(writer);
        try
        {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
