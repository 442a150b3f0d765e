package io.respool.dss.format;

/**
 * Sector 1 of an instance slot: written only by the process running that instance. It says the instance is
 * registered, which process runs it, that it is alive (a rising heartbeat), and which fence it has obeyed.
 * <pre>
 *  16 registered: 1, else 0 (4)   20 pid (4)   24 incarnation, random per open (8)   32 heartbeat (8)
 *  40 fence generation acknowledged: every write stopped (8)   48 boot id hash of the host (8)
 *  56 last heartbeat, ms since the epoch, for display only (8)
 * </pre>
 */
public final class MemberSector extends SectorBlock<MemberSector>
{
    /** "RSPDSSMB" read as a little-endian long. */
    public static final long MAGIC = 0x424D535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;

    private static final int REGISTERED = 16;
    private static final int PID = 20;
    private static final int INCARNATION = 24;
    private static final int HEARTBEAT = 32;
    private static final int ACKED_FENCE = 40;
    private static final int BOOT_ID = 48;
    private static final int HEARTBEAT_MS = 56;

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

    public boolean registered()
    {
        return getInt(REGISTERED) == 1;
    }

    public MemberSector registered(final boolean value)
    {
        putInt(REGISTERED, value ? 1 : 0);
        return this;
    }

    public int pid()
    {
        return getInt(PID);
    }

    public MemberSector pid(final int value)
    {
        putInt(PID, value);
        return this;
    }

    public long incarnation()
    {
        return getLong(INCARNATION);
    }

    public MemberSector incarnation(final long value)
    {
        putLong(INCARNATION, value);
        return this;
    }

    public long heartbeat()
    {
        return getLong(HEARTBEAT);
    }

    public MemberSector heartbeat(final long value)
    {
        putLong(HEARTBEAT, value);
        return this;
    }

    public long ackedFenceGeneration()
    {
        return getLong(ACKED_FENCE);
    }

    public MemberSector ackedFenceGeneration(final long value)
    {
        putLong(ACKED_FENCE, value);
        return this;
    }

    public long bootId()
    {
        return getLong(BOOT_ID);
    }

    public MemberSector bootId(final long value)
    {
        putLong(BOOT_ID, value);
        return this;
    }

    public long heartbeatMs()
    {
        return getLong(HEARTBEAT_MS);
    }

    public MemberSector heartbeatMs(final long value)
    {
        putLong(HEARTBEAT_MS, value);
        return this;
    }
}
