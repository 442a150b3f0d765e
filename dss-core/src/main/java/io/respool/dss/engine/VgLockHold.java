package io.respool.dss.engine;

import io.respool.dss.DssException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This instance's hold on the volume-group lock, shared by its threads. Metadata changes run between
 * {@link #enter()} and {@link #exit()}. The first thread in takes the external {@link VgLock} and brings the state up
 * to date ({@link HeadPublisher#takeOver}); the instance's other threads share the hold, so their records are still
 * group-committed. The lock is released {@link #LINGER_MS} after the last share left, so that a burst of changes
 * does not pay for the lock each time; held longer than {@link #MAX_HOLD_MS}, it is drained: no new share until it
 * was released, so that other instances get their turn.
 * <pre>
 *   FREE --first enter--> ACQUIRING --lock taken--> HELD --enter after MAX_HOLD_MS--> DRAINING
 *   ACQUIRING --failed--> FREE      HELD --no share for LINGER_MS--> FREE      DRAINING --last share left--> FREE
 * </pre>
 * Every change goes through {@link #state(State, long, String)}. The state is guarded by the hold lock; the
 * coordination agent ({@link #doWork}) releases, the instance's threads acquire.
 * <p>
 * Lock order: see "Lock order" in dss-core/DESIGN.md. {@link #enter} takes the VG lock, the gate and the catch-up
 * with the hold lock released (ACQUIRING stands in for it, so other threads of this instance wait on the
 * hold, not the VG lock); {@link #doWork}, {@link #close} and {@link #runIfFree} call into the engine under it. So
 * no caller may hold the metadata lock when it calls {@link #enter} or {@link #runIfFree}.
 */
final class VgLockHold
{
    static final long LINGER_MS = 10;
    static final long LOCK_TIMEOUT_MS = 30_000;
    /** Longest a busy instance keeps the lock while others may wait for it. */
    static final long MAX_HOLD_MS = 500;
    /** How long an instance that drained the lock for others waits before it takes the lock back. */
    static final long DRAIN_GRACE_MS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(VgLockHold.class);

    /**
     * Where the hold is. Codes are stable: they may be shown or counted.
     */
    enum State
    {
        /** The external lock is not this instance's. */
        FREE(0),
        /** One thread is taking the external lock; the others wait. */
        ACQUIRING(1),
        /** This instance holds the lock; threads may take shares. */
        HELD(2),
        /** Held too long: no new share until the last one left and the lock was released. */
        DRAINING(3);

        private final int code;

        State(final int code)
        {
            if (code != ordinal())
            {
                throw new IllegalStateException(name() + ": code " + code + " must equal its ordinal " + ordinal());
            }
            this.code = code;
        }

        int code()
        {
            return code;
        }
    }

    private final String vgName;
    private final int instanceId;
    private final VgLock vgLock;
    private final FenceGate gate;
    private final HeadPublisher head;
    private final CoordinationClock clock;
    private final ReentrantLock holdLock = new ReentrantLock();
    private final Condition holdChanged = holdLock.newCondition();

    private volatile State state = State.FREE;
    private long stateChangedMs;
    private int holders;
    private long lingerDeadlineMs;
    private long heldSinceMs;
    private volatile long drainedAtMs;

    VgLockHold(
        final String vgName, final int instanceId, final VgLock vgLock, final FenceGate gate, final HeadPublisher head,
        final CoordinationClock clock)
    {
        this.vgName = vgName;
        this.instanceId = instanceId;
        this.vgLock = vgLock;
        this.gate = gate;
        this.head = head;
        this.clock = clock;
    }

    State state()
    {
        return state;
    }

    /**
     * Take a share of this instance's hold on the volume-group lock, acquiring it if this is the first. Never nested:
     * {@link ChangeRunner#mutate} takes one share for the outermost change of a thread (a nested share taken while
     * the hold drains would wait for its own thread).
     */
    void enter()
    {
        holdLock.lock();
        try
        {
            while (true)
            {
                final long nowMs = clock.monotonicMs();
                if (state == State.HELD && nowMs - heldSinceMs > MAX_HOLD_MS)
                {
                    state(State.DRAINING, nowMs, "held over " + MAX_HOLD_MS + " ms: other instances get their turn");
                }
                if (state == State.HELD)
                {
                    holders++;
                    return;
                }
                if (state == State.FREE)
                {
                    state(State.ACQUIRING, nowMs, "first share");
                    break;
                }
                clock.await(holdLock, holdChanged, Coordinator.TICK_MS);
            }
        }
        finally
        {
            holdLock.unlock();
        }
        boolean ok = false;
        try
        {
            acquireExternal();
            ok = true;
        }
        finally
        {
            holdLock.lock();
            try
            {
                final long nowMs = clock.monotonicMs();
                if (ok)
                {
                    heldSinceMs = nowMs;
                    holders++;
                    state(State.HELD, nowMs, "lock taken");
                }
                else
                {
                    state(State.FREE, nowMs, "lock not taken");
                }
                holdChanged.signalAll();
            }
            finally
            {
                holdLock.unlock();
            }
        }
    }

    private void acquireExternal()
    {
        // Just gave the lock up for others: give their polling a moment before taking it back.
        for (long sinceDrain; (sinceDrain = clock.monotonicMs() - drainedAtMs) < DRAIN_GRACE_MS; )
        {
            clock.pauseMs(DRAIN_GRACE_MS - sinceDrain);
        }
        if (gate.isClosed())
        {
            throw gate.refused("metadata change on volume group " + vgName);
        }
        vgLock.acquire(LOCK_TIMEOUT_MS);
        boolean ok = false;
        try
        {
            if (!gate.tryEnter())
            {
                throw gate.refused("metadata change on volume group " + vgName);
            }
            try
            {
                head.takeOver();
            }
            finally
            {
                gate.exit();
            }
            ok = true;
        }
        finally
        {
            if (!ok)
            {
                vgLock.release();
            }
        }
    }

    void exit()
    {
        holdLock.lock();
        try
        {
            if (--holders == 0)
            {
                lingerDeadlineMs = state == State.DRAINING ? 0 : clock.monotonicMs() + LINGER_MS;
            }
        }
        finally
        {
            holdLock.unlock();
        }
    }

    /**
     * Run {@code action} while nobody in this instance holds or is taking the lock, keeping it so.
     *
     * @return the action's result, or false if the lock was this instance's (then nobody else can write).
     */
    boolean runIfFree(final BooleanSupplier action)
    {
        holdLock.lock();
        try
        {
            return state == State.FREE && action.getAsBoolean();
        }
        finally
        {
            holdLock.unlock();
        }
    }

    /**
     * Check, immediately before a metadata write (a log batch, the head, the root, zeroing AUs just allocated), that
     * the volume-group lock is still this instance's: for a lease, renewed recently enough and not taken over.
     *
     * @throws DssException VOLUME_IN_USE if it may not be; nothing may be written then.
     */
    void checkStillHeld()
    {
        vgLock.checkBeforeWrite(clock.monotonicMs());
    }

    /**
     * The agent's part: release the lock once the last share left and the linger passed (at once when draining).
     *
     * @return work done.
     */
    int doWork(final long nowMs)
    {
        holdLock.lock();
        try
        {
            if (isHeldExternally() && holders == 0 && nowMs - lingerDeadlineMs >= 0)
            {
                final boolean drained = state == State.DRAINING;
                try
                {
                    releaseExternal();
                }
                finally
                {
                    if (drained)
                    {
                        drainedAtMs = nowMs;
                    }
                    state(State.FREE, nowMs, drained ? "drained" : "idle for " + LINGER_MS + " ms");
                    holdChanged.signalAll();
                }
                return 1;
            }
            return 0;
        }
        finally
        {
            holdLock.unlock();
        }
    }

    /**
     * Release the lock if held, whatever the shares: the instance is closing.
     */
    void close()
    {
        holdLock.lock();
        try
        {
            if (isHeldExternally())
            {
                try
                {
                    releaseExternal();
                }
                finally
                {
                    state(State.FREE, clock.monotonicMs(), "closed");
                    holdChanged.signalAll();
                }
            }
        }
        finally
        {
            holdLock.unlock();
        }
    }

    private boolean isHeldExternally()
    {
        return state == State.HELD || state == State.DRAINING;
    }

    /**
     * Make every staged record durable and publish a clean head before another instance may take the lock; a
     * fenced instance, or one whose lease ran out (it was paused), writes neither, and leaves the head "held" so
     * that the next holder seals the log's end.
     */
    private void releaseExternal()
    {
        try
        {
            gate.enter("release of the volume-group lock");
            try
            {
                head.handOver();
            }
            finally
            {
                gate.exit();
            }
        }
        catch (final DssException ex)
        {
            switch (ex.errorCode())
            {
                case FENCED -> head.abandon("fenced before they were written");
                case VOLUME_IN_USE -> head.abandon("the SHARE_DISK lease was lost before they were written");
                default -> throw ex;
            }
        }
        finally
        {
            vgLock.release();
        }
    }

    /**
     * The one way the state changes. Called with the hold lock held.
     */
    private void state(final State next, final long nowMs, final String reason)
    {
        if (LOG.isDebugEnabled())
        {
            LOG.debug("vg-lock hold: vg={}, instance={}, {} -> {} after {} ms: {}", vgName, instanceId, state, next,
                nowMs - stateChangedMs, reason);
        }
        state = next;
        stateChangedMs = nowMs;
    }
}
