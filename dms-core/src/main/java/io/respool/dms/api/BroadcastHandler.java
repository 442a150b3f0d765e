package io.respool.dms.api;

import org.agrona.DirectBuffer;

/**
 * Receives broadcasts from other nodes (catalog invalidation, DDL lock messages). Called on the thread running the
 * node's duty cycle (as {@link PageStore} callbacks are), exactly once per broadcast even when it is resent; must
 * return quickly and must not call back into {@link DmsNode}.
 */
@FunctionalInterface
public interface BroadcastHandler
{
    /**
     * @param fromNode the sending node.
     * @param buffer   the payload.
     * @param offset   where it starts.
     * @param length   how long it is.
     * @return a status sent back in the acknowledgement (0 for success by convention).
     */
    int onBroadcast(int fromNode, DirectBuffer buffer, int offset, int length);
}
