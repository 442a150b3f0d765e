package io.respool.dss.format;

import org.agrona.DirectBuffer;

import java.util.zip.CRC32C;

/**
 * CRC32C over metadata. Stateless; every on-disk structure uses this one function.
 */
public final class Checksums
{
    private Checksums()
    {
    }

    /**
     * CRC32C of {@code length} bytes of a heap-backed buffer, seeded by mixing in {@code seed} first so that a
     * structure written for one volume group never validates in another.
     */
    public static int crc32c(final long seed, final DirectBuffer buffer, final int index, final int length)
    {
        final CRC32C crc = new CRC32C();
        update(crc, seed);
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            crc.update(array, (int)(buffer.addressOffset() - org.agrona.BufferUtil.ARRAY_BASE_OFFSET) + index, length);
        }
        else
        {
            crc.update(buffer.byteBuffer().duplicate().clear().position(index).limit(index + length));
        }
        return (int)crc.getValue();
    }

    private static void update(final CRC32C crc, final long value)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            crc.update((int)(value >>> (i * 8)) & 0xFF);
        }
    }
}
