package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.LogRecordHeader;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.ReentrantLock;

import static io.respool.dss.format.LogRecordHeader.HEADER_LENGTH;

/**
 * The circular redo log on the entry volume, with group commit.
 * <p>
 * Appenders (holding the engine's metadata lock, so log order is apply order) stage records in memory and get the
 * LSN just past their record. {@link #awaitDurable} makes staged records durable: the first waiter becomes the
 * flusher and writes everything staged so far in one batch, padded to the device's atomic write unit so that no
 * durable sector is ever rewritten, while later appenders stage the next batch. A batch is written in chunks of at
 * most {@link #MAX_IN_FLIGHT} bytes, each flushed before the next: after a crash, only that much past the valid end
 * can hold torn records, and recovery zeroes it so a torn batch can never be resurrected.
 */
final class RedoLog
{
    static final int MAX_IN_FLIGHT = 1024 * 1024;

    private final BlockDevice device;
    private final long regionOffset;
    private final long regionLength;
    private final long epoch;
    private final int padUnit;
    private final ReentrantLock stagingLock = new ReentrantLock();
    private final ReentrantLock flushLock = new ReentrantLock();

    private ExpandableArrayBuffer staging = new ExpandableArrayBuffer(64 * 1024);
    private ExpandableArrayBuffer flushing = new ExpandableArrayBuffer(64 * 1024);
    private int stagingLength;
    private long stagingStartLsn;
    private long appendedLsn;
    private volatile long durableLsn;
    private volatile long tailLsn;
    private long batches;
    /**
     * Set when a batch could not be written, or staged records had to be dropped: the state in memory is then ahead
     * of the log, and writing anything after the gap would make it unreplayable. Every later call fails.
     */
    private volatile DssException failure;
    private FenceGate gate;
    private Runnable checkStillHeld = () -> {};

    RedoLog(final BlockDevice device, final long regionOffset, final long regionLength, final long epoch,
        final long tailLsn, final long endLsn)
    {
        this.device = device;
        this.regionOffset = regionOffset;
        this.regionLength = regionLength;
        this.epoch = epoch;
        this.padUnit = Math.max(Math.max(device.alignment(), device.atomicWriteUnit()), LogRecordHeader.ALIGNMENT);
        this.tailLsn = tailLsn;
        this.appendedLsn = endLsn;
        this.stagingStartLsn = endLsn;
        this.durableLsn = endLsn;
    }

    /**
     * Encodes a payload at {@code index} of {@code buffer}.
     */
    @FunctionalInterface
    interface PayloadEncoder
    {
        /**
         * @return payload length.
         */
        int encode(MutableDirectBuffer buffer, int index);
    }

    /**
     * Stage one record. The caller holds the metadata write lock.
     *
     * @return the LSN just past the record: pass it to {@link #awaitDurable}.
     */
    long append(final RecordType type, final long timestampMs, final int maxPayload, final PayloadEncoder encoder)
    {
        checkHealthy();
        stagingLock.lock();
        try
        {
            final int maxLength = LogRecordHeader.alignedLength(maxPayload);
            final long position = appendedLsn % regionLength;
            if (regionLength - position < maxLength)
            {
                stagePad((int)(regionLength - position));
            }
            if (appendedLsn + maxLength - tailLsn > regionLength - padUnit)
            {
                throw new DssException(ErrorCode.OUT_OF_SPACE, "redo log full: used=" + (appendedLsn - tailLsn) +
                    ", length=" + regionLength + "; a checkpoint must run first");
            }
            staging.checkLimit(stagingLength + maxLength);
            final int payloadLength = encoder.encode(staging, stagingLength + HEADER_LENGTH);
            LogRecordHeader.seal(staging, stagingLength, type.code, appendedLsn, timestampMs, payloadLength, epoch);
            final int length = LogRecordHeader.alignedLength(payloadLength);
            stagingLength += length;
            appendedLsn += length;
            return appendedLsn;
        }
        finally
        {
            stagingLock.unlock();
        }
    }

    /**
     * Return once every record up to {@code lsn} is durable, writing the staged batch if no one else is.
     */
    void awaitDurable(final long lsn)
    {
        if (durableLsn >= lsn)
        {
            return;
        }
        flushLock.lock();
        try
        {
            while (durableLsn < lsn)
            {
                final long start;
                final int length;
                stagingLock.lock();
                try
                {
                    final int misalignment = (int)(appendedLsn % padUnit);
                    if (misalignment != 0)
                    {
                        stagePad(padUnit - misalignment);
                    }
                    final ExpandableArrayBuffer batch = staging;
                    staging = flushing;
                    flushing = batch;
                    start = stagingStartLsn;
                    length = stagingLength;
                    stagingStartLsn = appendedLsn;
                    stagingLength = 0;
                }
                finally
                {
                    stagingLock.unlock();
                }
                if (length == 0)
                {
                    throw new IllegalStateException("awaiting an LSN never appended: lsn=" + lsn + ", appended=" +
                        start);
                }
                checkHealthy();
                try
                {
                    checkWriter(start);
                }
                catch (final DssException ex)
                {
                    throw fail(ex); // the state in memory holds these records: nothing after them may be written
                }
                if (gate != null && !gate.tryEnter())
                {
                    throw fail(gate.refused("redo log write at lsn=" + start));
                }
                try
                {
                    writeBatch(flushing, start, length);
                }
                catch (final RuntimeException ex)
                {
                    throw fail(new DssException(ErrorCode.IO_ERROR, "redo log write failed: device=" + device.path() +
                        ", lsn=" + start + ", length=" + length + "; the changes of this batch were not made " +
                        "durable and the volume group must be reopened: " + ex.getMessage(), ex));
                }
                finally
                {
                    if (gate != null)
                    {
                        gate.exit();
                    }
                }
                batches++;
                durableLsn = start + length;
            }
        }
        finally
        {
            flushLock.unlock();
        }
    }

    void gate(final FenceGate gate)
    {
        this.gate = gate;
    }

    /**
     * @param checkStillHeld run immediately before every batch is written: throws if the volume-group lock may no
     *                       longer be this instance's (a SHARE_DISK lease that ran out while the process was paused).
     */
    void checkStillHeld(final Runnable checkStillHeld)
    {
        this.checkStillHeld = checkStillHeld;
    }

    /**
     * Check, immediately before a write this log's owner makes under the volume-group lock, that the lock is still
     * its own.
     */
    void checkWriter(final long lsn)
    {
        try
        {
            checkStillHeld.run();
        }
        catch (final DssException ex)
        {
            throw new DssException(ex.errorCode(), "redo log write at lsn=" + lsn + " refused: " + ex.getMessage(), ex);
        }
    }

    /**
     * Mark the log failed: nothing more may be appended or written until the volume group is reopened.
     */
    DssException fail(final DssException cause)
    {
        if (failure == null)
        {
            failure = cause;
        }
        return cause;
    }

    /**
     * Staged records that will never be written (the instance was fenced before they were): the state in memory
     * holds changes the log does not.
     */
    void dropStaged(final String why)
    {
        stagingLock.lock();
        try
        {
            if (stagingLength > 0)
            {
                fail(new DssException(ErrorCode.FENCED, "metadata changes not yet durable were dropped (" + why +
                    "); reopen the volume group"));
            }
        }
        finally
        {
            stagingLock.unlock();
        }
    }

    private void checkHealthy()
    {
        final DssException cause = failure;
        if (cause != null)
        {
            throw new DssException(cause.errorCode(), "redo log unusable after an earlier failure: " +
                cause.getMessage(), cause);
        }
    }

    long appendedLsn()
    {
        stagingLock.lock();
        try
        {
            return appendedLsn;
        }
        finally
        {
            stagingLock.unlock();
        }
    }

    long durableLsn()
    {
        return durableLsn;
    }

    long tailLsn()
    {
        return tailLsn;
    }

    /**
     * Free the log up to {@code lsn}: a checkpoint now covers it.
     */
    void tail(final long lsn)
    {
        tailLsn = lsn;
    }

    String devicePath()
    {
        return device.path().toString();
    }

    long regionLength()
    {
        return regionLength;
    }

    long usedBytes()
    {
        return appendedLsn() - tailLsn;
    }

    long batches()
    {
        return batches;
    }

    /**
     * After recovery found the valid end at {@link #appendedLsn}: zero what a torn batch may have left past it and
     * align the end to the pad unit, durably, before anything new is appended.
     */
    void sealRecoveredEnd()
    {
        sealRecoveredEnd(appendedLsn());
    }

    /**
     * As {@link #sealRecoveredEnd()}, zeroing at least up to {@code discardedEnd}: an operator gave up the records
     * there, which must not come back when the log grows over them again.
     */
    void sealRecoveredEnd(final long discardedEnd)
    {
        final long end = appendedLsn;
        final long alignedEnd = (end + padUnit - 1) / padUnit * padUnit;
        final long zeroEnd = Math.min(Math.max(alignedEnd, discardedEnd) + MAX_IN_FLIGHT, tailLsn + regionLength);
        for (long lsn = alignedEnd; lsn < zeroEnd; )
        {
            final long position = lsn % regionLength;
            final long length = Math.min(zeroEnd - lsn, regionLength - position);
            zeroKeepingNeighbours(regionOffset + position, length);
            lsn += length;
        }
        device.flush();
        stagingLock.lock();
        try
        {
            final int misalignment = (int)(appendedLsn % padUnit);
            if (misalignment != 0)
            {
                stagePad(padUnit - misalignment);
            }
        }
        finally
        {
            stagingLock.unlock();
        }
        awaitDurable(appendedLsn());
    }

    /**
     * Zero {@code [offset, offset + length)} on a device that may only write whole blocks: the tail LSN, which bounds
     * what recovery may zero, falls on a record boundary, and a log written through a backend with a smaller pad
     * unit (mapped: 512 bytes) may be recovered through one with a larger (direct: 4 KiB). The partial blocks at the
     * ends are read and written back with only the range zeroed; the bytes kept are rewritten as they were.
     */
    private void zeroKeepingNeighbours(final long offset, final long length)
    {
        final long alignment = device.alignment();
        final long end = offset + length;
        final long headEnd = Math.min(end, (offset + alignment - 1) / alignment * alignment);
        final long tailStart = Math.max(headEnd, end / alignment * alignment);
        if (offset < headEnd)
        {
            zeroWithinBlock(offset, headEnd);
        }
        if (headEnd < tailStart)
        {
            device.zero(headEnd, tailStart - headEnd);
            device.reserve(headEnd, tailStart - headEnd); // a punched hole gave the log's space back
        }
        if (tailStart < end)
        {
            zeroWithinBlock(tailStart, end);
        }
    }

    private void zeroWithinBlock(final long from, final long to)
    {
        final int alignment = device.alignment();
        final long blockStart = from / alignment * alignment;
        final UnsafeBuffer block = new UnsafeBuffer(new byte[alignment]);
        device.read(blockStart, block, 0, alignment);
        block.setMemory((int)(from - blockStart), (int)(to - from), (byte)0);
        device.write(blockStart, block, 0, alignment);
    }

    private void stagePad(final int length)
    {
        staging.checkLimit(stagingLength + length);
        LogRecordHeader.sealPad(staging, stagingLength, length, appendedLsn, epoch);
        stagingLength += length;
        appendedLsn += length;
    }

    private void writeBatch(final MutableDirectBuffer batch, final long startLsn, final int length)
    {
        final int alignment = device.alignment();
        int done = 0;
        while (done < length)
        {
            final long lsn = startLsn + done;
            final long position = lsn % regionLength;
            final int chunk = (int)Math.min(Math.min(length - done, MAX_IN_FLIGHT), regionLength - position);
            final int lead = (int)(position % alignment);
            if (lead == 0)
            {
                device.write(regionOffset + position, batch, done, chunk);
            }
            else
            {
                // Only after recovery ends mid-block on a direct device: rewrite the block's valid prefix as read.
                final UnsafeBuffer block = new UnsafeBuffer(new byte[lead + chunk]);
                device.read(regionOffset + position - lead, block, 0, alignment);
                block.putBytes(lead, batch, done, chunk);
                device.write(regionOffset + position - lead, block, 0, lead + chunk);
            }
            device.flush(regionOffset + position - lead, lead + chunk);
            done += chunk;
        }
    }

    /**
     * Records up to {@code endLsn} were appended by another instance and replayed here: continue after them.
     * Only with nothing staged, which holds while another instance has the volume-group lock.
     */
    void advanceTo(final long endLsn)
    {
        stagingLock.lock();
        try
        {
            if (stagingLength != 0)
            {
                throw new IllegalStateException("records staged while another instance wrote: staged=" +
                    stagingLength + ", end=" + endLsn);
            }
            appendedLsn = endLsn;
            stagingStartLsn = endLsn;
            durableLsn = endLsn;
        }
        finally
        {
            stagingLock.unlock();
        }
    }
}
