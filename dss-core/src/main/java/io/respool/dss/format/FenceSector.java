package io.respool.dss.format;

/**
 * Sector 0 of an instance slot in the instance table: written only by {@code kickh} (to fence the instance) and
 * {@code reghl} (to let it back in). The fenced instance reads it and acknowledges in its {@link MemberSector}.
 * <pre>
 *  16 fence generation, rises on every kick and re-registration (8)   24 fenced: 1, else 0 (4)
 *  28 kicked by instance id, -1 if none (4)   32 time of the change, ms since the epoch (8)
 * </pre>
 */
public final class FenceSector extends SectorBlock<FenceSector>
{
    /** "RSPDSSFC" read as a little-endian long. */
    public static final long MAGIC = 0x4346535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;

    private static final int GENERATION = 16;
    private static final int FENCED = 24;
    private static final int KICKED_BY = 28;
    private static final int CHANGED_MS = 32;

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

    public long generation()
    {
        return getLong(GENERATION);
    }

    public FenceSector generation(final long value)
    {
        putLong(GENERATION, value);
        return this;
    }

    public boolean fenced()
    {
        return getInt(FENCED) == 1;
    }

    public FenceSector fenced(final boolean value)
    {
        putInt(FENCED, value ? 1 : 0);
        return this;
    }

    public int kickedBy()
    {
        return getInt(KICKED_BY);
    }

    public FenceSector kickedBy(final int instanceId)
    {
        putInt(KICKED_BY, instanceId);
        return this;
    }

    public long changedMs()
    {
        return getLong(CHANGED_MS);
    }

    public FenceSector changedMs(final long value)
    {
        putLong(CHANGED_MS, value);
        return this;
    }
}
