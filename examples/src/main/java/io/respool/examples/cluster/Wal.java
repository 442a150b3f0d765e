package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static io.respool.examples.cluster.WalRecordDescriptor.*;

/**
 * A node's write-ahead log: a file on DSS of fixed-length records ({@link WalRecordDescriptor}), appended by the
 * threads that change pages and made durable by one WAL writer thread. The writer writes and flushes what is
 * pending when asked ({@link #requestFlush}, which DMS does through the page store before it ships a dirty page) or
 * every {@code writerDelayNs} otherwise, so commits are asynchronous as with openGauss's
 * {@code synchronous_commit=off}: a row is durable once the WAL up to its LSN is.
 * <p>
 * Appends are serialised by this object's monitor; the pending bytes are swapped out under it and written outside
 * it, so appenders wait for a memory copy, never for the disk.
 */
final class Wal implements AutoCloseable
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final DssFile file;
    private final long writerDelayNs;
    private final Thread writer;
    private final CRC32C crc = new CRC32C();
    private final AtomicLong requestedLsn = new AtomicLong();
    private final Object flushed = new Object();

    private ExpandableArrayBuffer pending = new ExpandableArrayBuffer(64 * 1024);
    private ExpandableArrayBuffer spare = new ExpandableArrayBuffer(64 * 1024);
    private int pendingLength;
    private long pendingStartLsn;
    private long insertedLsn;

    private volatile long flushedLsn;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long flushes;
    private volatile long requestedFlushes;
    private final Histogram writeLatency = new SynchronizedHistogram(3);
    private final Histogram flushLatency = new SynchronizedHistogram(3);

    /**
     * Open the log over an empty file and start its writer thread.
     *
     * @param file          the WAL file, open for writing, empty.
     * @param nodeId        the node, for the thread name.
     * @param writerDelayNs how long pending records may wait when nobody asks for them.
     */
    Wal(final DssFile file, final int nodeId, final long writerDelayNs)
    {
        this.file = file;
        this.writerDelayNs = writerDelayNs;
        this.pendingStartLsn = file.size();
        this.insertedLsn = pendingStartLsn;
        this.flushedLsn = pendingStartLsn;
        this.writer = new Thread(this::writerLoop, "wal-writer-" + nodeId);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Append a record. Call while holding the X latch of the page it describes, so that LSNs on a page only grow.
     *
     * @return the record's LSN (the log offset just past it).
     */
    synchronized long append(final int type, final long pageId, final long rowId, final long version, final long value)
    {
        final int offset = pendingLength;
        final long lsn = insertedLsn + RECORD_LENGTH;
        pending.checkLimit(offset + RECORD_LENGTH);
        pending.setMemory(offset, RECORD_LENGTH, (byte)0);
        pending.putInt(offset + MAGIC_OFFSET, MAGIC, ORDER);
        pending.putInt(offset + TYPE_OFFSET, type, ORDER);
        pending.putLong(offset + LSN_OFFSET, lsn, ORDER);
        pending.putLong(offset + PAGE_ID_OFFSET, pageId, ORDER);
        pending.putLong(offset + ROW_ID_OFFSET, rowId, ORDER);
        pending.putLong(offset + VERSION_OFFSET, version, ORDER);
        pending.putLong(offset + VALUE_OFFSET, value, ORDER);
        crc.reset();
        crc.update(pending.byteArray(), offset, CRC_OFFSET);
        pending.putInt(offset + CRC_OFFSET, (int)crc.getValue(), ORDER);
        pendingLength += RECORD_LENGTH;
        insertedLsn = lsn;
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
        synchronized (this)
        {
            if (0 == pendingLength)
            {
                return false;
            }
            toWrite = pending;
            length = pendingLength;
            startLsn = pendingStartLsn;
            pending = spare;
            pendingLength = 0;
            pendingStartLsn = startLsn + length;
        }

        final long startNs = System.nanoTime();
        file.write(startLsn, toWrite, 0, length);
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
            flushedLsn = startLsn + length;
            flushed.notifyAll();
        }
        return true;
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
