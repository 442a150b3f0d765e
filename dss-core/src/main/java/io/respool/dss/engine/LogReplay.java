package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.LogRecordHeader;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static io.respool.dss.format.LogRecordHeader.HEADER_LENGTH;

/**
 * The reading side of the redo log: a scan from an LSN that hands each valid record to a handler and stops at the
 * first one that is not (a torn or stale record ends the log). Open, catch-up and check replay through it; the
 * writing side is {@link RedoLog}.
 */
final class LogReplay
{
    private LogReplay()
    {
    }

    /**
     * Receives replayed records.
     */
    @FunctionalInterface
    interface RecordHandler
    {
        void onRecord(RecordType type, UnsafeBuffer buffer, int payloadIndex, long timestampMs, long lsn);
    }

    /**
     * Scan the log from {@code fromLsn}, passing each valid record to {@code handler}. Reads the region in 64 KiB
     * windows, so catching up a few records reads little.
     *
     * @return the LSN just past the last valid record: the end of the log.
     */
    static long replay(final BlockDevice device, final long regionOffset, final long regionLength,
        final long epoch, final long fromLsn, final RecordHandler handler)
    {
        final int windowLength = (int)Math.min(regionLength, 64 * 1024);
        final int alignment = Math.max(device.alignment(), LogRecordHeader.ALIGNMENT);
        final UnsafeBuffer window = new UnsafeBuffer(new byte[windowLength + alignment]);
        long windowStart = -1;
        int windowFill = 0;
        long lsn = fromLsn;
        while (lsn - fromLsn < regionLength)
        {
            final long position = lsn % regionLength;
            if (windowStart < 0 || position < windowStart || position + HEADER_LENGTH > windowStart + windowFill)
            {
                windowStart = position - position % alignment;
                windowFill = (int)Math.min(windowLength, regionLength - windowStart);
                device.read(regionOffset + windowStart, window, 0, windowFill);
            }
            int index = (int)(position - windowStart);
            int available = (int)Math.min(windowFill - index, regionLength - position);
            final int length = window.getInt(index + LogRecordHeader.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (length > available && length <= regionLength - position && position != windowStart)
            {
                windowStart = position - position % alignment;
                windowFill = (int)Math.min(windowLength, regionLength - windowStart);
                device.read(regionOffset + windowStart, window, 0, windowFill);
                index = (int)(position - windowStart);
                available = (int)Math.min(windowFill - index, regionLength - position);
            }
            if (!LogRecordHeader.isValid(window, index, available, lsn, epoch))
            {
                break;
            }
            LogRecordHeader.checkVersion(window, index, lsn);
            final int typeCode = LogRecordHeader.type(window, index);
            final RecordType type = RecordType.ofCode(typeCode);
            if (type == null)
            {
                throw new DssException(ErrorCode.CORRUPT, "unknown redo record type: lsn=" + lsn + ", type=" +
                    typeCode + "; written by a newer version?");
            }
            if (type != RecordType.PAD)
            {
                handler.onRecord(type, window, index + HEADER_LENGTH, LogRecordHeader.timestampMs(window, index), lsn);
            }
            lsn += LogRecordHeader.length(window, index);
        }
        return lsn;
    }
}
