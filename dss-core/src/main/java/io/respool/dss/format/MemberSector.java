package io.respool.dss.format;

import io.respool.common.process.ProcessIdentity;

/**
 * Sector 1 of an instance slot: written only by the process running that instance. It says the instance is
 * registered, which process runs it, that it is alive (a rising heartbeat), and which fence it has obeyed.
 * <pre>
 *  16 registered: 1, else 0 (4)   20 pid (4)   24 incarnation, random per open (8)   32 heartbeat (8)
 *  40 fence generation acknowledged: every write stopped (8)   48 boot id (8)
 *  56 last heartbeat, ms since the epoch, for display only (8)
 *  64 pid namespace inode (8)   72 process start, clock ticks after boot (8)       version 2 on
 * </pre>
 * Boot id, pid namespace, pid and start time are the writer's {@link ProcessIdentity}: a pid names that process only
 * to a reader in the same boot and pid namespace, and only while a process of that pid has that start time. Version 1
 * held a 32-bit hash of the boot id at 48 and nothing at 64 and 72; it is still read, as {@link
 * ProcessIdentity#UNKNOWN}: such a member can be judged by its heartbeat on the disk only, never killed.
 */
public final class MemberSector extends SectorBlock<MemberSector>
{
    /** "RSPDSSMB" read as a little-endian long. */
    public static final long MAGIC = 0x424D535344505352L;
    /** Version 1: first format. Version 2: the full process identity (boot id, pid namespace, start time). */
    public static final int CURRENT_VERSION = 2;
    /** The first version that names its process precisely: older ones say only pid and a boot id hash. */
    public static final int PROCESS_IDENTITY_VERSION = 2;

    private static final int REGISTERED = 16;
    private static final int PID = 20;
    private static final int INCARNATION = 24;
    private static final int HEARTBEAT = 32;
    private static final int ACKED_FENCE = 40;
    private static final int BOOT_ID = 48;
    private static final int HEARTBEAT_MS = 56;
    private static final int PID_NAMESPACE = 64;
    private static final int START_TICKS = 72;

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

    /**
     * @return the format version the sector was written with.
     */
    public int version()
    {
        return getInt(VERSION_OFFSET);
    }

    /**
     * @return the process that wrote the sector; {@link ProcessIdentity#UNKNOWN} when a version 1 writer left only
     * its pid and a boot id hash, which cannot tell a pid of another pid namespace or a reused pid from it.
     */
    public ProcessIdentity process()
    {
        if (version() < PROCESS_IDENTITY_VERSION)
        {
            return ProcessIdentity.UNKNOWN;
        }
        return new ProcessIdentity(getLong(BOOT_ID), getLong(PID_NAMESPACE), getInt(PID), getLong(START_TICKS));
    }

    /**
     * Record {@code value} as the writer: boot id, pid namespace, pid and start time.
     */
    public MemberSector process(final ProcessIdentity value)
    {
        putLong(BOOT_ID, value.bootId());
        putLong(PID_NAMESPACE, value.pidNamespace());
        putInt(PID, Math.toIntExact(value.pid()));
        putLong(START_TICKS, value.startTicks());
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
