package io.respool.dms;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsTimeoutException;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

import static io.respool.dms.MessageDescriptor.*;

/**
 * The requester side of cache fusion on one node: application threads acquire, unlatch and release pages; the
 * agent sends requests to masters, resends them until answered, installs grants and shipped pages, and claims
 * ownership. Methods named {@code on*} and {@code *Timers} run on the agent thread; the others on application
 * threads. State per page is in {@link LocalPage}, guarded by its monitor.
 */
final class PageClient
{
    /** {@link #tryLatch}: latched. */
    static final int LATCHED = 0;
    /** {@link #tryLatch}: latched; load the page from disk before using it. */
    static final int LATCHED_MUST_LOAD = 1;
    /** {@link #tryLatch}: a request was sent now; wait. */
    static final int ISSUED = 2;
    /** {@link #tryLatch}: a request or a revoke is in progress; wait. */
    static final int MUST_WAIT = 3;
    /** {@link #tryLatch}: the page was dropped; start again. */
    static final int PAGE_REMOVED = 4;

    private final int self;
    private final int pageSize;
    private final PageStore store;
    private final NodeServices services;
    private final ConcurrentHashMap<Long, LocalPage> pages;
    private final ArrayList<LocalPage> requesting = new ArrayList<>();
    private final ArrayList<LocalPage> releasing = new ArrayList<>();
    /** Pages whose requests wait for a reform's access gate: woken when it opens. */
    private final ConcurrentLinkedQueue<LocalPage> gateWaiters = new ConcurrentLinkedQueue<>();
    private final LongAdder localHits = new LongAdder();
    private final long retryIntervalNs;
    private final long driveNs;
    private NodeAgent agent;

    PageClient(final DmsContext ctx, final NodeServices services, final ConcurrentHashMap<Long, LocalPage> pages)
    {
        this.self = ctx.nodeId();
        this.pageSize = ctx.pageSize();
        this.store = ctx.pageStore();
        this.services = services;
        this.pages = pages;
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

    AcquireResult acquire(final long pageId, final LockMode mode, final long timeoutNs)
    {
        return acquire(pageId, mode, timeoutNs, false);
    }

    /**
     * @param recovery the database's recovery asks: served while a reform's gate admits recovery only.
     */
    AcquireResult acquire(final long pageId, final LockMode mode, final long timeoutNs, final boolean recovery)
    {
        if (mode != LockMode.S && mode != LockMode.X)
        {
            throw new IllegalArgumentException("acquirePage needs mode S or X: pageId=" + pageId + ", mode=" + mode);
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            final LocalPage lp = pages.computeIfAbsent(pageId, LocalPage::new);
            boolean issued = false;
            int outcome;
            AcquireResult result = AcquireResult.FROM_DISK;
            while (true)
            {
                final int observed;
                synchronized (lp)
                {
                    services.checkOpen();
                    outcome = tryLatch(lp, mode, recovery);
                    if (outcome == LATCHED)
                    {
                        result = issued ? lp.lastResult : AcquireResult.LOCAL_HIT;
                    }
                    if (outcome != MUST_WAIT && outcome != ISSUED)
                    {
                        break;
                    }
                    issued |= outcome == ISSUED;
                    final long remainingNs = deadlineNs - System.nanoTime();
                    if (remainingNs <= 0)
                    {
                        throw onAcquireTimeout(lp, mode);
                    }
                    observed = lp.changes;
                    if (driveNs == 0)
                    {
                        waitOn(lp, remainingNs);
                        continue;
                    }
                }
                final long driveForNs = Math.min(driveNs, deadlineNs - System.nanoTime());
                if (!agent.driveWhile(() -> lp.changes == observed, driveForNs))
                {
                    synchronized (lp)
                    {
                        if (lp.changes == observed)
                        {
                            waitOn(lp, deadlineNs - System.nanoTime());
                        }
                    }
                }
            }
            if (outcome == PAGE_REMOVED)
            {
                // released and dropped while we waited: start again on the page's new state
                continue;
            }
            if (outcome == LATCHED_MUST_LOAD)
            {
                load(lp);
            }
            if (result == AcquireResult.LOCAL_HIT)
            {
                localHits.increment();
            }
            return result;
        }
    }

    /**
     * One attempt to latch the page, under its monitor and without waiting: latch it if this node's mode covers
     * {@code mode} and no revoke, load or release is in the way; otherwise send a request for the mode unless one
     * is out. The blocking {@link #acquire} is a loop over this; a deterministic test calls it directly.
     *
     * @return {@link #LATCHED}; {@link #LATCHED_MUST_LOAD} (latched, and the caller must {@link #load} the page
     * from disk first); {@link #ISSUED} or {@link #MUST_WAIT} (not latched: wait for the page to change, then try
     * again); or {@link #PAGE_REMOVED} (the page was released and dropped: start again with a new one).
     */
    int tryLatch(final LocalPage lp, final LockMode mode)
    {
        return tryLatch(lp, mode, false);
    }

    /**
     * {@link #tryLatch(LocalPage, LockMode)}, for the database's recovery if {@code recovery}. While a reform's
     * access gate holds requests back, a page held already is latched as ever, and a request waits.
     */
    int tryLatch(final LocalPage lp, final LockMode mode, final boolean recovery)
    {
        assert Thread.holdsLock(lp) : "tryLatch runs under the page's monitor: synchronized (lp)";
        if (lp.removed)
        {
            return PAGE_REMOVED;
        }
        if (lp.canLatch(mode))
        {
            if (!recovery && lp.recoveryEpoch == services.epoch() && !services.gate().isOpen())
            {
                // taken for the database's recovery in this reform: until the recovery is done its image may be
                // older than the removed node's WAL
                waitForGate(lp);
                return MUST_WAIT;
            }
            lp.latch(mode);
            if (lp.needLoad)
            {
                lp.needLoad = false;
                lp.loading = true;
                return LATCHED_MUST_LOAD;
            }
            return LATCHED;
        }
        if (!lp.mode.covers(mode) && lp.request == LocalPage.Request.IDLE && !lp.isReleasing())
        {
            if (!services.gate().admits(recovery))
            {
                waitForGate(lp);
                return MUST_WAIT;
            }
            lp.request(LocalPage.Request.ISSUED, "acquire needs a mode not held");
            lp.requestSerial = services.nextSerial();
            lp.requestMode = mode;
            lp.requestRecovery = recovery;
            services.commands().offer(() -> onRequestCommand(lp));
            return ISSUED;
        }
        if (recovery && services.gate().admits(true) && !lp.requestRecovery &&
            (lp.request == LocalPage.Request.ISSUED ||
            (lp.request == LocalPage.Request.SENT && lp.requestEpoch != services.epoch())))
        {
            takeOverForRecovery(lp, mode);
            return ISSUED;
        }
        return MUST_WAIT;
    }

    /**
     * Recovery needs a page for which a normal request is out: that request waits for the gate (it was held back,
     * or sent under an older epoch and lost with it), so it would be answered only after the recovery it waits
     * for. The recovery takes its request slot over: the request goes to the master now as recovery's, for
     * recovery's mode and, if already sent, with a fresh serial (the retransmit timer's {@link
     * #resendAfterReform}); the normal caller waits on, and asks again for its mode once the gate is open. A request
     * sent in this epoch is never taken over: a directory of this epoch may serve it already, and would wait for a
     * claim of a serial this node had forgotten (holding the recovery's request and every later one behind it);
     * recovery waits for its answer instead, as any caller does.
     */
    private void takeOverForRecovery(final LocalPage lp, final LockMode mode)
    {
        lp.requestMode = mode;
        lp.requestRecovery = true;
        if (lp.request == LocalPage.Request.SENT)
        {
            lp.requestEpoch = -1;
        }
        services.stats().increment(StatCounter.RECOVERY_TAKEOVERS);
    }

    /**
     * The caller of {@link #acquire} gives up, under the page's monitor. A request the agent has not sent yet is
     * withdrawn, so nothing of this call is left to hold up a later one (a thread still waiting on it is woken and
     * issues its own). A request already sent is cancelled at the master: dropped if it is still queued there; if
     * the master is serving it already it goes on (a requester that forgot the serial would never claim, stalling
     * the page on every node), its answer is applied, and a later acquire of a mode it covers is served by it.
     *
     * @return the exception to throw.
     */
    DmsTimeoutException onAcquireTimeout(final LocalPage lp, final LockMode mode)
    {
        assert Thread.holdsLock(lp) : "onAcquireTimeout runs under the page's monitor: synchronized (lp)";
        final String state = lp.toString();
        final boolean withdrawn = lp.request == LocalPage.Request.ISSUED;
        if (withdrawn)
        {
            lp.request(LocalPage.Request.IDLE, "acquire timed out before the request was sent");
            lp.requestMode = LockMode.NULL;
            lp.signal();
        }
        else if (lp.request == LocalPage.Request.SENT)
        {
            lp.request(LocalPage.Request.CANCELLING, "acquire timed out: cancel it at the master");
            services.commands().offer(() -> onCancelCommand(lp));
        }
        return new DmsTimeoutException("page acquire timed out: nodeId=" + self + ", pageId=" + lp.pageId +
            ", mode=" + mode + ", master=" + services.masterOf(lp.pageId) + ", state=" + state +
            (withdrawn ? "; the request was not sent yet and is withdrawn" :
            "; the request is cancelled, or if the master serves it already its answer is applied") +
            ", retry or raise the timeout");
    }

    /**
     * Read a page granted from disk into its buffer, after {@link #tryLatch} said {@link #LATCHED_MUST_LOAD}; the
     * latch is held meanwhile and revokes wait for the load. If the read throws, the latch is given back (the caller
     * does not get the page) and the page is loaded by its next latcher.
     */
    void load(final LocalPage lp)
    {
        boolean loaded = false;
        try
        {
            store.readFromDisk(lp.pageId, store.buffer(lp.pageId));
            loaded = true;
        }
        finally
        {
            synchronized (lp)
            {
                lp.loading = false;
                if (!loaded)
                {
                    // the read failed (or its thread was interrupted) and acquire throws: give the latch taken for
                    // it back, so that no revoke waits for it, and let the next latcher load the page
                    lp.needLoad = true;
                    if (lp.writer)
                    {
                        lp.writer = false;
                    }
                    else if (lp.readers > 0)
                    {
                        lp.readers--;
                    }
                }
                lp.signal();
            }
        }
    }

    void unlatch(final long pageId)
    {
        final LocalPage lp = pages.get(pageId);
        if (lp == null)
        {
            throw new IllegalStateException("page not latched: nodeId=" + self + ", pageId=" + pageId);
        }
        synchronized (lp)
        {
            if (lp.writer)
            {
                lp.writer = false;
            }
            else if (lp.readers > 0)
            {
                lp.readers--;
            }
            else
            {
                throw new IllegalStateException("page not latched: nodeId=" + self + ", pageId=" + pageId);
            }
            lp.signal();
        }
    }

    boolean release(final long pageId, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final LocalPage lp = pages.get(pageId);
        if (lp == null)
        {
            return true;
        }
        synchronized (lp)
        {
            while (lp.latched() || lp.request != LocalPage.Request.IDLE || lp.isReleasing() ||
                lp.revoke != LocalPage.Revoke.NONE || !services.gate().isOpen())
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0 || lp.removed)
                {
                    return lp.removed;
                }
                waitOn(lp, remainingNs);
            }
            if (lp.removed)
            {
                return true;
            }
            if (lp.edp || (lp.mode != LockMode.NULL && store.isDirty(pageId)))
            {
                // an earlier dirty copy waits for a checkpoint; a dirty page must be written before it goes
                return false;
            }
            if (lp.mode == LockMode.NULL && !lp.shipPending)
            {
                lp.removed = true;
                pages.remove(pageId, lp);
                lp.signal();
                return true;
            }
            lp.release(LocalPage.Release.ISSUED, "release asked before an eviction");
            lp.releaseSerial = services.nextSerial();
            services.commands().offer(() -> onReleaseCommand(lp));
            while (!lp.isReleaseAnswered())
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    if (lp.release == LocalPage.Release.ISSUED)
                    {
                        // not sent yet: withdraw it, so that it holds up no later latch; one sent goes on, and
                        // its late answer is applied
                        lp.release(LocalPage.Release.IDLE, "release timed out before it was sent");
                        lp.signal();
                    }
                    return false;
                }
                waitOn(lp, remainingNs);
            }
            return lp.release == LocalPage.Release.GRANTED;
        }
    }

    LockMode mode(final long pageId)
    {
        final LocalPage lp = pages.get(pageId);
        if (lp == null)
        {
            return LockMode.NULL;
        }
        synchronized (lp)
        {
            return lp.mode;
        }
    }

    long localHits()
    {
        return localHits.sum();
    }

    private void waitForGate(final LocalPage lp)
    {
        if (!lp.waitsForGate)
        {
            lp.waitsForGate = true;
            services.gate().countWait();
            gateWaiters.add(lp);
        }
    }

    private static void waitOn(final LocalPage lp, final long remainingNs)
    {
        lp.waiters++;
        try
        {
            lp.wait(Math.max(1, Math.min(remainingNs / 1_000_000, 100)));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DmsException(DmsErrorCode.INTERRUPTED, "interrupted while waiting for a page: pageId=" + lp.pageId,
                ex);
        }
        finally
        {
            lp.waiters--;
        }
    }

    // ---------------------------------------------------------------- agent thread

    void onRequestCommand(final LocalPage lp)
    {
        synchronized (lp)
        {
            if (lp.request != LocalPage.Request.ISSUED)
            {
                return;
            }
            final long nowNs = services.nowNs();
            lp.requestStartNs = nowNs;
            if (services.gate().admits(lp.requestRecovery))
            {
                lp.request(LocalPage.Request.SENT, "sent to the master");
                sendRequest(lp, nowNs);
            }
            else
            {
                lp.request(LocalPage.Request.SENT, "held back by a reform: sent when the gate opens");
                lp.requestEpoch = -1;
            }
        }
        requesting.add(lp);
    }

    void onCancelCommand(final LocalPage lp)
    {
        synchronized (lp)
        {
            if (lp.request == LocalPage.Request.CANCELLING)
            {
                lp.requestNextRetryNs = services.nowNs() + retryIntervalNs;
                services.proxy().cancel(services.masterOf(lp.pageId), lp.pageId, lp.requestSerial);
            }
        }
    }

    /**
     * The master's answer to a cancel: the request is dropped, or it is being served and its answer comes.
     */
    void onCancelAck(final MessageFlyweight msg)
    {
        final LocalPage lp = pages.get(msg.resourceId());
        if (lp == null)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        synchronized (lp)
        {
            if (lp.request != LocalPage.Request.CANCELLING || lp.requestSerial != msg.serial())
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
                return;
            }
            if (msg.status() == STATUS_OK)
            {
                lp.request(LocalPage.Request.IDLE, "cancelled at the master");
                lp.requestMode = LockMode.NULL;
            }
            else
            {
                lp.request(LocalPage.Request.SENT, "too late to cancel: the master serves it");
            }
            lp.signal();
        }
    }

    void onReleaseCommand(final LocalPage lp)
    {
        synchronized (lp)
        {
            if (lp.release != LocalPage.Release.ISSUED)
            {
                return;
            }
            final long nowNs = services.nowNs();
            lp.release(LocalPage.Release.SENT, "sent to the master");
            lp.releaseStartNs = nowNs;
            lp.releaseEpoch = services.gate().isOpen() ? services.epoch() : -1;
            lp.releaseNextRetryNs = nowNs + retryIntervalNs;
            if (services.gate().isOpen())
            {
                services.proxy().release(services.masterOf(lp.pageId), lp.pageId, lp.releaseSerial, lp.mode);
            }
        }
        releasing.add(lp);
    }

    /**
     * GRANT, ALREADY_OWNER or PAGE_READY for this node's request.
     */
    void onReply(final MessageType type, final MessageFlyweight msg)
    {
        final LocalPage lp = pages.get(msg.resourceId());
        if (lp == null)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        final boolean woken;
        synchronized (lp)
        {
            final long serial = msg.serial();
            woken = serial != 0 && lp.awaits(serial) && lp.waiters > 0;
            if (serial != 0 && lp.awaits(serial))
            {
                install(lp, type, msg);
                lp.signal();
            }
            else if (serial != 0 && lp.completedSerial == serial && lp.completedSeq == msg.seq())
            {
                // our claim was lost and the master drove the conversion again: claim again, change nothing
                services.proxy().claim(services.masterOf(lp.pageId), lp.pageId, lp.completedMode, serial,
                    lp.completedSeq, lp.completedFlags, lp.completedLsn);
            }
            else
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
            }
        }
        if (woken)
        {
            // let the woken thread have this CPU now rather than after the rest of the duty cycle: on 2 cores it
            // usually shares one with this agent
            Thread.yield();
        }
    }

    private void install(final LocalPage lp, final MessageType type, final MessageFlyweight msg)
    {
        final LockMode mode = LockMode.get(msg.modeCode());
        final long pageId = lp.pageId;
        int claimFlags = 0;
        long lsn = 0;
        switch (type)
        {
            case GRANT ->
            {
                lp.needLoad = true;
                lp.lastResult = AcquireResult.FROM_DISK;
            }
            case ALREADY_OWNER ->
            {
                if (lp.mode == LockMode.NULL && !lp.holdsImage())
                {
                    lp.needLoad = true;
                }
                lp.lastResult = AcquireResult.UPGRADED;
            }
            case PAGE_READY ->
            {
                final MutableDirectBuffer buffer = store.buffer(pageId);
                buffer.putBytes(0, msg.buffer(), msg.payloadOffset(), Math.min(pageSize, msg.payloadLength()));
                final boolean dirty = (msg.flags() & FLAG_DIRTY) != 0;
                lsn = msg.lsn();
                store.onPageReceived(pageId, lsn, dirty);
                if (dirty && mode == LockMode.X && (msg.flags() & FLAG_EDP_SHIP) == 0)
                {
                    claimFlags |= FLAG_HAS_EDP;
                }
                lp.needLoad = false;
                lp.lastResult = AcquireResult.FROM_PEER;
            }
            default -> throw new IllegalStateException("not a reply: type=" + type);
        }

        lp.mode = mode;
        if (lp.requestRecovery)
        {
            lp.recoveryEpoch = services.epoch();
        }
        lp.grantSeq = msg.seq();
        lp.edp = false;
        lp.shipPending = false;
        lp.shippedSeq = -1;
        lp.completedSerial = lp.requestSerial;
        lp.completedSeq = msg.seq();
        lp.completedMode = mode;
        lp.completedFlags = claimFlags;
        lp.completedLsn = lsn;
        lp.request(LocalPage.Request.IDLE, type == MessageType.GRANT ? "granted: read from disk" :
            type == MessageType.ALREADY_OWNER ? "already owner" : "page received");

        final int master = services.masterOf(pageId);
        services.proxy().claim(master, pageId, mode, lp.completedSerial, lp.completedSeq, claimFlags, lsn);

        final long latencyNs = services.nowNs() - lp.requestStartNs;
        final int replier = msg.sourceNode();
        if (master == self)
        {
            if (replier == self)
            {
                services.stats().increment(StatCounter.PAGE_REQUESTS_1WAY);
                services.stats().record(StatEvent.PAGE_1WAY, latencyNs);
            }
            else
            {
                services.stats().increment(StatCounter.PAGE_REQUESTS_2WAY);
                services.stats().record(StatEvent.PAGE_2WAY, latencyNs);
            }
        }
        else if (replier == master)
        {
            services.stats().increment(StatCounter.PAGE_REQUESTS_2WAY);
            services.stats().record(StatEvent.PAGE_2WAY, latencyNs);
        }
        else
        {
            services.stats().increment(StatCounter.PAGE_REQUESTS_3WAY);
            services.stats().record(StatEvent.PAGE_3WAY, latencyNs);
        }
    }

    void onReleaseAck(final MessageFlyweight msg)
    {
        final LocalPage lp = pages.get(msg.resourceId());
        if (lp == null)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        synchronized (lp)
        {
            if (!lp.isReleasing() || lp.releaseSerial != msg.serial())
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
                return;
            }
            final boolean released = msg.status() == STATUS_OK;
            lp.release(released ? LocalPage.Release.GRANTED : LocalPage.Release.DENIED,
                released ? "the master let the page go" : "the master kept the page");
            if (released)
            {
                lp.mode = LockMode.NULL;
                lp.shipPending = false;
                lp.shippedSeq = -1;
                lp.removed = true;
                pages.remove(lp.pageId, lp);
            }
            services.stats().record(StatEvent.RELEASE, services.nowNs() - lp.releaseStartNs);
            lp.signal();
        }
    }

    private void sendRequest(final LocalPage lp, final long nowNs)
    {
        lp.requestEpoch = services.epoch();
        lp.requestRetryDelayNs = retryIntervalNs;
        lp.requestNextRetryNs = nowNs + retryIntervalNs;
        services.proxy().askMaster(services.masterOf(lp.pageId), lp.pageId, lp.requestMode, lp.requestSerial,
            lp.requestRecovery ? FLAG_RECOVERY : 0);
    }

    /**
     * A reform's gate opened (or admits recovery now): send what waited, and wake the threads that wait for it.
     */
    int reopen(final long nowNs)
    {
        for (LocalPage lp = gateWaiters.poll(); lp != null; lp = gateWaiters.poll())
        {
            synchronized (lp)
            {
                lp.waitsForGate = false;
                lp.signal();
            }
        }
        return retransmitTimers(nowNs);
    }

    /**
     * A request sent under an older epoch, or held back by the gate: a reform cleared its master's state, so it goes
     * again, with a fresh serial, once the gate admits it; a cancel of one is moot.
     *
     * @return whether the request was handled here (the caller moves on).
     */
    private boolean resendAfterReform(final LocalPage lp, final long nowNs)
    {
        if (lp.requestEpoch == services.epoch() && services.gate().admits(lp.requestRecovery))
        {
            return false;
        }
        if (lp.requestEpoch != services.epoch() && lp.request == LocalPage.Request.CANCELLING)
        {
            lp.request(LocalPage.Request.IDLE, "a reform cleared the master: nothing left to cancel");
            lp.requestMode = LockMode.NULL;
            lp.signal();
        }
        else if (lp.requestEpoch != services.epoch() && services.gate().admits(lp.requestRecovery))
        {
            lp.requestSerial = services.nextSerial();
            sendRequest(lp, nowNs);
        }
        return true;
    }

    /**
     * Resend requests and releases that got no answer, backing off to 16 times the retry interval.
     */
    int retransmitTimers(final long nowNs)
    {
        int work = 0;
        for (int i = requesting.size() - 1; i >= 0; i--)
        {
            final LocalPage lp = requesting.get(i);
            synchronized (lp)
            {
                if (lp.request != LocalPage.Request.SENT && lp.request != LocalPage.Request.CANCELLING)
                {
                    removeAt(requesting, i);
                    continue;
                }
                if (resendAfterReform(lp, nowNs))
                {
                    continue;
                }
                if (lp.request == LocalPage.Request.CANCELLING)
                {
                    if (nowNs - lp.requestNextRetryNs >= 0)
                    {
                        lp.requestNextRetryNs = nowNs + retryIntervalNs;
                        services.proxy().cancel(services.masterOf(lp.pageId), lp.pageId, lp.requestSerial);
                        work++;
                    }
                    continue;
                }
                if (nowNs - lp.requestNextRetryNs >= 0)
                {
                    lp.requestRetryDelayNs = Math.min(lp.requestRetryDelayNs * 2, retryIntervalNs * 16);
                    lp.requestNextRetryNs = nowNs + lp.requestRetryDelayNs;
                    services.stats().increment(StatCounter.REQUEST_RETRANSMITS);
                    services.proxy().askMaster(services.masterOf(lp.pageId), lp.pageId, lp.requestMode,
                        lp.requestSerial, lp.requestRecovery ? FLAG_RECOVERY : 0);
                    work++;
                }
            }
        }
        for (int i = releasing.size() - 1; i >= 0; i--)
        {
            final LocalPage lp = releasing.get(i);
            synchronized (lp)
            {
                if (!lp.isReleasing())
                {
                    removeAt(releasing, i);
                    continue;
                }
                if (!services.gate().isOpen())
                {
                    continue;
                }
                if (lp.releaseEpoch != services.epoch())
                {
                    lp.releaseEpoch = services.epoch();
                    lp.releaseSerial = services.nextSerial();
                    lp.releaseNextRetryNs = nowNs;
                }
                if (nowNs - lp.releaseNextRetryNs >= 0)
                {
                    lp.releaseNextRetryNs = nowNs + retryIntervalNs;
                    services.proxy().release(services.masterOf(lp.pageId), lp.pageId, lp.releaseSerial, lp.mode);
                    work++;
                }
            }
        }
        return work;
    }

    static <T> void removeAt(final ArrayList<T> list, final int index)
    {
        final int last = list.size() - 1;
        if (index != last)
        {
            list.set(index, list.get(last));
        }
        list.remove(last);
    }
}
