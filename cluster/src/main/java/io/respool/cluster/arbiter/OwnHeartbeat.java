package io.respool.cluster.arbiter;

import java.util.concurrent.TimeUnit;

/**
 * This node's heartbeat sector: renewed every interval, and the self-fencing rule: the node may serve only while its
 * last renewal confirmed on disk began less than the self-fence timeout ago, by its own clock. A renewal that failed
 * or did not finish does not count; once the rule has failed it stays failed ({@link #expired}), so that a node that
 * wakes from a pause cannot renew its way back. Written by the arbiter's thread; {@link #mayServe} may be read from
 * any thread.
 */
final class OwnHeartbeat
{
    private final ClusterDisk disk;
    private final int nodeId;
    private final long incarnation;
    private final long intervalNs;
    private final long selfFenceTimeoutNs;
    private long counter;
    private long nextRenewalNs;
    private volatile long confirmedNs;
    private volatile boolean expired;
    private long failures;

    OwnHeartbeat(
        final ClusterDisk disk, final int nodeId, final long incarnation, final long intervalNs,
        final long selfFenceTimeoutNs, final long nowNs)
    {
        this.disk = disk;
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.intervalNs = intervalNs;
        this.selfFenceTimeoutNs = selfFenceTimeoutNs;
        this.confirmedNs = nowNs;
        this.nextRenewalNs = nowNs;
    }

    /**
     * Renew if due.
     *
     * @return 1 if it wrote, else 0.
     */
    int doWork(final long nowNs, final int state, final long viewVersion, final long wallMs)
    {
        if (!expired && nowNs - confirmedNs >= selfFenceTimeoutNs)
        {
            expired = true;
        }
        if (nowNs - nextRenewalNs < 0)
        {
            return 0;
        }
        nextRenewalNs = nowNs + intervalNs;
        try
        {
            disk.writeHeartbeat(ClusterDisk.blank(new HeartbeatSector()).nodeId(nodeId).incarnation(incarnation)
                .counter(++counter).state(expired ? HeartbeatSector.SELF_FENCED : state).viewVersion(viewVersion)
                .wallMs(wallMs));
            confirmedNs = nowNs;
        }
        catch (final RuntimeException ex)
        {
            failures++;
        }
        return 1;
    }

    /**
     * @return true while the node may write to the shared storage and serve.
     */
    boolean mayServe(final long nowNs)
    {
        return !expired && nowNs - confirmedNs < selfFenceTimeoutNs;
    }

    boolean expired()
    {
        return expired;
    }

    String expiryReason(final long nowNs)
    {
        return "own disk heartbeat not renewed for " + TimeUnit.NANOSECONDS.toMillis(nowNs - confirmedNs) +
            " ms (self-fence timeout " + TimeUnit.NANOSECONDS.toMillis(selfFenceTimeoutNs) + " ms, " + failures +
            " failed renewals)";
    }
}
