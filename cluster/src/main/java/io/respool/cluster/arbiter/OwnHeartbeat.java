package io.respool.cluster.arbiter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * This node's heartbeat sector: renewed every interval, and the self-fencing rule: the node may serve only while its
 * last renewal confirmed on disk began less than the self-fence timeout ago, by its own clock. A renewal that failed
 * or did not finish does not count; once the rule has failed it stays failed ({@link #expired}), so that a node that
 * wakes from a pause cannot renew its way back. The rule arms at the first confirmed renewal: before it the node
 * may not serve at all, so a first renewal delayed by a loaded start (class loading, JIT, the media driver's start)
 * shuts no gate that was ever open and fences nothing. Written by the arbiter's thread; {@link #mayServe} may be read from
 * any thread.
 */
final class OwnHeartbeat
{
    private static final Logger LOG = LoggerFactory.getLogger(OwnHeartbeat.class);

    private final RenewalGaps gaps = new RenewalGaps();
    private final ClusterDisk disk;
    private final int nodeId;
    private final long incarnation;
    private final ProcessIdentity process;
    private final long intervalNs;
    private final long selfFenceTimeoutNs;
    private long counter;
    private long nextRenewalNs;
    private volatile long confirmedNs;
    private volatile boolean expired;
    private volatile boolean armed;
    private long failures;

    OwnHeartbeat(
        final ClusterDisk disk, final int nodeId, final long incarnation, final ProcessIdentity process,
        final long intervalNs, final long selfFenceTimeoutNs, final long nowNs)
    {
        this.process = process;
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
        if (armed && !expired && nowNs - confirmedNs >= selfFenceTimeoutNs)
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
                .process(process).counter(++counter).state(expired ? HeartbeatSector.SELF_FENCED : state)
                .viewVersion(viewVersion).wallMs(wallMs));
            if (armed)
            {
                onGap(nowNs - confirmedNs);
            }
            confirmedNs = nowNs;
            armed = true;
        }
        catch (final RuntimeException ex)
        {
            failures++;
        }
        return 1;
    }

    private void onGap(final long gapNs)
    {
        gaps.record(gapNs);
        if (gapNs > selfFenceTimeoutNs / 2 && !expired)
        {
            LOG.warn("node {}: heartbeat renewed {} ms after the last confirmed renewal, self-fence at {} ms: the " +
                "node is starved (CPU, GC, disk); {}", nodeId, TimeUnit.NANOSECONDS.toMillis(gapNs),
                TimeUnit.NANOSECONDS.toMillis(selfFenceTimeoutNs), gaps);
        }
    }

    RenewalGaps gaps()
    {
        return gaps;
    }

    /**
     * @return true while the node may write to the shared storage and serve.
     */
    boolean mayServe(final long nowNs)
    {
        return armed && !expired && nowNs - confirmedNs < selfFenceTimeoutNs;
    }

    /**
     * @return true once the rule failed: armed, and the last confirmed renewal began a self-fence timeout ago or more.
     */
    boolean lapsed(final long nowNs)
    {
        return expired || armed && nowNs - confirmedNs >= selfFenceTimeoutNs;
    }

    boolean expired()
    {
        return expired;
    }

    String expiryReason(final long nowNs)
    {
        return "own disk heartbeat not renewed for " + TimeUnit.NANOSECONDS.toMillis(nowNs - confirmedNs) +
            " ms (self-fence timeout " + TimeUnit.NANOSECONDS.toMillis(selfFenceTimeoutNs) + " ms, " + failures +
            " failed renewals; " + gaps + ")";
    }
}
