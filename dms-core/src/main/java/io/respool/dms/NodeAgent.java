package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.NodeList;
import io.respool.dms.stat.StatCounter;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The one agent of a node. Its duty cycle runs under a lock, normally on the agent thread, but an application
 * thread waiting for an answer runs it itself meanwhile ({@link #driveWhile}); either way one thread at a time owns
 * the node's state. Each duty cycle reads the clock once (a {@link NanoClock}, so that a test can step it
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
    private final PeerIncarnations peers;
    private final StartHandshake handshake;
    /** Which start of this node this is. */
    private final long incarnation;
    /** Bitmap of the peers whose newest incarnation is refused: they restarted while the cluster ran on. */
    private long refused;
    private final Transport transport;
    private final NodeServices services;
    private final NodeStats stats;
    private final PageClient pageClient;
    private final PageOwner pageOwner;
    private final DrcMaster drc;
    private final LockMaster lockMaster;
    private final LockClient lockClient;
    private final Broadcaster broadcaster;
    private final Reform reform;
    private final long statsIntervalNs;
    private final NanoClock clock;
    private final MessageFlyweight inbound = new MessageFlyweight();
    private long nextTimerNs;
    private long nextStatsNs;
    private long nextTombstoneExpiryNs;
    private final ReentrantLock duty = new ReentrantLock();
    private final AtomicInteger drivers = new AtomicInteger();
    private final ErrorHandler errorHandler;

    NodeAgent(
        final DmsContext ctx,
        final Reform reform,
        final PeerIncarnations peers,
        final StartHandshake handshake,
        final long incarnation,
        final Transport transport,
        final NodeServices services,
        final PageClient pageClient,
        final PageOwner pageOwner,
        final DrcMaster drc,
        final LockMaster lockMaster,
        final LockClient lockClient,
        final Broadcaster broadcaster,
        final NanoClock clock,
        final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.self = ctx.nodeId();
        this.peers = peers;
        this.handshake = handshake;
        this.reform = reform;
        this.incarnation = incarnation;
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

    /**
     * The agent thread's duty cycle: run {@link #dutyCycle()} unless an application thread is driving the node
     * while it waits for an answer, in which case there is nothing to do (and the idle strategy yields).
     */
    @Override
    public int doWork()
    {
        if (drivers.get() > 0)
        {
            // an application thread runs the cycles while it waits: stay out of its way, but do not park, since
            // waking a parked thread (on a VM, perhaps a halted virtual CPU) costs far more than a round trip
            return 0;
        }
        if (!duty.tryLock())
        {
            return 0;
        }
        try
        {
            return dutyCycle();
        }
        finally
        {
            duty.unlock();
        }
    }

    /**
     * Wait, as an application thread, for up to {@code driveNs} while {@code waiting} holds, running the node's duty
     * cycles meanwhile (a caller-runs wait): the thread that waits for an answer polls for it itself, so that
     * neither handing the request to the agent thread nor waking the waiter when the answer comes costs a context
     * switch (on 2 cores, the two together cost about half a 2-way fetch). The agent thread stays out of the way
     * meanwhile, yielding. Between cycles with nothing to do the driver yields too. Only one thread drives a node at
     * a time.
     *
     * @param waiting true while the caller still waits.
     * @param driveNs how long to drive before giving up (the caller then blocks and the agent thread takes over).
     * @return true if the wait ended; false if the time ran out, the node closed or another thread drives it.
     */
    boolean driveWhile(final BooleanSupplier waiting, final long driveNs)
    {
        if (drivers.incrementAndGet() > 1)
        {
            // one driver per node is enough: the others block and are woken as usual
            stopDriving();
            return false;
        }
        try
        {
            final long endNs = System.nanoTime() + driveNs;
            while (waiting.getAsBoolean())
            {
                if (System.nanoTime() - endNs >= 0 || services.isClosed())
                {
                    return false;
                }
                if (driveOnce() <= 0)
                {
                    Thread.yield();
                }
            }
            return true;
        }
        finally
        {
            stopDriving();
        }
    }

    private void stopDriving()
    {
        drivers.decrementAndGet();
    }

    /**
     * One duty cycle on an application thread, if no other thread is running one and the node is open. Errors go
     * to the node's error handler, as on the agent thread.
     *
     * @return work done, or -1 if the cycle did not run.
     */
    private int driveOnce()
    {
        if (!duty.tryLock())
        {
            return -1;
        }
        try
        {
            return services.isClosed() ? -1 : dutyCycle();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            return 0;
        }
        finally
        {
            duty.unlock();
        }
    }

    /**
     * Wait until no duty cycle runs; after {@link NodeServices#close()} none starts again, so the transport may be
     * closed.
     */
    void awaitNoDutyCycle()
    {
        duty.lock();
        duty.unlock();
    }

    /**
     * One duty cycle, by whichever thread holds the duty lock: that lock is what makes the node's state
     * single-writer.
     */
    int dutyCycle()
    {
        assert duty.isHeldByCurrentThread() : "a duty cycle runs under the duty lock: call doWork or driveWhile";
        final long nowNs = clock.nanoTime();
        services.nowNs(nowNs);
        // requests from application threads first, so that the driver sends them in this cycle
        int work = services.commands().drain(COMMAND_LIMIT);
        work += transport.invoke();
        work += transport.poll();
        work += pageOwner.doDeferred();
        work += reform.doWork(nowNs);
        if (nowNs - nextTimerNs >= 0)
        {
            nextTimerNs = nowNs + TIMER_INTERVAL_NS;
            work += pageClient.retransmitTimers(nowNs);
            work += drc.redriveTimers(nowNs);
            work += lockClient.retransmitTimers(nowNs);
            work += broadcaster.retransmitTimers(nowNs);
            work += handshake.doWork(nowNs);
            if (nowNs - nextStatsNs >= 0)
            {
                nextStatsNs = nowNs + statsIntervalNs;
                stats.set(StatCounter.PAGE_LOCAL_HITS, pageClient.localHits());
                stats.set(StatCounter.REQUESTS_WAITED_FOR_REFORM, services.gate().waited());
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
        if (msg.version() != MessageDescriptor.CURRENT_VERSION || type == null || msg.destinationNode() != self ||
            msg.totalLength() > length)
        {
            stats.increment(StatCounter.BAD_MESSAGES);
            return;
        }
        if (!admit(msg, type.isReform()))
        {
            return;
        }
        if (type.movesHoldings() && services.gate().stage() == AccessGate.Stage.CLOSED)
        {
            // holdings freeze at DRC_INACCESS: only the old epoch's directory can have sent this, stamped with the
            // new epoch (DESIGN.md, "Why one writer per page holds across a reform")
            stats.increment(StatCounter.GATE_DROPS);
            return;
        }
        final long nowNs = services.nowNs();
        switch (type)
        {
            case ASK_MASTER -> drc.onAskMaster(msg, nowNs);
            case ASK_OWNER -> pageOwner.onAskOwner(msg);
            case GRANT, ALREADY_OWNER, PAGE_READY -> pageClient.onReply(type, msg);
            case CLAIM -> drc.onClaim(msg, nowNs);
            case INVALIDATE -> pageOwner.onInvalidate(msg);
            case INVALIDATE_ACK -> drc.onInvalidateAck(msg, nowNs);
            case RELEASE -> drc.onRelease(msg, nowNs);
            case RELEASE_ACK -> pageClient.onReleaseAck(msg);
            case CLEAN_EDP -> drc.onCleanEdp(msg);
            case EDP_CLEANED -> pageOwner.onEdpCleaned(msg);
            case CKPT_EDP -> drc.onCkptEdp(msg);
            case OWNER_CKPT_EDP -> pageOwner.onOwnerCkptEdp(msg);
            case LOCK_REQUEST -> lockMaster.onLockRequest(msg, nowNs);
            case LOCK_REPLY -> lockClient.onLockReply(msg);
            case LOCK_RELEASE -> lockMaster.onLockRelease(msg, nowNs);
            case LOCK_RELEASE_ACK -> lockClient.onLockReleaseAck(msg);
            case BROADCAST -> broadcaster.onBroadcast(msg, nowNs);
            case BROADCAST_ACK -> broadcaster.onBroadcastAck(msg, nowNs);
            case REFUSED -> onRefused(msg);
            case CANCEL -> drc.onCancel(msg, nowNs);
            case CANCEL_ACK -> pageClient.onCancelAck(msg);
            case REFORM_STEP -> reform.onReformStep(msg);
            case REFORM_ACK -> reform.onReformAck(msg);
            case REBUILD -> reform.onRebuild(msg);
            case REBUILD_ACK -> reform.onRebuildAck(msg);
            case HELLO -> services.proxy().helloAck(msg.sourceNode());
            case HELLO_ACK -> handshake.onHelloAck(msg, nowNs);
            default -> stats.increment(StatCounter.BAD_MESSAGES);
        }
    }

    /**
     * Drop, and count, a message of another membership epoch or partition map, from a node outside the view, or
     * from a dead incarnation of its sender. Reform traffic carries its own epoch and passes between nodes that move
     * to a new one at different moments: {@link Reform} checks it.
     *
     * @return whether the message may be handled.
     */
    private boolean admit(final MessageFlyweight msg, final boolean reformMessage)
    {
        final int epoch = msg.membershipVersion();
        final int current = services.epoch();
        if (!reformMessage && epoch != current)
        {
            stats.increment(epoch < current ? StatCounter.STALE_EPOCH : StatCounter.MEMBERSHIP_MISMATCH);
            return false;
        }
        if (!reformMessage && msg.partitionMapVersion() != services.partitionMap().version())
        {
            // the sender would find another master for the resource: nothing it asks can be served here
            stats.increment(StatCounter.PARTITION_MAP_MISMATCH);
            return false;
        }
        final int source = msg.sourceNode();
        if (source >= NodeList.MAX_NODES)
        {
            stats.increment(StatCounter.BAD_MESSAGES);
            return false;
        }
        if (!reformMessage && (services.members() & (1L << source)) == 0)
        {
            stats.increment(StatCounter.NOT_MEMBER);
            return false;
        }
        final long sourceIncarnation = msg.sourceIncarnation();
        final int seen = peers.admit(source, sourceIncarnation);
        final MembershipView served = reform.served();
        if (seen == PeerIncarnations.CURRENT && served != null && epoch == served.version() &&
            current == served.version() && served.isMember(source))
        {
            peers.heardInServedView(source, sourceIncarnation);
        }
        if (seen == PeerIncarnations.DEAD)
        {
            stats.increment(StatCounter.DEAD_INCARNATION);
            return false;
        }
        if (seen == PeerIncarnations.RESTARTED_CLEAN)
        {
            // a reform that removed its previous incarnation left nothing of it here (this node may first hear
            // of the new one after the reform that took it back)
            stats.increment(StatCounter.PEER_RESTARTS);
            refused &= ~(1L << source);
        }
        if (seen == PeerIncarnations.RESTARTED)
        {
            // this node may hold state from its dead incarnation (ownership, copies, locks); unless a reform
            // rebuilds it, serving the new one would hand out pages and locks twice
            stats.increment(StatCounter.PEER_RESTARTS);
            refused |= 1L << source;
        }
        if ((refused & (1L << source)) != 0 && reform.acceptsRestart(source, reformMessage, epoch))
        {
            refused &= ~(1L << source);
        }
        if ((refused & (1L << source)) != 0)
        {
            stats.increment(StatCounter.REFUSED_PEER_MESSAGES);
            services.proxy().refused(source, sourceIncarnation);
            return false;
        }
        return true;
    }

    private void onRefused(final MessageFlyweight msg)
    {
        if (msg.resourceId() != incarnation)
        {
            stats.increment(StatCounter.STALE_MESSAGES);
            return;
        }
        final String reason = "node refused by its peers: nodeId=" + self + ", refusedBy=" + msg.sourceNode() +
            ", incarnation=" + incarnation + "; it restarted while the cluster ran on, and a fixed membership " +
            "cannot take it back (that needs a reform): stop every node and start the cluster again";
        if (!services.isFailed())
        {
            services.fail(reason);
            errorHandler.onError(new DmsException(DmsErrorCode.REFUSED, reason));
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
