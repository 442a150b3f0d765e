package io.respool.dss.format;

/**
 * Fixed offsets of the system area: allocation unit 0 of every volume, which is never given to files.
 * <pre>
 *        0  volume header (4 KiB)                     every volume
 *   64 KiB  SHARE_DISK lease (one sector in its own 4 KiB block)                      entry volume only
 *   68 KiB  VG head: where the log ends (one sector in its own 4 KiB block)           entry volume only
 *  256 KiB  root control, copy A (16 KiB)                                            entry volume only
 *  512 KiB  root control, copy B (16 KiB)                                            entry volume only
 *  768 KiB  file-lock table: 64 slots of 4 KiB, each 8 {@link FileLockSector}s written only by its instance
 *    1 MiB  instance table: 64 slots of 8 KiB, {fence sector, member sector}, each sector in its own 4 KiB
 *           block so that no read-modify-write on a 4 KiB direct-I/O device touches another writer's sector
 *  1.5 MiB  end of the system area; AU 0 (at least 2 MiB) covers it
 *     AU 1  redo log: {@link #DEFAULT_LOG_LENGTH} rounded up to whole AUs            entry volume only
 * </pre>
 */
public final class EntryVolumeLayout
{
    public static final long LEASE_AREA_OFFSET = 64 * 1024;
    public static final long LEASE_AREA_LENGTH = 64 * 1024;
    public static final long VG_HEAD_OFFSET = LEASE_AREA_OFFSET + 4096;
    public static final int INSTANCE_SLOT_LENGTH = 8192;
    public static final int MAX_INSTANCES = 64;
    public static final long INSTANCE_TABLE_OFFSET = 1024 * 1024;
    public static final long INSTANCE_TABLE_LENGTH = 512 * 1024;
    public static final long FILE_LOCK_TABLE_OFFSET = 768 * 1024;
    public static final int FILE_LOCK_SLOT_LENGTH = 4096;
    public static final int FILE_LOCK_SECTORS = FILE_LOCK_SLOT_LENGTH / SectorBlock.LENGTH;
    public static final long FILE_LOCK_TABLE_LENGTH = (long)MAX_INSTANCES * FILE_LOCK_SLOT_LENGTH;
    public static final long ROOT_A_OFFSET = 256 * 1024;
    public static final long ROOT_B_OFFSET = 512 * 1024;
    public static final long SYSTEM_AREA_LENGTH = 1536 * 1024;
    public static final long DEFAULT_LOG_LENGTH = 64L * 1024 * 1024;

    public static final int MIN_AU_SIZE = 2 * 1024 * 1024;
    public static final int MAX_AU_SIZE = 64 * 1024 * 1024;
    public static final int DEFAULT_AU_SIZE = 8 * 1024 * 1024;
    public static final int MAX_VOLUMES = 256;
    public static final int VOLUME_ID_SHIFT = 48;
    public static final long AU_INDEX_MASK = (1L << VOLUME_ID_SHIFT) - 1;

    private EntryVolumeLayout()
    {
    }

    public static long rootOffset(final int copy)
    {
        return copy == 0 ? ROOT_A_OFFSET : ROOT_B_OFFSET;
    }

    public static long fenceSectorOffset(final int instanceId)
    {
        return INSTANCE_TABLE_OFFSET + (long)instanceId * INSTANCE_SLOT_LENGTH;
    }

    public static long memberSectorOffset(final int instanceId)
    {
        return fenceSectorOffset(instanceId) + 4096;
    }

    /**
     * @return where sector {@code sector} of instance {@code instanceId}'s file-lock slot lies.
     */
    public static long fileLockSectorOffset(final int instanceId, final int sector)
    {
        return FILE_LOCK_TABLE_OFFSET + (long)instanceId * FILE_LOCK_SLOT_LENGTH + (long)sector * SectorBlock.LENGTH;
    }

    public static long physicalAu(final int volumeId, final long auIndex)
    {
        return ((long)volumeId << VOLUME_ID_SHIFT) | auIndex;
    }

    public static int volumeOf(final long physicalAu)
    {
        return (int)(physicalAu >>> VOLUME_ID_SHIFT);
    }

    public static long auIndexOf(final long physicalAu)
    {
        return physicalAu & AU_INDEX_MASK;
    }
}
