package io.respool.dms;

import io.respool.dms.api.BroadcastHandler;
import io.respool.dms.api.DmsContext;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * Broadcast with acknowledgements: the sender resends to every node that has not acknowledged yet; a receiver runs
 * its handler once per (sender, serial) and acknowledges every copy. Used for catalog invalidation and DDL lock
 * messages.
 */
final class Broadcaster
{
    static final class Pending
    {
        final long serial;
        final UnsafeBuffer payload;
        long targets;
        final Thread waiter = Thread.currentThread();
        long acked;
        volatile boolean done;
        long startNs;
        long nextRetryNs;

        Pending(final long serial, final UnsafeBuffer payload, final long targets)
        {
            this.serial = serial;
            this.payload = payload;
            this.targets = targets;
        }
    }

    private final NodeServices services;
    private final BroadcastHandler handler;
    private final ErrorHandler errorHandler;
    private final int self;
    private volatile long peers;
    private final long retryIntervalNs;
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();

    Broadcaster(final DmsContext ctx, final NodeServices services, final long peers)
    {
        this.services = services;
        this.handler = ctx.broadcastHandler();
        this.errorHandler = ctx.errorHandler();
        this.self = ctx.nodeId();
        this.peers = peers;
        this.retryIntervalNs = ctx.retryIntervalNs();
    }

    /** Application thread. */
    boolean broadcast(final DirectBuffer buffer, final int offset, final int length, final long timeoutNs)
    {
        if (peers == 0)
        {
            return true;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final Pending p = new Pending(services.nextSerial(), new UnsafeBuffer(copy), peers);
        services.commands().offer(() -> onBroadcastCommand(p));
        while (!p.done)
        {
            services.checkOpen();
            final long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                services.commands().offer(() -> pending.remove(p.serial));
                return false;
            }
            LockSupport.parkNanos(this, Math.min(remainingNs, 10_000_000L));
        }
        return true;
    }

    private void onBroadcastCommand(final Pending p)
    {
        final long nowNs = services.nowNs();
        p.startNs = nowNs;
        p.nextRetryNs = nowNs + retryIntervalNs;
        pending.put(p.serial, p);
        sendTo(p, p.targets);
    }

    private void sendTo(final Pending p, final long nodes)
    {
        long remaining = nodes;
        while (remaining != 0)
        {
            final int node = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            services.proxy().broadcast(node, p.serial, p.payload, 0, p.payload.capacity());
        }
    }

    void onBroadcast(final MessageFlyweight msg, final long nowNs)
    {
        final int from = msg.sourceNode();
        final long serial = msg.serial();
        int status = 0;
        if (!services.tombstones().contains(from, serial))
        {
            services.tombstones().add(from, serial, nowNs);
            services.stats().increment(StatCounter.BROADCASTS_RECEIVED);
            try
            {
                status = handler.onBroadcast(from, msg.buffer(), msg.payloadOffset(), msg.payloadLength());
            }
            catch (final Exception ex)
            {
                services.stats().increment(StatCounter.ERRORS);
                errorHandler.onError(ex);
                status = 255;
            }
        }
        services.proxy().broadcastAck(from, serial, status);
    }

    void onBroadcastAck(final MessageFlyweight msg, final long nowNs)
    {
        final Pending p = pending.get(msg.serial());
        if (p == null)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        p.acked |= 1L << msg.sourceNode();
        if ((p.acked & p.targets) == p.targets)
        {
            pending.remove(p.serial);
            services.stats().record(StatEvent.BROADCAST, nowNs - p.startNs);
            p.done = true;
            LockSupport.unpark(p.waiter);
        }
    }

    /**
     * A reform changed the members: broadcast to them from now on, and stop waiting for nodes that left (a broadcast
     * that waited only on them is done).
     *
     * @param members bitmap of the members.
     */
    void members(final long members)
    {
        peers = members & ~(1L << self);
        for (final Pending p : pending.values().toArray(new Pending[0]))
        {
            p.targets &= peers;
            if ((p.acked & p.targets) == p.targets)
            {
                pending.remove(p.serial);
                p.done = true;
                LockSupport.unpark(p.waiter);
            }
        }
    }

    int retransmitTimers(final long nowNs)
    {
        int work = 0;
        for (final Pending p : pending.values())
        {
            if (nowNs - p.nextRetryNs >= 0)
            {
                p.nextRetryNs = nowNs + retryIntervalNs;
                sendTo(p, p.targets & ~p.acked);
                work++;
            }
        }
        return work;
    }
}
