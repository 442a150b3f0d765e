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
    /**
     * {@link #admit}: the sender restarted, and it is the first incarnation seen since a reform that removed the
     * one before cleaned everything this node knew of it: nothing of a dead incarnation stands in its way.
     */
    static final int RESTARTED_CLEAN = 3;

    private static final Logger LOG = LoggerFactory.getLogger(PeerIncarnations.class);

    private final int self;
    private final long[] newest = new long[NodeList.MAX_NODES];
    /** Per peer: the newest incarnation known when a reform cleaned what this node knew of it, or -1. */
    private final long[] cleaned = new long[NodeList.MAX_NODES];
    /** Per peer: the newest incarnation known when this node last finished a reform (the one serving the view). */
    private final long[] atServe = new long[NodeList.MAX_NODES];
    /** Per peer: the newest incarnation known when the reform in progress began. */
    private final long[] atReformStart = new long[NodeList.MAX_NODES];

    /**
     * @param self this node's id, for the log.
     */
    PeerIncarnations(final int self)
    {
        this.self = self;
        java.util.Arrays.fill(cleaned, -1);
    }

    /**
     * A reform's DRC_CLEAN into a view without {@code nodes}: this node keeps nothing of their incarnations known
     * now (directory and lock entries are cleared and rebuilt from the members only; their messages are fenced by
     * epoch and membership), so the first newer incarnation of each may be served once a view takes it back.
     */
    /** A reform is done: remember the incarnations that served the view, for {@link #restartedSinceServed}. */
    void served()
    {
        System.arraycopy(newest, 0, atServe, 0, newest.length);
    }

    /**
     * A message of the view this node serves, from a member of it: if this node knew no incarnation of that member
     * when it finished the reform into the view (it heard nothing from it in that reform: a member's rebuild
     * batches go only to the masters of what it holds), this is the incarnation that serves the view with it.
     * Without it, a member that restarted later was not found restarted, its dead incarnation's WAL was never
     * recovered, and its changes were lost (the kill/join simulation, seed 205).
     */
    void heardInServedView(final int node, final long incarnation)
    {
        if (atServe[node] == 0)
        {
            atServe[node] = incarnation;
        }
    }

    /**
     * @return whether {@code incarnation} of {@code node} is newer than the one known when this node last finished
     * a reform: the node restarted since (a member whose first reform was cut short is the same incarnation).
     */
    boolean restartedSinceServed(final int node, final long incarnation)
    {
        return atServe[node] != 0 && incarnation > atServe[node];
    }

    /** A reform begins: remember the incarnations known, for {@link #restartedCleaned}. */
    void reformStarted()
    {
        System.arraycopy(newest, 0, atReformStart, 0, newest.length);
    }

    /**
     * A reform's DRC_CLEAN, whose reformer found {@code nodes} restarted since the view served (they answered as
     * never having served one): the incarnations of them known when the reform began are dead and cleaned, so the
     * first newer one may be served, even if this node first hears of it after the reform.
     */
    void restartedCleaned(final long nodes)
    {
        for (long rest = nodes; rest != 0; rest &= rest - 1)
        {
            final int node = Long.numberOfTrailingZeros(rest);
            if (newest[node] == atReformStart[node])
            {
                cleaned[node] = newest[node];
            }
        }
    }

    void cleaned(final long nodes)
    {
        for (long rest = nodes; rest != 0; rest &= rest - 1)
        {
            final int node = Long.numberOfTrailingZeros(rest);
            cleaned[node] = newest[node];
        }
    }

    /**
     * @param node        the sender, in 0..{@link NodeList#MAX_NODES}-1.
     * @param incarnation the incarnation the message carries.
     * @return {@link #CURRENT}, {@link #RESTARTED}, {@link #RESTARTED_CLEAN} or {@link #DEAD}.
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
        if (cleaned[node] == known)
        {
            cleaned[node] = -1;
            LOG.info("peer restarted after a reform removed its previous incarnation: nodeId={}, peer={}, " +
                "incarnation={}, previous={}", self, node, incarnation, known);
            return RESTARTED_CLEAN;
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
