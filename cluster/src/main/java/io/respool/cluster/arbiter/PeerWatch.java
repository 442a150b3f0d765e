package io.respool.cluster.arbiter;

import io.respool.common.process.ProcessIdentity;

/**
 * One peer's disk heartbeat as this node sees it, by this node's own clock. A sector that reads invalid (torn,
 * damaged) is no observation at all: it neither proves the peer alive nor resets anything. Not thread-safe: the
 * arbiter's thread.
 * <p>
 * Two clocks, because a node's sector can be written by more than one process over time (a restart writes a new
 * incarnation over the old one's):
 * <ul>
 *     <li>{@link #unchangedNs}: since the sector last changed, except that a {@link HeartbeatSector#RESTARTED}
 *     sector is no sign of the member's life (its writer says the member's incarnation is dead). The membership
 *     rules judge a member by it.</li>
 *     <li>{@link #memberUnchangedNs}: since the last change of a sector in a member state ({@link
 *     HeartbeatSector#memberState}), or since the first read that found a joining or restarted sector over one:
 *     the latest renewal of any process that may have served landed before then. The fence's lease wait counts on
 *     it, so that a new process renewing in the sector never keeps the old one's fence waiting, and never ends it
 *     early either.</li>
 * </ul>
 */
final class PeerWatch
{
    private final int nodeId;
    private boolean seen;
    private long counter;
    private long incarnation;
    private int state;
    private long excludedIn;
    private ProcessIdentity process = ProcessIdentity.UNKNOWN;
    private ProcessIdentity memberProcess = ProcessIdentity.UNKNOWN;
    private long memberIncarnation;
    private boolean memberSeen;
    private long changedNs;
    private long memberChangedNs;
    private long writtenNs;
    private long readNs = Long.MIN_VALUE;
    private long invalidReads;

    /**
     * @param sinceNs when watching began: a peer is given until then plus a timeout before it counts as silent.
     */
    PeerWatch(final int nodeId, final long sinceNs)
    {
        this.nodeId = nodeId;
        this.changedNs = sinceNs;
        this.memberChangedNs = sinceNs;
        this.writtenNs = sinceNs;
    }

    void onRead(final HeartbeatSector sector, final long nowNs)
    {
        if (!sector.isValid() || sector.nodeId() != nodeId)
        {
            if (!sector.isEmpty())
            {
                invalidReads++;
            }
            return;
        }
        readNs = nowNs;
        final boolean changed = !seen || sector.counter() != counter || sector.incarnation() != incarnation;
        final boolean member = HeartbeatSector.memberState(sector.state());
        if (changed)
        {
            writtenNs = nowNs;
            // a restarted sector's renewals say nothing of the member; its first appearance counts once, as the
            // member's last possible renewal
            if (!(seen && state == HeartbeatSector.RESTARTED && sector.state() == HeartbeatSector.RESTARTED))
            {
                changedNs = nowNs;
            }
            // a member-state write, or the first sector of another kind over one (or the first read at all)
            if (member || !seen || HeartbeatSector.memberState(state))
            {
                memberChangedNs = nowNs;
            }
        }
        seen = true;
        counter = sector.counter();
        incarnation = sector.incarnation();
        state = sector.state();
        excludedIn = sector.excludedIn();
        process = sector.process();
        if (member)
        {
            memberSeen = true;
            memberIncarnation = sector.incarnation();
            memberProcess = sector.process();
        }
    }

    /**
     * @return the process its latest valid sector names ({@link ProcessIdentity#UNKNOWN} before one was read).
     */
    ProcessIdentity process()
    {
        return process;
    }

    /**
     * @return the process of its latest valid sector in a member state, or of its latest one if none was seen: the
     * process a fence of it must end ({@link ProcessIdentity#UNKNOWN} before a sector was read).
     */
    ProcessIdentity memberProcess()
    {
        return memberSeen ? memberProcess : process;
    }

    /**
     * @return ns of this node's clock since the peer's sector last changed (or since watching began); the renewals of
     * a restarted sector do not count.
     */
    long unchangedNs(final long nowNs)
    {
        return nowNs - changedNs;
    }

    /**
     * @return ns of this node's clock since any write of the peer's sector was last seen, renewals of every state
     * counted (or since watching began).
     */
    long unwrittenNs(final long nowNs)
    {
        return nowNs - writtenNs;
    }

    /**
     * @return this node's time of the latest read that found a valid sector of the peer ({@link Long#MIN_VALUE}
     * before one).
     */
    long readNs()
    {
        return readNs;
    }

    /**
     * @return true if its latest valid sector is a new process's that asks to be in ({@link #joining} or {@link
     * #restarted}) having read no decided view from {@code version} on: such a process may have proposed that
     * version with itself alone and taken it up (a whole cluster restart), so it may be that view's member, and its
     * asking renewals are that member's life. A tag of 0 (an older writer's restarted sector) is no later than any.
     */
    boolean askedBefore(final long version)
    {
        return (joining() || restarted()) && excludedIn < version;
    }

    /**
     * @return ns since the last change of a sector in a member state, or since a joining or restarted sector was
     * first read over one (or since watching began).
     */
    long memberUnchangedNs(final long nowNs)
    {
        return nowNs - memberChangedNs;
    }

    /**
     * @return true if its latest valid sector says it fenced itself.
     */
    boolean selfFenced()
    {
        return state == HeartbeatSector.SELF_FENCED;
    }

    /**
     * @return true if its latest valid sector says it fenced itself, written by the incarnation that last wrote a
     * member state (not a later process that fenced itself before it was admitted).
     */
    boolean memberSelfFenced()
    {
        return state == HeartbeatSector.SELF_FENCED && memberSeen && memberIncarnation == incarnation;
    }

    /**
     * @return true if its latest valid sector is a new process's that asks to join.
     */
    boolean joining()
    {
        return seen && state == HeartbeatSector.JOINING;
    }

    /**
     * @return true if its latest valid sector is a new process's that found itself still a member of a view.
     */
    boolean restarted()
    {
        return seen && state == HeartbeatSector.RESTARTED;
    }

    /**
     * @return with {@link #joining}: the version of the latest decided view its writer read without itself; with
     * {@link #restarted}: that of the latest it read holding it, whose incarnation of it is dead.
     */
    long excludedIn()
    {
        return excludedIn;
    }

    long incarnation()
    {
        return incarnation;
    }

    long invalidReads()
    {
        return invalidReads;
    }
}
