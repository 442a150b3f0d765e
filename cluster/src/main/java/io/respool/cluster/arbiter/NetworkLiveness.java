package io.respool.cluster.arbiter;

/**
 * The fast lane of failure detection: when each peer was last heard on the network (heartbeats on the DMS transport
 * or a lane of it), on the arbiter's own monotonic clock. Only a suspicion: the arbiter confirms it on the disk.
 * Thread-safe: the network side updates it, the arbiter reads it; or, for a lane without threads of its own, the
 * arbiter drives it through {@link #doWork}.
 */
@FunctionalInterface
public interface NetworkLiveness
{
    /** Returned for a peer never heard. */
    long NEVER = Long.MIN_VALUE;

    /**
     * Returned when there is no network lane to judge by: the peer is never suspected on the network, and only the
     * disk rules apply (a peer is removed once its sector stayed unchanged for the lease timeout).
     */
    long NO_LANE = Long.MAX_VALUE;

    /**
     * @return liveness without a network lane: failures are found on the disk alone, more slowly.
     */
    static NetworkLiveness diskOnly()
    {
        return nodeId -> NO_LANE;
    }

    /**
     * @param nodeId a peer.
     * @return when it was last heard, in ns of the arbiter's clock, {@link #NEVER}, or {@link #NO_LANE}.
     */
    long lastHeardNs(int nodeId);

    /**
     * Called on every arbiter duty cycle, for a lane the arbiter drives itself ({@link UdpLiveness}: send, receive).
     *
     * @return work done.
     */
    default int doWork(final long nowNs)
    {
        return 0;
    }
}
