package io.respool.dss.format;

import io.respool.dss.ErrorCode;
import org.agrona.MutableDirectBuffer;

import java.util.UUID;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight over the root control block of a volume group, kept in two copies on the entry volume
 * ({@link EntryVolumeLayout#ROOT_A_OFFSET}, {@link EntryVolumeLayout#ROOT_B_OFFSET}). It says where the redo log is
 * and which checkpoint slot holds the state the log replays onto. Copies are written one after the other, each
 * flushed, with a rising {@link #sequence()}: the valid copy with the highest sequence wins, so one torn write never
 * loses the volume group.
 * <pre>
 *    0 magic "RSPDSSRT" (8)          8 format version (4)      12 block length (4)
 *   16 sequence (8)                 24 VG UUID (16)            40 AU size (4)
 *   44 active checkpoint slot (4)   48 log epoch (8)           56 log offset on entry volume (8)
 *   64 log length (8)               72 checkpoint LSN (8)      80 checkpoint length (8)
 *   88 checkpoint CRC32C (4)        92 slot 0 extent count (4) 96 slot 1 extent count (4)
 *  100 reserved (28)               128 VG name (1 + 63)
 *  192 lease area offset (8)       200 lease area length (8)  208 instance table offset (8)
 *  216 instance table length (8)   224 reserved (32)
 *  256 slot 0 extents: 255 x { physical AU (8), AU count (8) }
 * 4352 slot 1 extents: 255 x { physical AU (8), AU count (8) }
 * 8432 ... zero ...
 * 16380 CRC32C of bytes [0, 16380), seeded with 0
 * </pre>
 * A physical AU is {@code volumeId << 48 | auIndex}.
 */
public final class RootControl
{
    /** "RSPDSSRT" read as a little-endian long. */
    public static final long MAGIC = 0x5452535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;
    public static final int MIN_COMPAT_VERSION = 1;
    public static final int LENGTH = 16384;
    public static final int MAX_SLOT_EXTENTS = 255;
    public static final int EXTENT_LENGTH = 16;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int LENGTH_OFFSET = 12;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int VG_UUID_OFFSET = 24;
    public static final int AU_SIZE_OFFSET = 40;
    public static final int ACTIVE_SLOT_OFFSET = 44;
    public static final int LOG_EPOCH_OFFSET = 48;
    public static final int LOG_OFFSET_OFFSET = 56;
    public static final int LOG_LENGTH_OFFSET = 64;
    public static final int CHECKPOINT_LSN_OFFSET = 72;
    public static final int CHECKPOINT_LENGTH_OFFSET = 80;
    public static final int CHECKPOINT_CRC_OFFSET = 88;
    public static final int SLOT_EXTENT_COUNT_OFFSET = 92;
    public static final int VG_NAME_OFFSET = 128;
    public static final int LEASE_OFFSET_OFFSET = 192;
    public static final int LEASE_LENGTH_OFFSET = 200;
    public static final int INSTANCE_TABLE_OFFSET_OFFSET = 208;
    public static final int INSTANCE_TABLE_LENGTH_OFFSET = 216;
    public static final int SLOT_EXTENTS_OFFSET = 256;
    public static final int SLOT_EXTENTS_LENGTH = 4096;
    public static final int CRC_OFFSET = LENGTH - 4;

    private MutableDirectBuffer buffer;

    public RootControl wrap(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
        return this;
    }

    /**
     * @return null if this copy is valid, else why not (for {@code check} and the open error).
     */
    public String invalidReason()
    {
        final long magic = buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            return "wrong magic 0x" + Long.toHexString(magic);
        }
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        if (version < MIN_COMPAT_VERSION || version > CURRENT_VERSION)
        {
            return "unsupported version " + version + ", supported " + MIN_COMPAT_VERSION + ".." + CURRENT_VERSION;
        }
        if (buffer.getInt(LENGTH_OFFSET, LITTLE_ENDIAN) != LENGTH)
        {
            return "length " + buffer.getInt(LENGTH_OFFSET, LITTLE_ENDIAN) + ", expected " + LENGTH;
        }
        final int stored = buffer.getInt(CRC_OFFSET, LITTLE_ENDIAN);
        final int computed = Checksums.crc32c(0, buffer, 0, CRC_OFFSET);
        if (stored != computed)
        {
            return "checksum mismatch: stored 0x" + Integer.toHexString(stored) + ", computed 0x" +
                Integer.toHexString(computed);
        }
        for (int slot = 0; slot < 2; slot++)
        {
            final int count = slotExtentCount(slot);
            if (count < 0 || count > MAX_SLOT_EXTENTS)
            {
                return "slot " + slot + " extent count " + count + " out of range";
            }
        }
        return null;
    }

    public boolean isVersionSupported()
    {
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        return version >= MIN_COMPAT_VERSION && version <= CURRENT_VERSION;
    }

    public RootControl initialise()
    {
        buffer.setMemory(0, LENGTH, (byte)0);
        buffer.putLong(MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putInt(VERSION_OFFSET, CURRENT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(LENGTH_OFFSET, LENGTH, LITTLE_ENDIAN);
        return this;
    }

    public RootControl seal()
    {
        buffer.putInt(CRC_OFFSET, Checksums.crc32c(0, buffer, 0, CRC_OFFSET), LITTLE_ENDIAN);
        return this;
    }

    public int version()
    {
        return buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
    }

    public long sequence()
    {
        return buffer.getLong(SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl sequence(final long value)
    {
        buffer.putLong(SEQUENCE_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public UUID vgUuid()
    {
        return Layout.getUuid(buffer, VG_UUID_OFFSET);
    }

    public RootControl vgUuid(final UUID uuid)
    {
        Layout.putUuid(buffer, VG_UUID_OFFSET, uuid);
        return this;
    }

    public int auSize()
    {
        return buffer.getInt(AU_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl auSize(final int value)
    {
        buffer.putInt(AU_SIZE_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public int activeSlot()
    {
        return buffer.getInt(ACTIVE_SLOT_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl activeSlot(final int slot)
    {
        buffer.putInt(ACTIVE_SLOT_OFFSET, slot, LITTLE_ENDIAN);
        return this;
    }

    public long logEpoch()
    {
        return buffer.getLong(LOG_EPOCH_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl logEpoch(final long value)
    {
        buffer.putLong(LOG_EPOCH_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public long logOffset()
    {
        return buffer.getLong(LOG_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl logOffset(final long value)
    {
        buffer.putLong(LOG_OFFSET_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public long logLength()
    {
        return buffer.getLong(LOG_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl logLength(final long value)
    {
        buffer.putLong(LOG_LENGTH_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public long checkpointLsn()
    {
        return buffer.getLong(CHECKPOINT_LSN_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl checkpointLsn(final long value)
    {
        buffer.putLong(CHECKPOINT_LSN_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public long checkpointLength()
    {
        return buffer.getLong(CHECKPOINT_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl checkpointLength(final long value)
    {
        buffer.putLong(CHECKPOINT_LENGTH_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public int checkpointCrc()
    {
        return buffer.getInt(CHECKPOINT_CRC_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl checkpointCrc(final int value)
    {
        buffer.putInt(CHECKPOINT_CRC_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public String vgName()
    {
        return Layout.getShortString(buffer, VG_NAME_OFFSET, VolumeHeader.MAX_NAME_LENGTH);
    }

    public RootControl vgName(final String name)
    {
        Layout.putShortString(buffer, VG_NAME_OFFSET, name, VolumeHeader.MAX_NAME_LENGTH);
        return this;
    }

    public long leaseAreaOffset()
    {
        return buffer.getLong(LEASE_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public long instanceTableOffset()
    {
        return buffer.getLong(INSTANCE_TABLE_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public RootControl reservedAreas(
        final long leaseOffset, final long leaseLength, final long instanceOffset, final long instanceLength)
    {
        buffer.putLong(LEASE_OFFSET_OFFSET, leaseOffset, LITTLE_ENDIAN);
        buffer.putLong(LEASE_LENGTH_OFFSET, leaseLength, LITTLE_ENDIAN);
        buffer.putLong(INSTANCE_TABLE_OFFSET_OFFSET, instanceOffset, LITTLE_ENDIAN);
        buffer.putLong(INSTANCE_TABLE_LENGTH_OFFSET, instanceLength, LITTLE_ENDIAN);
        return this;
    }

    public int slotExtentCount(final int slot)
    {
        return buffer.getInt(SLOT_EXTENT_COUNT_OFFSET + slot * 4, LITTLE_ENDIAN);
    }

    public long slotExtentAu(final int slot, final int index)
    {
        return buffer.getLong(extentOffset(slot, index), LITTLE_ENDIAN);
    }

    public long slotExtentCount(final int slot, final int index)
    {
        return buffer.getLong(extentOffset(slot, index) + 8, LITTLE_ENDIAN);
    }

    /**
     * Replace the extents of a checkpoint slot.
     */
    public RootControl slotExtents(final int slot, final long[] physicalAus, final long[] counts, final int length)
    {
        if (length > MAX_SLOT_EXTENTS)
        {
            throw new FormatException(ErrorCode.OUT_OF_SPACE, "checkpoint slot too fragmented: slot=" + slot +
                ", extents=" + length + ", max=" + MAX_SLOT_EXTENTS);
        }
        buffer.putInt(SLOT_EXTENT_COUNT_OFFSET + slot * 4, length, LITTLE_ENDIAN);
        for (int i = 0; i < length; i++)
        {
            buffer.putLong(extentOffset(slot, i), physicalAus[i], LITTLE_ENDIAN);
            buffer.putLong(extentOffset(slot, i) + 8, counts[i], LITTLE_ENDIAN);
        }
        return this;
    }

    private static int extentOffset(final int slot, final int index)
    {
        return SLOT_EXTENTS_OFFSET + slot * SLOT_EXTENTS_LENGTH + index * EXTENT_LENGTH;
    }
}
