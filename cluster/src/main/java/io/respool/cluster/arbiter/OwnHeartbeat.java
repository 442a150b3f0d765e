package io.respool.cluster.arbiter;

import io.respool.common.process.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * This node's heartbeat sector: renewed every interval, and the self-fencing rule: the node may serve only while the
 * write of its last renewal confirmed on disk began less than the self-fence timeout ago, by its own clock. A renewal
 * that failed or did not finish does not count (a write may be visible to a peer from the moment it is issued, so
 * only its start is known to precede what the peer saw); once the rule has failed it stays failed ({@link #expired}),
 * so that a node that wakes from a pause, or whose write returns after the gate closed, cannot renew its way back;
 * and once another incarnation's sector is found where this one wrote, this one writes no more ({@link
 * #displacedBy}). The rule arms at the first confirmed renewal of a {@link HeartbeatSector#RUNNING} sector, which
 * lands before the node first serves: before it the gate was never open, so a stall while the node starts, joins or
 * waits to be removed (class loading, JIT, the media driver's start, under load) shuts no gate that was ever open and
 * fences nothing.
 * <p>
 * The write's start and end are read from the clock right at the write, not taken from the duty cycle's {@code
 * nowNs}: the cycle's time is older by whatever ran before the write in it (the own-sector read), which would count
 * against the lease a delay that is not the write's. Written by the arbiter's thread; {@link #mayServe} may be read
 * from any thread.
 */
final class OwnHeartbeat
{
    private static final Logger LOG = LoggerFactory.getLogger(OwnHeartbeat.class);

    private final RenewalGaps gaps = new RenewalGaps();
    private final ClusterDisk disk;
    private final NanoClock clock;
    private final int nodeId;
    private final long incarnation;
    private final ProcessIdentity process;
    private final long intervalNs;
    private final long selfFenceTimeoutNs;
    private long counter;
    private long nextRenewalNs;
    private long lastCycleNs;
    private volatile long confirmedNs;
    private volatile long writeStartNs;
    private volatile boolean writing;
    private volatile boolean expired;
    private String expiry;
    private volatile boolean armed;
    private boolean wrote;
    private int landedState;
    private long landedExcludedIn;
    private long failures;
    private long displacedBy;
    private volatile boolean displaced;
    private boolean predecessorRead;
    private boolean predecessorServed;
    private ProcessIdentity predecessor = ProcessIdentity.UNKNOWN;
    private String predecessorSector = "not read";

    OwnHeartbeat(
        final ClusterDisk disk, final NanoClock clock, final int nodeId, final long incarnation,
        final ProcessIdentity process, final long intervalNs, final long selfFenceTimeoutNs, final long nowNs)
    {
        this.process = process;
        this.disk = disk;
        this.clock = clock;
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.intervalNs = intervalNs;
        this.selfFenceTimeoutNs = selfFenceTimeoutNs;
        this.confirmedNs = nowNs;
        this.nextRenewalNs = nowNs;
        this.lastCycleNs = nowNs;
    }

    /**
     * Renew if due, with no join request in the sector.
     *
     * @return 1 if it wrote (or tried to), else 0.
     */
    int doWork(final long nowNs, final int state, final long viewVersion, final long wallMs)
    {
        return doWork(nowNs, state, viewVersion, 0, wallMs);
    }

    /**
     * Renew if due.
     *
     * @param excludedIn with {@link HeartbeatSector#JOINING}: the latest decided view read without this node.
     * @return 1 if it wrote (or tried to), else 0.
     */
    int doWork(final long nowNs, final int state, final long viewVersion, final long excludedIn, final long wallMs)
    {
        if (armed && !expired && nowNs - confirmedNs >= selfFenceTimeoutNs)
        {
            expireByTime(nowNs);
        }
        lastCycleNs = nowNs;
        if (nowNs - nextRenewalNs < 0 || displaced)
        {
            return 0;
        }
        renew(nowNs, state, viewVersion, excludedIn, wallMs);
        return 1;
    }

    /**
     * Renew now, whether due or not: an admitted node's first {@link HeartbeatSector#RUNNING} sector must land before
     * it publishes its admission and serves.
     *
     * @return true if the write landed.
     */
    boolean renew(final long nowNs, final int state, final long viewVersion, final long excludedIn, final long wallMs)
    {
        nextRenewalNs = nowNs + intervalNs;
        if (displaced || wrote && checkDisplaced() || !readPredecessor())
        {
            return false;
        }
        final long startNs = clock.nanoTime();
        if (armed && !expired && startNs - confirmedNs >= selfFenceTimeoutNs)
        {
            // the gate closed while this cycle ran up to the write: a renewal landing now must not reopen it
            expire(startNs - confirmedNs, "the renewal write could begin only then (the own-sector read before it " +
                "or the thread stalled: disk, CPU, GC)");
        }
        writeStartNs = startNs;
        writing = true;
        try
        {
            disk.writeHeartbeat(ClusterDisk.blank(new HeartbeatSector()).nodeId(nodeId).incarnation(incarnation)
                .process(process).counter(++counter).state(expired ? HeartbeatSector.SELF_FENCED : state)
                .viewVersion(viewVersion).excludedIn(excludedIn).wallMs(wallMs));
            final long endNs = clock.nanoTime();
            landedState = expired ? HeartbeatSector.SELF_FENCED : state;
            landedExcludedIn = excludedIn;
            gaps.recordWrite(endNs - startNs);
            if (armed)
            {
                onGap(endNs - confirmedNs, endNs - startNs);
            }
            confirmedNs = startNs;
            wrote = true;
            // the gate can open only once a RUNNING sector landed (a joiner's or a restarted member's never opens it)
            if (!armed && state == HeartbeatSector.RUNNING)
            {
                armed = true;
            }
            return true;
        }
        catch (final RuntimeException ex)
        {
            failures++;
            return false;
        }
        finally
        {
            writing = false;
        }
    }

    private void expireByTime(final long nowNs)
    {
        expire(nowNs - confirmedNs, "no renewal confirmed in that time; the previous duty cycle began " +
            ms(nowNs - lastCycleNs) + " ms before this one (over the interval: the arbiter's thread did not run, " +
            "CPU, GC, a pause; else its renewals failed)");
    }

    /**
     * The rule failed: the gate is shut for good. The gap that failed it is counted in the gaps (it would otherwise
     * never be, as no renewal ends it), and why is kept for {@link #expiryReason}.
     */
    private void expire(final long gapNs, final String why)
    {
        gaps.record(gapNs);
        expiry = "own disk heartbeat not confirmed for " + ms(gapNs) + " ms: " + why;
        expired = true;
    }

    /**
     * Before its first write, read what the sector holds: the last process of this node (a predecessor) and
     * whether it ever took up membership. Retried until the read succeeds; nothing is written before.
     */
    private boolean readPredecessor()
    {
        if (predecessorRead)
        {
            return true;
        }
        try
        {
            final HeartbeatSector before = disk.readHeartbeat(nodeId);
            predecessorServed = !before.unwritten() && (!before.isValid() || before.nodeId() != nodeId ||
                HeartbeatSector.mayHaveServed(before.state()));
            predecessor = before.isValid() && before.nodeId() == nodeId ? before.process() : ProcessIdentity.UNKNOWN;
            predecessorSector = before.unwritten() ? "nothing" : !before.isValid() ? "unreadable (" +
                before.invalidReason() + ")" : "incarnation " + Long.toHexString(before.incarnation()) + " in state " +
                before.state() + " (" + before.process() + ")";
            predecessorRead = true;
            return true;
        }
        catch (final RuntimeException ex)
        {
            failures++;
            return false;
        }
    }

    /**
     * @return true once the sector was read before this process's first write and then held a member state (a
     * predecessor may have served: {@link HeartbeatSector#RUNNING} lands before a process serves), or
     * {@link HeartbeatSector#RESTARTED} (a predecessor found one that may have served, and no removal came since), or
     * was unreadable (torn, damaged: not known, so assumed); false if it was empty or a joiner's that never took up
     * membership.
     */
    boolean predecessorServed()
    {
        return predecessorServed;
    }

    /**
     * @return the process the sector named before this process's first write ({@link ProcessIdentity#UNKNOWN} if
     * none or unreadable).
     */
    ProcessIdentity predecessor()
    {
        return predecessor;
    }

    /**
     * @return what the sector held before this process's first write, for the log.
     */
    String predecessorSector()
    {
        return predecessorSector;
    }

    /**
     * @return true if this process's latest confirmed write was in {@code state} with {@code excludedIn}.
     */
    boolean landed(final int state, final long excludedIn)
    {
        return wrote && landedState == state && landedExcludedIn == excludedIn;
    }

    /**
     * @return true once the sector was read before the first write.
     */
    boolean predecessorRead()
    {
        return predecessorRead;
    }

    /**
     * Only this process writes this node's sector once it wrote it: another incarnation's valid sector there means
     * another process runs this node (this one was paused and replaced, or two were started), and this one writes
     * it no more, so that it never overwrites the newer one. A failed or torn read proves nothing.
     */
    private boolean checkDisplaced()
    {
        try
        {
            final HeartbeatSector own = disk.readHeartbeat(nodeId);
            if (own.isValid() && own.nodeId() == nodeId && own.incarnation() != incarnation)
            {
                displacedBy = own.incarnation();
                displaced = true;
                LOG.warn("node {}: its heartbeat sector holds incarnation {}, not this process's {}: another " +
                    "process runs node {}; this one writes the sector no more", nodeId,
                    Long.toHexString(displacedBy), Long.toHexString(incarnation), nodeId);
                return true;
            }
        }
        catch (final RuntimeException ex)
        {
            // unknown: renew as usual
        }
        return false;
    }

    /**
     * @return true once another incarnation's sector was found where this one wrote.
     */
    boolean displaced()
    {
        return displaced;
    }

    /**
     * @return the incarnation found in this node's sector instead of this one's (meaningful once {@link #displaced}).
     */
    long displacedBy()
    {
        return displacedBy;
    }

    /**
     * @param gapNs   from the start of the previous confirmed renewal's write to the end of this one's: the age the
     *                gate reached, what the self-fence timeout is compared with.
     * @param writeNs this renewal's write alone.
     */
    private void onGap(final long gapNs, final long writeNs)
    {
        if (gapNs >= selfFenceTimeoutNs && !expired)
        {
            // the gate closed while the write was in the kernel: it may not open again
            expire(gapNs, "the renewal write began " + ms(gapNs - writeNs) + " ms after the previous one and took " +
                ms(writeNs) + " ms (a write blocked in the kernel: page-cache writeback, journal, a slow disk)");
            return;
        }
        gaps.record(gapNs);
        if (gapNs > selfFenceTimeoutNs / 2 && !expired)
        {
            LOG.warn("node {}: heartbeat confirmed {} ms after the last confirmed renewal began (its write took {} " +
                "ms), self-fence at {} ms: the node is starved (CPU, GC, disk); {}", nodeId, ms(gapNs), ms(writeNs),
                ms(selfFenceTimeoutNs), gaps);
        }
    }

    private static long ms(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }

    long incarnation()
    {
        return incarnation;
    }

    RenewalGaps gaps()
    {
        return gaps;
    }

    /**
     * @return the gaps, and a renewal write in progress with its age: a stalled write shows here before it returns.
     * For the log and {@code query} from any thread (the counts are read racily).
     */
    String describeGaps()
    {
        final long startNs = writeStartNs;
        return gaps + (writing ? "; a renewal write in progress for " + ms(clock.nanoTime() - startNs) + " ms" : "");
    }

    /**
     * @return true while the node may write to the shared storage and serve.
     */
    boolean mayServe(final long nowNs)
    {
        // confirmedNs first: a renewal that fails the rule sets expired before it moves confirmedNs on
        final long lastNs = confirmedNs;
        return armed && !expired && nowNs - lastNs < selfFenceTimeoutNs;
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

    /**
     * @return why the rule failed, for the fence's reason; fails the rule now if only the time says so.
     */
    String expiryReason(final long nowNs)
    {
        if (!expired)
        {
            expireByTime(nowNs);
        }
        return expiry + " (self-fence timeout " + ms(selfFenceTimeoutNs) + " ms, " + failures +
            " failed renewals; " + gaps + ")";
    }
}
