package io.respool.cluster.agent;

import java.nio.file.Path;

/**
 * Where the arbiter's cluster area is, from {@code cm_cluster.json}'s {@code "voting_disk"}: the entry volume of the
 * shared volume group (the area starts after the DSS system area, the default base) or a separate voting volume
 * ({@code "base": 0}). {@code cmctl query} reads it, read-only, for the decided view and the disk heartbeats.
 *
 * @param path            the volume (image file or block device).
 * @param base            byte offset of the cluster area on it.
 * @param heartbeatGapMs  how long a reader waits between its two reads of the heartbeats: a node whose counter did
 *                        not change over this span of the reader's own clock is not renewing.
 */
public record VotingDisk(Path path, long base, long heartbeatGapMs)
{
    /** Default gap: three renewals at the arbiter's default interval of 100 ms. */
    public static final long DEFAULT_HEARTBEAT_GAP_MS = 300;
}
