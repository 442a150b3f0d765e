package io.respool.cluster.arbiter;

/**
 * One peer's disk heartbeat as this node sees it: when its sector last changed (counter or incarnation), by this
 * node's own clock. A sector that reads invalid (torn, damaged) is no observation at all: it neither proves the peer
 * alive nor resets anything. Not thread-safe: the arbiter's thread.
 */
final class PeerWatch
{
    private final int nodeId;
    private boolean seen;
    private long counter;
    private long incarnation;
    private int state;
    private ProcessIdentity process = ProcessIdentity.UNKNOWN;
    private long changedNs;
    private long invalidReads;

    /**
     * @param sinceNs when watching began: a peer is given until then plus a timeout before it counts as silent.
     */
    PeerWatch(final int nodeId, final long sinceNs)
    {
        this.nodeId = nodeId;
        this.changedNs = sinceNs;
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
        if (!seen || sector.counter() != counter || sector.incarnation() != incarnation)
        {
            seen = true;
            counter = sector.counter();
            incarnation = sector.incarnation();
            changedNs = nowNs;
        }
        state = sector.state();
        process = sector.process();
    }

    /**
     * @return the process its latest valid sector names ({@link ProcessIdentity#UNKNOWN} before one was read).
     */
    ProcessIdentity process()
    {
        return process;
    }

    /**
     * @return ns of this node's clock since the peer's sector last changed (or since watching began).
     */
    long unchangedNs(final long nowNs)
    {
        return nowNs - changedNs;
    }

    /**
     * @return true if its latest valid sector says it fenced itself.
     */
    boolean selfFenced()
    {
        return state == HeartbeatSector.SELF_FENCED;
    }

    long invalidReads()
    {
        return invalidReads;
    }
}
