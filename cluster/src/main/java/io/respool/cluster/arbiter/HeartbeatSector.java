package io.respool.cluster.arbiter;

import io.respool.common.process.ProcessIdentity;
import io.respool.dss.format.SectorBlock;

/**
 * A node's disk heartbeat, written only by that node, every heartbeat interval. Observers judge it only by whether
 * the counter changed over a span of their own clock; the wall-clock field is for display.
 * <pre>
 *  16 node id (4)   20 state code: {@link #RUNNING}, {@link #SELF_FENCED} (4)   24 incarnation, random per start (8)
 *  32 counter, rises by one per renewal (8)   40 latest view version the node knows (8)   48 wall ms, display (8)
 *  56 pid (8)   64 process start ticks (8)   72 boot id (8)   80 pid namespace (8): the {@link ProcessIdentity},
 *     all zero when unknown (written zero by the first writers of version 1, which is why it needs no new version)
 *  88 excluded in: with {@link #JOINING}, the version of the latest decided view the writer read that does not
 *     hold it, 0 for an empty register; with {@link #RESTARTED}, that of the latest decided view it read that holds
 *     it, whose incarnation of it is dead (8; zero from the first writers, which never wrote {@link #JOINING}, and
 *     from writers of {@link #RESTARTED} before it was tagged: read as "no view", which proves nothing dead)
 * </pre>
 * States: {@link #RUNNING} a member (its process took up membership of a view holding it); {@link #SELF_FENCED}
 * fenced for good; {@link #JOINING} a process that is not a member and asks to be added; {@link #RESTARTED} a new
 * process of a node that the latest view it read still holds: the incarnation that view holds is dead, and the new
 * one asks to be removed before it may join (cluster/DESIGN.md, "Rejoin").
 */
public final class HeartbeatSector extends SectorBlock<HeartbeatSector>
{
    /** "RSPCMHBT" read as a little-endian long. */
    public static final long MAGIC = 0x5442484D43505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;
    public static final int RUNNING = 1;
    public static final int SELF_FENCED = 2;
    public static final int JOINING = 3;
    public static final int RESTARTED = 4;

    private static final int NODE_ID = 16;
    private static final int STATE = 20;
    private static final int INCARNATION = 24;
    private static final int COUNTER = 32;
    private static final int VIEW_VERSION = 40;
    private static final int WALL_MS = 48;
    private static final int PID = 56;
    private static final int START_TICKS = 64;
    private static final int BOOT_ID = 72;
    private static final int PID_NAMESPACE = 80;
    private static final int EXCLUDED_IN = 88;

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

    public int nodeId()
    {
        return getInt(NODE_ID);
    }

    public HeartbeatSector nodeId(final int value)
    {
        putInt(NODE_ID, value);
        return this;
    }

    public int state()
    {
        return getInt(STATE);
    }

    public HeartbeatSector state(final int value)
    {
        putInt(STATE, value);
        return this;
    }

    public long incarnation()
    {
        return getLong(INCARNATION);
    }

    public HeartbeatSector incarnation(final long value)
    {
        putLong(INCARNATION, value);
        return this;
    }

    public long counter()
    {
        return getLong(COUNTER);
    }

    public HeartbeatSector counter(final long value)
    {
        putLong(COUNTER, value);
        return this;
    }

    public long viewVersion()
    {
        return getLong(VIEW_VERSION);
    }

    public HeartbeatSector viewVersion(final long value)
    {
        putLong(VIEW_VERSION, value);
        return this;
    }

    public long wallMs()
    {
        return getLong(WALL_MS);
    }

    public HeartbeatSector wallMs(final long value)
    {
        putLong(WALL_MS, value);
        return this;
    }

    /**
     * @return with {@link #JOINING}: the version of the latest decided view the writer read without itself (0: the
     * register was empty).
     */
    public long excludedIn()
    {
        return getLong(EXCLUDED_IN);
    }

    public HeartbeatSector excludedIn(final long value)
    {
        putLong(EXCLUDED_IN, value);
        return this;
    }

    /**
     * @return true if no process ever wrote it: all zero, or as {@link ClusterDisk#format} leaves it through the
     * entry volume's sector layer (zero fields sealed: magic 0).
     */
    public boolean unwritten()
    {
        return isEmpty() || getLong(MAGIC_OFFSET) == 0;
    }

    /**
     * @return true for {@link #RUNNING} and {@link #SELF_FENCED}: the states a process writes while, and after, it
     * may serve ({@link #RUNNING} lands before an admitted process serves; the first writers wrote nothing else).
     */
    public static boolean memberState(final int state)
    {
        return state == RUNNING || state == SELF_FENCED;
    }

    /**
     * @return true for the states that say some process of the node may have served in the latest view it read
     * holding it: a member state, or {@link #RESTARTED}, which a process writes only when its own predecessor's
     * sector said so (by this same rule) and which nothing but a removal ends. A chain of restarts that never
     * served thus carries the fact forward instead of laundering it (cluster/DESIGN.md, "Rejoin").
     */
    public static boolean mayHaveServed(final int state)
    {
        return memberState(state) || state == RESTARTED;
    }

    public ProcessIdentity process()
    {
        return new ProcessIdentity(getLong(BOOT_ID), getLong(PID_NAMESPACE), getLong(PID), getLong(START_TICKS));
    }

    public HeartbeatSector process(final ProcessIdentity value)
    {
        putLong(BOOT_ID, value.bootId());
        putLong(PID_NAMESPACE, value.pidNamespace());
        putLong(PID, value.pid());
        putLong(START_TICKS, value.startTicks());
        return this;
    }
}
