package io.respool.dms;

import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.respool.dms.MessageDescriptor.*;

/**
 * Requester side of global locks. Application threads wait on a {@link Pending}; the agent sends the request to
 * the resource's master and resends it until answered, and resends releases until acknowledged. A wait that times
 * out cancels its request; if the grant raced the cancel, the lock is released again, so no lock is ever left
 * held by nobody.
 */
final class LockClient
{
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int DENIED = 2;
    static final int CANCELLED = 3;

    static final class Pending
    {
        final long resourceId;
        final LockMode mode;
        final boolean tryOnly;
        final long serial;
        final Thread waiter;
        final AtomicInteger state = new AtomicInteger(WAITING);
        long startNs;
        long nextRetryNs;

        Pending(final long resourceId, final LockMode mode, final boolean tryOnly, final long serial)
        {
            this.resourceId = resourceId;
            this.mode = mode;
            this.tryOnly = tryOnly;
            this.serial = serial;
            this.waiter = Thread.currentThread();
        }
    }

    private static final long MISSING = Long.MIN_VALUE;

    private final int self;
    private final NodeServices services;
    private final long retryIntervalNs;
    private final long driveNs;
    private NodeAgent agent;
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();
    /** The locks this node holds, by token, with the resource and the mode: what a reform rebuilds them from. */
    private final Long2ObjectHashMap<Pending> held = new Long2ObjectHashMap<>();
    private final Long2LongHashMap releasing = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap releaseRetryNs = new Long2LongHashMap(MISSING);

    LockClient(final DmsContext ctx, final NodeServices services)
    {
        this.self = ctx.nodeId();
        this.services = services;
        this.retryIntervalNs = ctx.retryIntervalNs();
        this.driveNs = ctx.waitDriveNs();
    }

    /**
     * @param agent runs the node's duty cycles on a waiting thread ({@link NodeAgent#driveWhile}).
     */
    void agent(final NodeAgent agent)
    {
        this.agent = agent;
    }

    // ---------------------------------------------------------------- application threads

    long lock(final long resourceId, final LockMode mode, final boolean tryOnly, final long timeoutNs)
    {
        if (mode != LockMode.S && mode != LockMode.X)
        {
            throw new IllegalArgumentException("lock needs mode S or X: resourceId=" + resourceId + ", mode=" + mode);
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final Pending p = new Pending(resourceId, mode, tryOnly, services.nextSerial());
        if (!services.gate().isOpen())
        {
            services.gate().countWait();
        }
        services.commands().offer(() -> onLockCommand(p));
        while (p.state.get() == WAITING)
        {
            services.checkOpen();
            final long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                if (p.state.compareAndSet(WAITING, CANCELLED))
                {
                    services.commands().offer(() -> onCancel(p));
                    throw new DmsTimeoutException("global lock timed out: nodeId=" + self + ", resourceId=" +
                        resourceId + ", mode=" + mode + ", master=" + services.masterOf(resourceId) +
                        ", timeoutNs=" + timeoutNs + "; the request is cancelled, retry later");
                }
                break;
            }
            if (!agent.driveWhile(() -> p.state.get() == WAITING, Math.min(driveNs, remainingNs)))
            {
                LockSupport.parkNanos(this, Math.min(remainingNs, 10_000_000L));
            }
            if (Thread.interrupted())
            {
                if (p.state.compareAndSet(WAITING, CANCELLED))
                {
                    services.commands().offer(() -> onCancel(p));
                }
                Thread.currentThread().interrupt();
                throw new DmsException(DmsErrorCode.INTERRUPTED,
                    "interrupted while waiting for a global lock: resourceId=" + resourceId);
            }
        }
        return p.state.get() == GRANTED ? p.serial : 0;
    }

    void unlock(final long token)
    {
        services.commands().offer(() -> onUnlockCommand(token));
    }

    // ---------------------------------------------------------------- agent thread

    private void onLockCommand(final Pending p)
    {
        if (p.state.get() != WAITING)
        {
            return;
        }
        final long nowNs = services.nowNs();
        p.startNs = nowNs;
        p.nextRetryNs = nowNs + retryIntervalNs;
        pending.put(p.serial, p);
        send(p);
    }

    private void send(final Pending p)
    {
        services.proxy().lockRequest(services.masterOf(p.resourceId), p.resourceId, p.mode, p.serial,
            p.tryOnly ? FLAG_TRY : 0);
    }

    private void onCancel(final Pending p)
    {
        pending.remove(p.serial);
        startRelease(p.serial, p.resourceId);
    }

    private void onUnlockCommand(final long token)
    {
        final Pending lock = held.remove(token);
        if (lock == null)
        {
            throw new IllegalStateException("unlock of a lock not held: nodeId=" + self + ", token=" + token +
                "; unlock each token from lock/tryLock exactly once");
        }
        startRelease(token, lock.resourceId);
    }

    private void startRelease(final long serial, final long resourceId)
    {
        releasing.put(serial, resourceId);
        releaseRetryNs.put(serial, services.nowNs() + retryIntervalNs);
        services.proxy().lockRelease(services.masterOf(resourceId), resourceId, serial);
    }

    void onLockReply(final MessageFlyweight msg)
    {
        final long serial = msg.serial();
        final boolean granted = msg.status() == STATUS_OK;
        final Pending p = pending.remove(serial);
        if (p == null)
        {
            if (granted && !held.containsKey(serial) && !releasing.containsKey(serial))
            {
                startRelease(serial, msg.resourceId());
            }
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        services.stats().record(StatEvent.LOCK_WAIT, services.nowNs() - p.startNs);
        if (granted)
        {
            held.put(serial, p);
            if (p.state.compareAndSet(WAITING, GRANTED))
            {
                services.stats().increment(StatCounter.LOCKS_GRANTED);
            }
            else
            {
                held.remove(serial);
                startRelease(serial, p.resourceId);
            }
        }
        else if (p.state.compareAndSet(WAITING, DENIED))
        {
            services.stats().increment(StatCounter.LOCKS_DENIED);
        }
        LockSupport.unpark(p.waiter);
    }

    void onLockReleaseAck(final MessageFlyweight msg)
    {
        releasing.remove(msg.serial());
        releaseRetryNs.remove(msg.serial());
    }

    /** The locks this node holds, for a reform's rebuild. Agent only. */
    Iterable<Pending> held()
    {
        return held.values();
    }

    /** The access gate opened after a reform: send every request and release out again now, to the new masters. */
    int resendAll(final long nowNs)
    {
        for (final Pending p : pending.values())
        {
            p.nextRetryNs = nowNs;
        }
        final Long2LongHashMap.KeyIterator it = releaseRetryNs.keySet().iterator();
        while (it.hasNext())
        {
            releaseRetryNs.put(it.nextValue(), nowNs);
        }
        return retransmitTimers(nowNs);
    }

    int retransmitTimers(final long nowNs)
    {
        if (!services.gate().isOpen())
        {
            // a reform rebuilds the lock masters: what is out goes again once the gate opens
            return 0;
        }
        int work = 0;
        for (final Pending p : pending.values())
        {
            if (nowNs - p.nextRetryNs >= 0)
            {
                p.nextRetryNs = nowNs + retryIntervalNs;
                send(p);
                work++;
            }
        }
        final Long2LongHashMap.KeyIterator it = releaseRetryNs.keySet().iterator();
        while (it.hasNext())
        {
            final long serial = it.nextValue();
            if (nowNs - releaseRetryNs.get(serial) >= 0)
            {
                releaseRetryNs.put(serial, nowNs + retryIntervalNs);
                final long resourceId = releasing.get(serial);
                services.proxy().lockRelease(services.masterOf(resourceId), resourceId, serial);
                work++;
            }
        }
        return work;
    }
}
