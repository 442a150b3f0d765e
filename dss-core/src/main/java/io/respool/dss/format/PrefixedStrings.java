package io.respool.dss.format;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The two length-prefixed strings of the redo payloads and the checkpoint.
 * <pre>
 *   name   length (1) ASCII bytes (at most 255): a file or directory name
 *   text   length (2, little-endian) UTF-8 bytes (at most 65535): a link target or a volume path
 * </pre>
 * Each {@code put} returns the index just past what it wrote; each {@code *FieldLength} is the whole field, prefix
 * included.
 */
public final class PrefixedStrings
{
    public static final int NAME_PREFIX_LENGTH = 1;
    public static final int TEXT_PREFIX_LENGTH = 2;

    private PrefixedStrings()
    {
    }

    public static int putName(final MutableDirectBuffer buffer, final int index, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        buffer.putByte(index, (byte)bytes.length);
        buffer.putBytes(index + NAME_PREFIX_LENGTH, bytes);
        return index + NAME_PREFIX_LENGTH + bytes.length;
    }

    public static String getName(final DirectBuffer buffer, final int index)
    {
        final byte[] bytes = new byte[buffer.getByte(index) & 0xFF];
        buffer.getBytes(index + NAME_PREFIX_LENGTH, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    public static int nameFieldLength(final DirectBuffer buffer, final int index)
    {
        return NAME_PREFIX_LENGTH + (buffer.getByte(index) & 0xFF);
    }

    public static int putText(final MutableDirectBuffer buffer, final int index, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        buffer.putShort(index, (short)bytes.length, LITTLE_ENDIAN);
        buffer.putBytes(index + TEXT_PREFIX_LENGTH, bytes);
        return index + TEXT_PREFIX_LENGTH + bytes.length;
    }

    public static String getText(final DirectBuffer buffer, final int index)
    {
        final byte[] bytes = new byte[buffer.getShort(index, LITTLE_ENDIAN) & 0xFFFF];
        buffer.getBytes(index + TEXT_PREFIX_LENGTH, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static int textFieldLength(final DirectBuffer buffer, final int index)
    {
        return TEXT_PREFIX_LENGTH + (buffer.getShort(index, LITTLE_ENDIAN) & 0xFFFF);
    }
}
