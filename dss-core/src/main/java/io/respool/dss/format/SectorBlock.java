package io.respool.dss.format;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Base of the one-sector (512-byte) structures that several instances read and write: the VG head, the lease, and
 * the two sectors of each instance slot. A sector is written whole, and a device writes one sector atomically, so a
 * reader sees the old or the new value, never a mix.
 * <pre>
 *   0 magic (8)   8 format version (4)   12 reserved (4)   16 ... fields ...   508 CRC32C of [0, 508) seeded with 0
 * </pre>
 * An all-zero sector (never written) is "empty": {@link #isEmpty()}; any other sector that fails magic, version or
 * checksum is corrupt.
 */
public abstract class SectorBlock<T extends SectorBlock<T>>
{
    public static final int LENGTH = 512;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int FIELDS_OFFSET = 16;
    public static final int CRC_OFFSET = LENGTH - 4;

    protected MutableDirectBuffer buffer;
    protected int offset;

    protected abstract long magic();

    protected abstract int currentVersion();

    @SuppressWarnings("unchecked")
    public T wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return (T)this;
    }

    /**
     * @return the buffer this flyweight wraps, as a heap-backed {@link org.agrona.concurrent.UnsafeBuffer}.
     */
    public org.agrona.concurrent.UnsafeBuffer buffer()
    {
        return (org.agrona.concurrent.UnsafeBuffer)buffer;
    }

    public boolean isEmpty()
    {
        for (int i = 0; i < LENGTH; i += 8)
        {
            if (buffer.getLong(offset + i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true if the sector was written and passes magic, version and checksum.
     */
    public boolean isValid()
    {
        return !isEmpty() && invalidReason() == null;
    }

    /**
     * @return null if valid, else why not.
     */
    public String invalidReason()
    {
        if (buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN) != magic())
        {
            return "wrong magic";
        }
        final int version = buffer.getInt(offset + VERSION_OFFSET, LITTLE_ENDIAN);
        if (version < 1 || version > currentVersion())
        {
            return "unsupported version " + version + ", supported 1.." + currentVersion();
        }
        if (buffer.getInt(offset + CRC_OFFSET, LITTLE_ENDIAN) != Checksums.crc32c(0, buffer, offset, CRC_OFFSET))
        {
            return "checksum mismatch";
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public T initialise()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
        buffer.putLong(offset + MAGIC_OFFSET, magic(), LITTLE_ENDIAN);
        buffer.putInt(offset + VERSION_OFFSET, currentVersion(), LITTLE_ENDIAN);
        return (T)this;
    }

    @SuppressWarnings("unchecked")
    public T seal()
    {
        buffer.putInt(offset + CRC_OFFSET, Checksums.crc32c(0, buffer, offset, CRC_OFFSET), LITTLE_ENDIAN);
        return (T)this;
    }

    protected long getLong(final int field)
    {
        return buffer.getLong(offset + field, LITTLE_ENDIAN);
    }

    protected void putLong(final int field, final long value)
    {
        buffer.putLong(offset + field, value, LITTLE_ENDIAN);
    }

    protected int getInt(final int field)
    {
        return buffer.getInt(offset + field, LITTLE_ENDIAN);
    }

    protected void putInt(final int field, final int value)
    {
        buffer.putInt(offset + field, value, LITTLE_ENDIAN);
    }
}
