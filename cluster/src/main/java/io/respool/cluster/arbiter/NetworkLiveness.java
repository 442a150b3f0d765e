package io.respool.cluster.arbiter;

/**
 * The fast lane of failure detection: when each peer was last heard on the network (heartbeats on the DMS transport
 * or a lane of it), on the arbiter's own monotonic clock. Only a suspicion: the arbiter confirms it on the disk.
 * Thread-safe: the network side updates it, the arbiter reads it.
 */
@FunctionalInterface
public interface NetworkLiveness
{
    /** Returned for a peer never heard. */
    long NEVER = Long.MIN_VALUE;

    /**
     * @param nodeId a peer.
     * @return when it was last heard, in ns of the arbiter's clock, or {@link #NEVER}.
     */
    long lastHeardNs(int nodeId);
}
