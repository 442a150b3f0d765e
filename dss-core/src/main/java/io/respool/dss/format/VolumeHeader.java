package io.respool.dss.format;

import io.respool.dss.ErrorCode;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight over the header at offset 0 of every volume: the disk's identity, so that the wrong disk fails fast.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "RSPDSSVL" (8 bytes)                   |  0
 *  +---------------------------------------------------------------+
 *  |        Format Version         |         Header Length         |  8
 *  +---------------------------------------------------------------+
 *  |                    VG UUID (16 bytes)                         |  16
 *  +---------------------------------------------------------------+
 *  |                  Volume UUID (16 bytes)                       |  32
 *  +---------------------------------------------------------------+
 *  |           Volume Id           |            AU Size            |  48
 *  +---------------------------------------------------------------+
 *  |                 Volume Size in bytes (8 bytes)                |  56
 *  +---------------------------------------------------------------+
 *  |                  Created, ms since epoch (8)                  |  64
 *  +---------------------------------------------------------------+
 *  | VG name length|      VG name (63 bytes, ASCII)                |  72
 *  +---------------------------------------------------------------+
 *  |                     ... zero to 4092 ...                      |
 *  +---------------------------------------------------------------+
 *  |          CRC32C of bytes [0, 4092), seeded with 0             |  4092
 *  +---------------------------------------------------------------+
 * </pre>
 * All integers little-endian.
 */
public final class VolumeHeader
{
    /** "RSPDSSVL" read as a little-endian long. */
    public static final long MAGIC = 0x4C56535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;
    public static final int MIN_COMPAT_VERSION = 1;
    public static final int LENGTH = 4096;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int VG_UUID_OFFSET = 16;
    public static final int VOLUME_UUID_OFFSET = 32;
    public static final int VOLUME_ID_OFFSET = 48;
    public static final int AU_SIZE_OFFSET = 52;
    public static final int VOLUME_SIZE_OFFSET = 56;
    public static final int CREATED_OFFSET = 64;
    public static final int VG_NAME_OFFSET = 72;
    public static final int MAX_NAME_LENGTH = 63;
    public static final int CRC_OFFSET = LENGTH - 4;

    private MutableDirectBuffer buffer;

    public VolumeHeader wrap(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
        return this;
    }

    /**
     * @return true if the magic word is this format's: the volume was formatted by us at some point.
     */
    public boolean hasMagic()
    {
        return buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN) == MAGIC;
    }

    /**
     * Check magic, version, length and checksum.
     *
     * @param where names the volume in the error message.
     */
    public VolumeHeader validate(final String where)
    {
        if (!hasMagic())
        {
            throw FormatException.corrupt("not a DSS volume (wrong magic): volume=" + where +
                ", magic=0x" + Long.toHexString(buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN)) +
                "; check dss_vg_conf.ini names the right path, or create the volume group with dsscmd cv");
        }
        final int version = version();
        if (version < MIN_COMPAT_VERSION || version > CURRENT_VERSION)
        {
            throw new FormatException(ErrorCode.UNSUPPORTED_VERSION, "unsupported volume header version: volume=" +
                where + ", version=" + version + ", supported=" + MIN_COMPAT_VERSION + ".." + CURRENT_VERSION);
        }
        if (buffer.getInt(HEADER_LENGTH_OFFSET, LITTLE_ENDIAN) != LENGTH)
        {
            throw FormatException.corrupt("volume header length mismatch: volume=" + where + ", length=" +
                buffer.getInt(HEADER_LENGTH_OFFSET, LITTLE_ENDIAN) + ", expected=" + LENGTH);
        }
        final int stored = buffer.getInt(CRC_OFFSET, LITTLE_ENDIAN);
        final int computed = Checksums.crc32c(0, buffer, 0, CRC_OFFSET);
        if (stored != computed)
        {
            throw FormatException.corrupt("volume header checksum mismatch: volume=" + where + ", offset=0, stored=0x" +
                Integer.toHexString(stored) + ", computed=0x" + Integer.toHexString(computed));
        }
        return this;
    }

    /**
     * Zero the header and stamp magic, version and length; fields follow, then {@link #seal()}.
     */
    public VolumeHeader initialise()
    {
        buffer.setMemory(0, LENGTH, (byte)0);
        buffer.putLong(MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putInt(VERSION_OFFSET, CURRENT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(HEADER_LENGTH_OFFSET, LENGTH, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Compute and store the checksum; call after the last field is set.
     */
    public VolumeHeader seal()
    {
        buffer.putInt(CRC_OFFSET, Checksums.crc32c(0, buffer, 0, CRC_OFFSET), LITTLE_ENDIAN);
        return this;
    }

    public int version()
    {
        return buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
    }

    public UUID vgUuid()
    {
        return Layout.getUuid(buffer, VG_UUID_OFFSET);
    }

    public VolumeHeader vgUuid(final UUID uuid)
    {
        Layout.putUuid(buffer, VG_UUID_OFFSET, uuid);
        return this;
    }

    public UUID volumeUuid()
    {
        return Layout.getUuid(buffer, VOLUME_UUID_OFFSET);
    }

    public VolumeHeader volumeUuid(final UUID uuid)
    {
        Layout.putUuid(buffer, VOLUME_UUID_OFFSET, uuid);
        return this;
    }

    public int volumeId()
    {
        return buffer.getInt(VOLUME_ID_OFFSET, LITTLE_ENDIAN);
    }

    public VolumeHeader volumeId(final int id)
    {
        buffer.putInt(VOLUME_ID_OFFSET, id, LITTLE_ENDIAN);
        return this;
    }

    public int auSize()
    {
        return buffer.getInt(AU_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    public VolumeHeader auSize(final int auSize)
    {
        buffer.putInt(AU_SIZE_OFFSET, auSize, LITTLE_ENDIAN);
        return this;
    }

    public long volumeSize()
    {
        return buffer.getLong(VOLUME_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    public VolumeHeader volumeSize(final long size)
    {
        buffer.putLong(VOLUME_SIZE_OFFSET, size, LITTLE_ENDIAN);
        return this;
    }

    public long createdMs()
    {
        return buffer.getLong(CREATED_OFFSET, LITTLE_ENDIAN);
    }

    public VolumeHeader createdMs(final long ms)
    {
        buffer.putLong(CREATED_OFFSET, ms, LITTLE_ENDIAN);
        return this;
    }

    public String vgName()
    {
        return Layout.getShortString(buffer, VG_NAME_OFFSET, MAX_NAME_LENGTH);
    }

    public VolumeHeader vgName(final String name)
    {
        Layout.putShortString(buffer, VG_NAME_OFFSET, name, MAX_NAME_LENGTH);
        return this;
    }

    static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
