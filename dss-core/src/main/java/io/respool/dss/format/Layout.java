package io.respool.dss.format;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Field helpers shared by the layouts: UUIDs as two little-endian longs, short strings as a length byte and bytes.
 */
public final class Layout
{
    private Layout()
    {
    }

    public static UUID getUuid(final DirectBuffer buffer, final int offset)
    {
        return new UUID(buffer.getLong(offset, LITTLE_ENDIAN), buffer.getLong(offset + 8, LITTLE_ENDIAN));
    }

    public static void putUuid(final MutableDirectBuffer buffer, final int offset, final UUID uuid)
    {
        buffer.putLong(offset, uuid.getMostSignificantBits(), LITTLE_ENDIAN);
        buffer.putLong(offset + 8, uuid.getLeastSignificantBits(), LITTLE_ENDIAN);
    }

    /**
     * A string of at most {@code maxLength} bytes stored as one length byte followed by the bytes.
     */
    public static String getShortString(final DirectBuffer buffer, final int offset, final int maxLength)
    {
        final int length = Math.min(buffer.getByte(offset) & 0xFF, maxLength);
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset + 1, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static void putShortString(
        final MutableDirectBuffer buffer, final int offset, final String value, final int maxLength)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength)
        {
            throw new IllegalArgumentException("string too long: value=" + value + ", max=" + maxLength);
        }
        buffer.putByte(offset, (byte)bytes.length);
        buffer.putBytes(offset + 1, bytes);
    }
}
