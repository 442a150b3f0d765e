package io.respool.dss.format;

/**
 * The VG head: where the redo log ends, published by the instance that holds the volume-group lock after each
 * commit is durable. Other instances read this one sector before a lookup to learn whether they must replay.
 * At {@link EntryVolumeLayout#VG_HEAD_OFFSET}.
 * <pre>
 *  16 end LSN (8)   24 checkpoint LSN (8)   32 root control sequence (8)   40 writer instance id (4)
 *  44 held (4): 1 while an instance holds the volume-group lock; still 1 after a holder died mid-change
 * </pre>
 */
public final class VgHead extends SectorBlock<VgHead>
{
    /** "RSPDSSHD" read as a little-endian long. */
    public static final long MAGIC = 0x4448535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;

    private static final int END_LSN = 16;
    private static final int CHECKPOINT_LSN = 24;
    private static final int ROOT_SEQUENCE = 32;
    private static final int WRITER = 40;
    private static final int HELD = 44;

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

    public long endLsn()
    {
        return getLong(END_LSN);
    }

    public VgHead endLsn(final long value)
    {
        putLong(END_LSN, value);
        return this;
    }

    public long checkpointLsn()
    {
        return getLong(CHECKPOINT_LSN);
    }

    public VgHead checkpointLsn(final long value)
    {
        putLong(CHECKPOINT_LSN, value);
        return this;
    }

    public long rootSequence()
    {
        return getLong(ROOT_SEQUENCE);
    }

    public VgHead rootSequence(final long value)
    {
        putLong(ROOT_SEQUENCE, value);
        return this;
    }

    public boolean held()
    {
        return getInt(HELD) == 1;
    }

    public VgHead held(final boolean value)
    {
        putInt(HELD, value ? 1 : 0);
        return this;
    }

    public int writer()
    {
        return getInt(WRITER);
    }

    public VgHead writer(final int instanceId)
    {
        putInt(WRITER, instanceId);
        return this;
    }
}
