package io.respool.dms;

import io.respool.dms.api.NodeList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest incarnation seen of every peer, so that a message from a dead incarnation (one sent before its node
 * restarted, still in flight or resent) is dropped on arrival. Owned by the node agent.
 */
final class PeerIncarnations
{
    /** {@link #admit}: the message is from the newest incarnation known of its sender. */
    static final int CURRENT = 0;
    /** {@link #admit}: the sender restarted: the first message of a newer incarnation. */
    static final int RESTARTED = 1;
    /** {@link #admit}: the message is from a dead incarnation of its sender: drop it. */
    static final int DEAD = 2;

    private static final Logger LOG = LoggerFactory.getLogger(PeerIncarnations.class);

    private final int self;
    private final long[] newest = new long[NodeList.MAX_NODES];

    /**
     * @param self this node's id, for the log.
     */
    PeerIncarnations(final int self)
    {
        this.self = self;
    }

    /**
     * @param node        the sender, in 0..{@link NodeList#MAX_NODES}-1.
     * @param incarnation the incarnation the message carries.
     * @return {@link #CURRENT}, {@link #RESTARTED} or {@link #DEAD}.
     */
    int admit(final int node, final long incarnation)
    {
        final long known = newest[node];
        if (incarnation == known)
        {
            return CURRENT;
        }
        if (incarnation < known)
        {
            return DEAD;
        }
        newest[node] = incarnation;
        if (known == 0)
        {
            return CURRENT;
        }
        LOG.warn("peer restarted, its older incarnation's messages are dropped from now on: nodeId={}, peer={}, " +
            "incarnation={}, previous={}", self, node, incarnation, known);
        return RESTARTED;
    }

    /**
     * @param node a peer.
     * @return the newest incarnation seen of it, 0 if none yet.
     */
    long newest(final int node)
    {
        return newest[node];
    }
}
