package io.respool.dss.format;

import org.agrona.MutableDirectBuffer;

import java.util.zip.CRC32C;

import static io.respool.dss.format.LogRecordHeader.CRC_OFFSET;
import static io.respool.dss.format.LogRecordHeader.PAYLOAD_LENGTH_OFFSET;
import static io.respool.dss.format.LogRecordHeader.VERSION_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Test helper: records a reader must refuse although they are whole, which {@link LogRecordHeader#seal} never writes.
 */
public final class LogRecords
{
    private LogRecords()
    {
    }

    /**
     * Stamp another layout version into the record at {@code index} and a checksum that matches it: CRC32C seeded
     * with the log epoch's 8 little-endian bytes, over [0, 24) and [28, 32 + payload length), as documented.
     */
    public static void restampVersion(final MutableDirectBuffer buffer, final int index, final int version,
        final long logEpoch)
    {
        buffer.putShort(index + VERSION_OFFSET, (short)version, LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        for (int i = 0; i < Long.BYTES; i++)
        {
            crc.update((int)(logEpoch >>> (i * 8)) & 0xFF);
        }
        crc.update(buffer.byteArray(), index, CRC_OFFSET);
        crc.update(buffer.byteArray(), index + PAYLOAD_LENGTH_OFFSET, 4 + LogRecordHeader.payloadLength(buffer, index));
        buffer.putInt(index + CRC_OFFSET, (int)crc.getValue(), LITTLE_ENDIAN);
    }
}
