package io.respool.dss.format;

/**
 * One sector of an instance's file-lock slot (SHARE_DISK file locks, {@code FileChannel.lock} through the NIO
 * provider): up to {@link #ENTRIES} byte-range locks the instance holds on files of the volume group. Written only by
 * the process running that instance (its member), each sector on its own. The records are void unless the
 * instance's member sector still carries {@link #incarnation} and heartbeats, and its fence sector still carries
 * {@link #fenceGeneration} unfenced (dss-core/DESIGN.md, "File locks through the NIO provider").
 * <pre>
 *  16 incarnation of the member that wrote it (8)   24 fence generation it was written under (8)
 *  32 entry count (4)   36 reserved (4)
 *  40 + 32 * i   entry i: file id (8), position (8), size (8; Long.MAX_VALUE: to the end), flags (8; bit 0 shared)
 * </pre>
 */
public final class FileLockSector extends SectorBlock<FileLockSector>
{
    /** "RSPDSSFL" read as a little-endian long. */
    public static final long MAGIC = 0x4C46535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;
    /** Lock entries one sector holds. */
    public static final int ENTRIES = 14;

    private static final int INCARNATION = 16;
    private static final int FENCE_GENERATION = 24;
    private static final int COUNT = 32;
    private static final int ENTRIES_OFFSET = 40;
    private static final int ENTRY_LENGTH = 32;
    private static final int FILE_ID = 0;
    private static final int POSITION = 8;
    private static final int SIZE = 16;
    private static final int FLAGS = 24;
    private static final long SHARED_FLAG = 1;

    static
    {
        if (ENTRIES_OFFSET + ENTRIES * ENTRY_LENGTH > CRC_OFFSET)
        {
            throw new IllegalStateException("file-lock entries overlap the checksum");
        }
    }

    @Override
    protected long magic()
    {
        return MAGIC;
    }

    @Override
    protected int currentVersion()
    {
        return CURRENT_VERSION;
    }

    public long incarnation()
    {
        return getLong(INCARNATION);
    }

    public FileLockSector incarnation(final long value)
    {
        putLong(INCARNATION, value);
        return this;
    }

    public long fenceGeneration()
    {
        return getLong(FENCE_GENERATION);
    }

    public FileLockSector fenceGeneration(final long value)
    {
        putLong(FENCE_GENERATION, value);
        return this;
    }

    /**
     * @return entries in use, clamped to {@link #ENTRIES}.
     */
    public int count()
    {
        return Math.max(0, Math.min(ENTRIES, getInt(COUNT)));
    }

    public long fileId(final int entry)
    {
        return getLong(ENTRIES_OFFSET + entry * ENTRY_LENGTH + FILE_ID);
    }

    public long position(final int entry)
    {
        return getLong(ENTRIES_OFFSET + entry * ENTRY_LENGTH + POSITION);
    }

    public long size(final int entry)
    {
        return getLong(ENTRIES_OFFSET + entry * ENTRY_LENGTH + SIZE);
    }

    public boolean shared(final int entry)
    {
        return (getLong(ENTRIES_OFFSET + entry * ENTRY_LENGTH + FLAGS) & SHARED_FLAG) != 0;
    }

    /**
     * Append an entry; the caller keeps the count under {@link #ENTRIES}.
     */
    public FileLockSector add(final long fileId, final long position, final long size, final boolean shared)
    {
        final int entry = getInt(COUNT);
        final int at = ENTRIES_OFFSET + entry * ENTRY_LENGTH;
        putLong(at + FILE_ID, fileId);
        putLong(at + POSITION, position);
        putLong(at + SIZE, size);
        putLong(at + FLAGS, shared ? SHARED_FLAG : 0);
        putInt(COUNT, entry + 1);
        return this;
    }

    /**
     * @return true if {@code [position, position + size)} overlaps entry {@code entry}'s range, with
     * {@code Long.MAX_VALUE} (or a sum past it) meaning "to the end", as {@code FileChannel.lock} does.
     */
    public boolean overlaps(final int entry, final long position, final long size)
    {
        return overlaps(position(entry), size(entry), position, size);
    }

    /**
     * @return true if two ranges overlap; an end past {@code Long.MAX_VALUE} is the end of every file.
     */
    public static boolean overlaps(final long position1, final long size1, final long position2, final long size2)
    {
        final long end1 = position1 + size1 < 0 ? Long.MAX_VALUE : position1 + size1;
        final long end2 = position2 + size2 < 0 ? Long.MAX_VALUE : position2 + size2;
        return position1 < end2 && position2 < end1;
    }
}
