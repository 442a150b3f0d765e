package io.respool.dms;

import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the parts of a node share: the clock of the current duty cycle, the outbound proxy, statistics, the
 * partition map, request serials, the command queue and the tombstones of finished requests. Only
 * {@link #nextSerial()}, {@link #commands()}, {@link #masterOf(long)} and {@link #checkOpen()} may be used from
 * application threads; the rest belongs to the thread running the duty cycle (under the agent's duty lock).
 */
final class NodeServices
{
    private final int self;
    private final Commands commands = new Commands();
    /**
     * Serials start from the incarnation (the wall clock in microseconds at start), times {@link
     * #SERIALS_PER_MICROSECOND}, so that a restarted node never reuses one of its dead incarnation's: masters keep
     * tombstones by node and serial, and a reused one is dropped as already served, for ever (from the milliseconds,
     * as before, an incarnation that asked more than 1000 times a millisecond since it started handed its successor
     * serials already tombstoned: requests that never got an answer, in the stepped-clock simulation).
     */
    static final long SERIALS_PER_MICROSECOND = 1000;
    private final AtomicLong serials;
    private final NodeStats stats;
    private final Tombstones tombstones;
    private volatile PartitionMap partitionMap;
    private final AccessGate gate;
    /** The membership epoch this node stamps and admits: the version of the view it serves, or reforms into. */
    private volatile int epoch;
    /** Bitmap of the members whose messages are served. */
    private volatile long members;
    private MessageProxy proxy;
    private long nowNs = System.nanoTime();
    private volatile boolean closed;
    private volatile String failure;
    private volatile DmsErrorCode failureCode = DmsErrorCode.REFUSED;

    NodeServices(final int self, final NodeStats stats, final PartitionMap partitionMap, final long tombstoneTtlNs,
        final AccessGate gate, final int epoch, final long members, final long incarnation)
    {
        this.self = self;
        this.serials = new AtomicLong(incarnation * SERIALS_PER_MICROSECOND);
        this.stats = stats;
        this.partitionMap = partitionMap;
        this.tombstones = new Tombstones(tombstoneTtlNs);
        this.gate = gate;
        this.epoch = epoch;
        this.members = members;
    }

    AccessGate gate()
    {
        return gate;
    }

    int epoch()
    {
        return epoch;
    }

    long members()
    {
        return members;
    }

    /** Agent only: a reform moves this node to a new epoch and member set. */
    void epoch(final int epoch, final long members)
    {
        this.epoch = epoch;
        this.members = members;
        proxy.epoch(epoch);
        stats.membershipVersion(epoch);
    }

    /** Agent only: a reform installs a new partition map. */
    void partitionMap(final PartitionMap map)
    {
        this.partitionMap = map;
        proxy.partitionMapVersion(map.version());
    }

    int self()
    {
        return self;
    }

    void proxy(final MessageProxy proxy)
    {
        this.proxy = proxy;
    }

    MessageProxy proxy()
    {
        return proxy;
    }

    NodeStats stats()
    {
        return stats;
    }

    Tombstones tombstones()
    {
        return tombstones;
    }

    Commands commands()
    {
        return commands;
    }

    long nextSerial()
    {
        return serials.incrementAndGet();
    }

    PartitionMap partitionMap()
    {
        return partitionMap;
    }

    int masterOf(final long resourceId)
    {
        return partitionMap.masterOf(resourceId);
    }

    long nowNs()
    {
        return nowNs;
    }

    void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    void close()
    {
        closed = true;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * The node cannot go on: every later call into it fails with this reason.
     *
     * @param reason what happened and what to do.
     */
    void fail(final String reason)
    {
        fail(DmsErrorCode.REFUSED, reason);
    }

    /**
     * The node cannot go on: every later call into it fails with this code and reason.
     *
     * @param code   the error code of the calls that fail.
     * @param reason what happened and what to do.
     */
    void fail(final DmsErrorCode code, final String reason)
    {
        failureCode = code;
        failure = reason;
    }

    boolean isFailed()
    {
        return failure != null;
    }

    void checkOpen()
    {
        final String reason = failure;
        if (reason != null)
        {
            throw new DmsException(failureCode, reason);
        }
        if (closed)
        {
            throw new DmsException(DmsErrorCode.CLOSED, "node is closed: nodeId=" + self);
        }
    }
}
