package io.respool.dms;

import io.respool.dms.stat.StatCounter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * The one agent of a node. Each duty cycle reads the clock once (a {@link NanoClock}, so that a test can step it
 * by hand), runs the transport's duty cycle (media driver and Aeron client conductors), polls the lanes (control
 * and claims before data), runs commands from application threads, carries out deferred revokes and, every timer
 * tick, resends what got no answer. It is also the inbound adapter: it
 * checks each message's version, type and membership version and dispatches it by type.
 */
final class NodeAgent implements Agent, Transport.MessageSink
{
    private static final long TIMER_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final int COMMAND_LIMIT = 64;

    private final int self;
    private final int membershipVersion;
    private final Transport transport;
    private final NodeServices services;
    private final NodeStats stats;
    private final PageClient pageClient;
    private final PageOwner pageOwner;
    private final DrcMaster drc;
    private final LockMaster lockMaster;
    private final LockClient lockClient;
    private final Broadcaster broadcaster;
    private final long statsIntervalNs;
    private final NanoClock clock;
    private final MessageFlyweight inbound = new MessageFlyweight();
    private long nextTimerNs;
    private long nextStatsNs;
    private long nextTombstoneExpiryNs;
    private Thread agentThread;

    NodeAgent(
        final DmsContext ctx,
        final Transport transport,
        final NodeServices services,
        final PageClient pageClient,
        final PageOwner pageOwner,
        final DrcMaster drc,
        final LockMaster lockMaster,
        final LockClient lockClient,
        final Broadcaster broadcaster,
        final NanoClock clock)
    {
        this.clock = clock;
        this.self = ctx.nodeId();
        this.membershipVersion = ctx.membershipVersion();
        this.transport = transport;
        this.services = services;
        this.stats = services.stats();
        this.pageClient = pageClient;
        this.pageOwner = pageOwner;
        this.drc = drc;
        this.lockMaster = lockMaster;
        this.lockClient = lockClient;
        this.broadcaster = broadcaster;
        this.statsIntervalNs = ctx.statsIntervalNs();
        transport.sink(this);
    }

    @Override
    public void onStart()
    {
        agentThread = Thread.currentThread();
    }

    @Override
    public int doWork()
    {
        assert null == agentThread || Thread.currentThread() == agentThread :
            "NodeAgent is single-threaded: run it on its AgentRunner only";
        final long nowNs = clock.nanoTime();
        services.nowNs(nowNs);
        int work = transport.invoke();
        work += transport.poll();
        work += services.commands().drain(COMMAND_LIMIT);
        work += pageOwner.doDeferred();
        if (nowNs - nextTimerNs >= 0)
        {
            nextTimerNs = nowNs + TIMER_INTERVAL_NS;
            work += pageClient.retransmitTimers(nowNs);
            work += drc.redriveTimers(nowNs);
            work += lockClient.retransmitTimers(nowNs);
            work += broadcaster.retransmitTimers(nowNs);
            if (nowNs - nextStatsNs >= 0)
            {
                nextStatsNs = nowNs + statsIntervalNs;
                stats.set(StatCounter.PAGE_LOCAL_HITS, pageClient.localHits());
                stats.publish();
            }
            if (nowNs - nextTombstoneExpiryNs >= 0)
            {
                nextTombstoneExpiryNs = nowNs + TimeUnit.SECONDS.toNanos(1);
                services.tombstones().expire(nowNs);
            }
        }
        stats.increment(StatCounter.DUTY_CYCLES);
        return work;
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final boolean fromSelf)
    {
        if (!MessageDescriptor.isLongEnough(length))
        {
            stats.increment(StatCounter.BAD_MESSAGES);
            return;
        }
        final MessageFlyweight msg = inbound.wrapForRead(buffer, offset);
        final MessageType type = MessageType.get(msg.typeCode());
        if (msg.version() != MessageDescriptor.CURRENT_VERSION || null == type || msg.destinationNode() != self ||
            msg.totalLength() > length)
        {
            stats.increment(StatCounter.BAD_MESSAGES);
            return;
        }
        if (msg.membershipVersion() != membershipVersion)
        {
            stats.increment(StatCounter.MEMBERSHIP_MISMATCH);
            return;
        }
        final long nowNs = services.nowNs();
        switch (type)
        {
            case ASK_MASTER:
                drc.onAskMaster(msg, nowNs);
                break;
            case ASK_OWNER:
                pageOwner.onAskOwner(msg);
                break;
            case GRANT:
            case ALREADY_OWNER:
            case PAGE_READY:
                pageClient.onReply(type, msg);
                break;
            case CLAIM:
                drc.onClaim(msg, nowNs);
                break;
            case INVALIDATE:
                pageOwner.onInvalidate(msg);
                break;
            case INVALIDATE_ACK:
                drc.onInvalidateAck(msg, nowNs);
                break;
            case RELEASE:
                drc.onRelease(msg, nowNs);
                break;
            case RELEASE_ACK:
                pageClient.onReleaseAck(msg);
                break;
            case CLEAN_EDP:
                drc.onCleanEdp(msg);
                break;
            case EDP_CLEANED:
                pageOwner.onEdpCleaned(msg);
                break;
            case CKPT_EDP:
                drc.onCkptEdp(msg);
                break;
            case OWNER_CKPT_EDP:
                pageOwner.onOwnerCkptEdp(msg);
                break;
            case LOCK_REQUEST:
                lockMaster.onLockRequest(msg, nowNs);
                break;
            case LOCK_REPLY:
                lockClient.onLockReply(msg);
                break;
            case LOCK_RELEASE:
                lockMaster.onLockRelease(msg, nowNs);
                break;
            case LOCK_RELEASE_ACK:
                lockClient.onLockReleaseAck(msg);
                break;
            case BROADCAST:
                broadcaster.onBroadcast(msg, nowNs);
                break;
            case BROADCAST_ACK:
                broadcaster.onBroadcastAck(msg, nowNs);
                break;
            default:
                stats.increment(StatCounter.BAD_MESSAGES);
        }
    }

    @Override
    public void onClose()
    {
        stats.publish();
    }

    @Override
    public String roleName()
    {
        return "dms-node-" + self;
    }
}
