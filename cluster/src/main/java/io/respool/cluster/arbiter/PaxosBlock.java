package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import io.respool.dss.format.SectorBlock;

/**
 * One copy of a node's Disk Paxos block (Gafni and Lamport's {@code dblock}), written only by that node. The node
 * writes its two copies in turn, always over the one that does not hold its latest valid write, so that a torn or
 * failed write leaves the previous block readable; a reader takes the valid copy with the higher sequence.
 * <pre>
 *  16 copy sequence, +1 per write (8)   24 node id (4)   28 reserved (4)
 *  32 instance: the view version being decided (8)   40 mbal: highest ballot begun (8)   48 bal: ballot of inp (8)
 *  56 inp members (8)   64 inp reformer (4)   68 inp primary (4)          inp is absent when its members are 0
 *  72 decided version, 0 if none (8)   80 decided members (8)   88 decided reformer (4)   92 decided primary (4)
 * </pre>
 * The decided fields carry the latest view the node knows to be decided; {@code instance <= decided + 1} always.
 */
public final class PaxosBlock extends SectorBlock<PaxosBlock>
{
    /** "RSPCMDPX" read as a little-endian long. */
    public static final long MAGIC = 0x5850444D43505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;

    private static final int SEQUENCE = 16;
    private static final int NODE_ID = 24;
    private static final int INSTANCE = 32;
    private static final int MBAL = 40;
    private static final int BAL = 48;
    private static final int INP = 56;
    private static final int DECIDED_VERSION = 72;
    private static final int DECIDED = 80;
    private static final int VIEW_MEMBERS = 0;
    private static final int VIEW_REFORMER = 8;
    private static final int VIEW_PRIMARY = 12;

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

    public long sequence()
    {
        return getLong(SEQUENCE);
    }

    public PaxosBlock sequence(final long value)
    {
        putLong(SEQUENCE, value);
        return this;
    }

    public int nodeId()
    {
        return getInt(NODE_ID);
    }

    public PaxosBlock nodeId(final int value)
    {
        putInt(NODE_ID, value);
        return this;
    }

    public long instance()
    {
        return getLong(INSTANCE);
    }

    public PaxosBlock instance(final long value)
    {
        putLong(INSTANCE, value);
        return this;
    }

    public long mbal()
    {
        return getLong(MBAL);
    }

    public PaxosBlock mbal(final long value)
    {
        putLong(MBAL, value);
        return this;
    }

    public long bal()
    {
        return getLong(BAL);
    }

    public PaxosBlock bal(final long value)
    {
        putLong(BAL, value);
        return this;
    }

    /**
     * @return the value voted for at {@link #bal()} as a view of version {@link #instance()}, or null if none.
     */
    public MembershipView inp()
    {
        return view(INP, (int)instance());
    }

    public PaxosBlock inp(final MembershipView value)
    {
        return view(INP, value);
    }

    public long decidedVersion()
    {
        return getLong(DECIDED_VERSION);
    }

    /**
     * @return the latest view this node knows to be decided, or null if none.
     */
    public MembershipView decided()
    {
        return decidedVersion() == 0 ? null : view(DECIDED, (int)decidedVersion());
    }

    public PaxosBlock decided(final MembershipView value)
    {
        putLong(DECIDED_VERSION, value == null ? 0 : value.version());
        return view(DECIDED, value);
    }

    private MembershipView view(final int field, final int version)
    {
        final long members = getLong(field + VIEW_MEMBERS);
        return members == 0 || version < 1 ? null :
            new MembershipView(version, members, getInt(field + VIEW_REFORMER), getInt(field + VIEW_PRIMARY));
    }

    private PaxosBlock view(final int field, final MembershipView value)
    {
        putLong(field + VIEW_MEMBERS, value == null ? 0 : value.members());
        putInt(field + VIEW_REFORMER, value == null ? 0 : value.reformer());
        putInt(field + VIEW_PRIMARY, value == null ? 0 : value.primary());
        return this;
    }
}
