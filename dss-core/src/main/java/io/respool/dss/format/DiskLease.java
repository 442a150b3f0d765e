package io.respool.dss.format;

/**
 * The SHARE_DISK volume-group lock: a heartbeat lease in sector 0 of the lease area
 * ({@link EntryVolumeLayout#LEASE_AREA_OFFSET}). The holder rewrites it with a rising heartbeat; a contender that
 * sees the same (owner, generation, heartbeat) for a whole lease period takes it over. No clocks are compared
 * between hosts: only whether the sector changed.
 * <pre>
 *  16 owner instance id, -1 when free (4)   20 lease period ms (4)   24 generation, random per acquisition (8)
 *  32 heartbeat (8)
 * </pre>
 */
public final class DiskLease extends SectorBlock<DiskLease>
{
    /** "RSPDSSLS" read as a little-endian long. */
    public static final long MAGIC = 0x534C535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;
    public static final int FREE = -1;

    private static final int OWNER = 16;
    private static final int PERIOD_MS = 20;
    private static final int GENERATION = 24;
    private static final int HEARTBEAT = 32;

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

    public int owner()
    {
        return getInt(OWNER);
    }

    public DiskLease owner(final int instanceId)
    {
        putInt(OWNER, instanceId);
        return this;
    }

    public int periodMs()
    {
        return getInt(PERIOD_MS);
    }

    public DiskLease periodMs(final int value)
    {
        putInt(PERIOD_MS, value);
        return this;
    }

    public long generation()
    {
        return getLong(GENERATION);
    }

    public DiskLease generation(final long value)
    {
        putLong(GENERATION, value);
        return this;
    }

    public long heartbeat()
    {
        return getLong(HEARTBEAT);
    }

    public DiskLease heartbeat(final long value)
    {
        putLong(HEARTBEAT, value);
        return this;
    }
}
