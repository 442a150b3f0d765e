package io.respool.dss.format;

import io.respool.dss.ErrorCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of one redo log record. Records are {@link #ALIGNMENT}-aligned and never straddle the end of the circular
 * log region: the space left before the end is filled with a {@link #TYPE_PAD} record. A record is valid only if its
 * LSN equals its position in the log stream and its CRC32C, seeded with the volume group's log epoch, matches: stale
 * records of an earlier lap or of an earlier volume group on the same disk never validate.
 * <pre>
 *   0 total length, header included, multiple of 32 (4)
 *   4 record type (2)          6 record layout version (2): covers this header and the payload layouts of
 *                              {@link RedoRecordDescriptor}
 *   8 LSN: byte position in the log stream (8)
 *  16 timestamp, ms since the epoch (8)
 *  24 CRC32C over [0, 24) and [28, 32 + payload length), seeded with the log epoch (4)
 *  28 payload length (4)
 *  32 payload ... zero padding to the total length
 * </pre>
 * One record is one whole metadata change: replaying any prefix of the log yields a consistent tree.
 */
public final class LogRecordHeader
{
    public static final int HEADER_LENGTH = 32;
    public static final int ALIGNMENT = 32;
    /** Version 1: first record layout, header and payloads. */
    public static final int CURRENT_VERSION = 1;
    public static final int MIN_COMPAT_VERSION = 1;

    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int VERSION_OFFSET = 6;
    public static final int LSN_OFFSET = 8;
    public static final int TIMESTAMP_OFFSET = 16;
    public static final int CRC_OFFSET = 24;
    public static final int PAYLOAD_LENGTH_OFFSET = 28;

    /** Fills space to the end of the log region or to a sector boundary; no payload. */
    public static final int TYPE_PAD = 0;

    private LogRecordHeader()
    {
    }

    public static int alignedLength(final int payloadLength)
    {
        return (HEADER_LENGTH + payloadLength + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * Stamp the header of a record whose payload is already at {@code index + HEADER_LENGTH}, and its checksum.
     */
    public static void seal(
        final MutableDirectBuffer buffer,
        final int index,
        final int type,
        final long lsn,
        final long timestampMs,
        final int payloadLength,
        final long logEpoch)
    {
        final int total = alignedLength(payloadLength);
        buffer.setMemory(index + HEADER_LENGTH + payloadLength, total - HEADER_LENGTH - payloadLength, (byte)0);
        buffer.putInt(index + LENGTH_OFFSET, total, LITTLE_ENDIAN);
        buffer.putShort(index + TYPE_OFFSET, (short)type, LITTLE_ENDIAN);
        buffer.putShort(index + VERSION_OFFSET, (short)CURRENT_VERSION, LITTLE_ENDIAN);
        buffer.putLong(index + LSN_OFFSET, lsn, LITTLE_ENDIAN);
        buffer.putLong(index + TIMESTAMP_OFFSET, timestampMs, LITTLE_ENDIAN);
        buffer.putInt(index + PAYLOAD_LENGTH_OFFSET, payloadLength, LITTLE_ENDIAN);
        buffer.putInt(index + CRC_OFFSET, crc(buffer, index, payloadLength, logEpoch), LITTLE_ENDIAN);
    }

    /**
     * Stamp a pad record of {@code length} bytes (a multiple of {@link #ALIGNMENT}).
     */
    public static void sealPad(
        final MutableDirectBuffer buffer, final int index, final int length, final long lsn, final long logEpoch)
    {
        buffer.setMemory(index, length, (byte)0);
        buffer.putInt(index + LENGTH_OFFSET, length, LITTLE_ENDIAN);
        buffer.putShort(index + TYPE_OFFSET, (short)TYPE_PAD, LITTLE_ENDIAN);
        buffer.putShort(index + VERSION_OFFSET, (short)CURRENT_VERSION, LITTLE_ENDIAN);
        buffer.putLong(index + LSN_OFFSET, lsn, LITTLE_ENDIAN);
        buffer.putInt(index + CRC_OFFSET, crc(buffer, index, 0, logEpoch), LITTLE_ENDIAN);
    }

    /**
     * @return true if a whole record starts at {@code index} with the expected LSN and a matching checksum, and
     * fits in {@code available} bytes.
     */
    public static boolean isValid(
        final DirectBuffer buffer, final int index, final int available, final long expectedLsn, final long logEpoch)
    {
        if (available < HEADER_LENGTH)
        {
            return false;
        }
        final int length = buffer.getInt(index + LENGTH_OFFSET, LITTLE_ENDIAN);
        final int payloadLength = buffer.getInt(index + PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (length < HEADER_LENGTH || length > available || (length & (ALIGNMENT - 1)) != 0 ||
            payloadLength < 0 || payloadLength > length - HEADER_LENGTH ||
            buffer.getLong(index + LSN_OFFSET, LITTLE_ENDIAN) != expectedLsn)
        {
            return false;
        }
        return buffer.getInt(index + CRC_OFFSET, LITTLE_ENDIAN) == crc(buffer, index, payloadLength, logEpoch);
    }

    public static int length(final DirectBuffer buffer, final int index)
    {
        return buffer.getInt(index + LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public static int type(final DirectBuffer buffer, final int index)
    {
        return buffer.getShort(index + TYPE_OFFSET, LITTLE_ENDIAN);
    }

    public static int version(final DirectBuffer buffer, final int index)
    {
        return buffer.getShort(index + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * Refuse a valid record of a layout this reader does not know: skipping it, or taking it for the end of the log,
     * would lose it and every change after it.
     *
     * @throws FormatException naming the record's version and the supported range.
     */
    public static void checkVersion(final DirectBuffer buffer, final int index, final long lsn)
    {
        final int version = version(buffer, index);
        if (version < MIN_COMPAT_VERSION || version > CURRENT_VERSION)
        {
            throw new FormatException(ErrorCode.UNSUPPORTED_VERSION, "unsupported redo record version: lsn=" + lsn +
                ", version=" + version + ", supported=" + MIN_COMPAT_VERSION + ".." + CURRENT_VERSION);
        }
    }

    public static long timestampMs(final DirectBuffer buffer, final int index)
    {
        return buffer.getLong(index + TIMESTAMP_OFFSET, LITTLE_ENDIAN);
    }

    public static int payloadLength(final DirectBuffer buffer, final int index)
    {
        return buffer.getInt(index + PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    private static int crc(final DirectBuffer buffer, final int index, final int payloadLength, final long epoch)
    {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (int i = 0; i < Long.BYTES; i++)
        {
            crc.update((int)(epoch >>> (i * 8)) & 0xFF);
        }
        final byte[] array = buffer.byteArray();
        final int base = (int)(buffer.addressOffset() - org.agrona.BufferUtil.ARRAY_BASE_OFFSET) + index;
        crc.update(array, base, CRC_OFFSET);
        crc.update(array, base + PAYLOAD_LENGTH_OFFSET, 4 + payloadLength);
        return (int)crc.getValue();
    }
}
