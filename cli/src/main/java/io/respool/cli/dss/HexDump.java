package io.respool.cli.dss;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The {@code examine} dump, line for line as openGauss prints it: 16 bytes a row, each row starting with its file
 * offset as 16 hex digits, then the bytes as {@code c} characters, {@code h} unsigned shorts, {@code u} unsigned
 * ints, {@code l} unsigned longs, {@code s} a string, or {@code x} hex. Numbers are little-endian; characters
 * outside printable ASCII show as {@code .}. Feed it chunks that are multiples of 16 bytes, then {@link #finish}.
 */
final class HexDump
{
    static final int ROW_BYTES = 16;
    static final String FORMATS = "chulsx";

    private final StringBuilder out;
    private final char format;
    private final int elementBytes;
    private long offset;
    private long elements;

    /**
     * @param out    receives the text.
     * @param format one of {@link #FORMATS}.
     * @param offset file offset of the first byte dumped.
     */
    HexDump(final StringBuilder out, final char format, final long offset)
    {
        this.out = out;
        this.format = format;
        this.elementBytes = elementBytes(format);
        this.offset = offset;
    }

    static int elementBytes(final char format)
    {
        return switch (format)
        {
            case 'c', 's', 'x' -> 1;
            case 'h' -> 2;
            case 'u' -> 4;
            case 'l' -> 8;
            default -> throw new CliException("invalid format: format=" + format +
                "; use c (char), h (unsigned short), u (unsigned int), l (unsigned long), s (string) or x (hex)");
        };
    }

    /**
     * Dump {@code length} bytes from {@code buffer}'s position; {@code length} is a multiple of 16 except for the
     * last chunk. Bytes that do not fill a whole element at the end are left out, as openGauss does.
     */
    void append(final ByteBuffer buffer, final int length)
    {
        final ByteBuffer bytes = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final int base = bytes.position();
        int pos = 0;
        while (pos + elementBytes <= length)
        {
            if (pos % ROW_BYTES == 0)
            {
                out.append(String.format(Locale.ROOT, "%016x ", offset + pos));
            }
            appendElement(bytes, base + pos);
            pos += elementBytes;
            elements++;
            if (pos % ROW_BYTES == 0)
            {
                out.append('\n');
            }
            else if (format != 's')
            {
                out.append(' ');
            }
        }
        offset += length;
    }

    /**
     * End the last row if it is incomplete.
     */
    void finish()
    {
        if (elements % (ROW_BYTES / elementBytes) != 0)
        {
            if (out.length() > 0 && out.charAt(out.length() - 1) == ' ')
            {
                out.setLength(out.length() - 1);
            }
            out.append('\n');
        }
    }

    private void appendElement(final ByteBuffer bytes, final int index)
    {
        switch (format)
        {
            case 'x' -> out.append(String.format(Locale.ROOT, "%02x", bytes.get(index) & 0xFF));
            case 'c', 's' -> out.append(printable(bytes.get(index)));
            case 'h' -> out.append(String.format(Locale.ROOT, "%5d", bytes.getShort(index) & 0xFFFF));
            case 'u' -> out.append(String.format(Locale.ROOT, "%10d", bytes.getInt(index) & 0xFFFFFFFFL));
            default -> out.append(String.format(Locale.ROOT, "%20s", Long.toUnsignedString(bytes.getLong(index))));
        }
    }

    private static char printable(final byte b)
    {
        return b > 0x1f && b < 0x7f ? (char)b : '.';
    }
}
