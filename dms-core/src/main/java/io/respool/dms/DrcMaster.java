package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;

import static io.respool.dms.DrcPage.bit;
import static io.respool.dms.MessageDescriptor.*;

/**
 * The master side of cache fusion: the directory (DRC) of the pages whose partitions this node masters. Requests
 * for one page are served one at a time in arrival order; an X request first invalidates every shared copy; then
 * the master grants (the requester reads from disk), answers already-owner, or forwards to the owner, which ships
 * the page straight to the requester; the requester's claim updates the entry and starts the next request.
 * A conversion with no claim after the re-drive interval is driven again (every step is idempotent at the
 * receiver), so a lost message never leaves a page with no owner or with two writers. Single-threaded: the agent.
 */
final class DrcMaster
{
    private final int self;
    private final NodeServices services;
    private final PageStore store;
    private final long redriveIntervalNs;
    private long seqBase;
    private final Long2ObjectHashMap<DrcPage> entries = new Long2ObjectHashMap<>();
    private final ArrayList<DrcPage> active = new ArrayList<>();
    private long seqCounter;
    private int queued;

    DrcMaster(final DmsContext ctx, final NodeServices services)
    {
        this.self = ctx.nodeId();
        this.services = services;
        this.store = ctx.pageStore();
        this.redriveIntervalNs = ctx.redriveIntervalNs();
        this.seqBase = (long)ctx.membershipVersion() << 40;
    }

    DrcPage entry(final long pageId)
    {
        return entries.get(pageId);
    }

    int entryCount()
    {
        return entries.size();
    }

    /**
     * A reform's DRC_CLEAN: forget every entry and conversion; the seqs of the new epoch outrank every older one.
     *
     * @param epoch the new epoch.
     */
    void clear(final int epoch)
    {
        entries.clear();
        active.clear();
        queued = 0;
        seqBase = (long)epoch << 40;
        seqCounter = 0;
    }

    /** A reform's REBUILD: the entry of a page, made if missing. */
    DrcPage rebuildEntry(final long pageId)
    {
        DrcPage page = entries.get(pageId);
        if (page == null)
        {
            page = new DrcPage(pageId);
            entries.put(pageId, page);
        }
        return page;
    }

    /** Whether the access gate lets a request through; a dropped one is counted (its requester resends it). */
    private boolean gateAdmits(final boolean recovery)
    {
        if (services.gate().admits(recovery))
        {
            return true;
        }
        services.stats().increment(StatCounter.GATE_DROPS);
        return false;
    }

    void onAskMaster(final MessageFlyweight msg, final long nowNs)
    {
        final long pageId = msg.resourceId();
        final int requester = msg.sourceNode();
        final long serial = msg.serial();
        if (!gateAdmits((msg.flags() & FLAG_RECOVERY) != 0))
        {
            return;
        }
        if (services.masterOf(pageId) != self || services.tombstones().contains(requester, serial))
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        DrcPage page = entries.get(pageId);
        if (page == null)
        {
            page = new DrcPage(pageId);
            entries.put(pageId, page);
        }
        final Conversion current = page.converting;
        if (current != null)
        {
            if (current.requester == requester && current.serial == serial)
            {
                redrive(page, nowNs);
            }
            else if (!page.isQueued(requester, serial))
            {
                page.queue.add(new Conversion(requester, serial, LockMode.get(msg.modeCode()), nowNs));
                queued++;
            }
            return;
        }
        page.converting = new Conversion(requester, serial, LockMode.get(msg.modeCode()), nowNs);
        active.add(page);
        start(page, nowNs);
    }

    private void start(final DrcPage page, final long nowNs)
    {
        final Conversion c = page.converting;
        c.seq = seqBase + (++seqCounter);
        c.startNs = nowNs;
        if (c.mode == LockMode.X)
        {
            long invalidate = page.copies & ~bit(c.requester);
            if (page.owner != NO_NODE)
            {
                invalidate &= ~bit(page.owner);
            }
            if (invalidate != 0)
            {
                c.pendingInvalidate = invalidate;
                c.invalidateStartNs = nowNs;
                c.state(Conversion.State.INVALIDATING, nowNs);
                sendInvalidates(page, c);
                return;
            }
        }
        decide(page, c, nowNs);
    }

    private void decide(final DrcPage page, final Conversion c, final long nowNs)
    {
        if (page.owner == NO_NODE)
        {
            if (page.edpMap != 0 && page.lastEdp != NO_NODE && (page.edpMap & bit(page.lastEdp)) != 0 &&
                store.diskLsn(page.pageId) < page.lastEdpLsn)
            {
                // no owner, but an earlier dirty copy is newer than disk: ship it instead of a stale disk read (to
                // the requester itself if it keeps that copy, after a reform lost the owner)
                c.action = Conversion.Action.FORWARD;
                c.target = page.lastEdp;
                c.flags = FLAG_EDP_SHIP;
                services.stats().increment(StatCounter.EDP_SHIPS);
            }
            else
            {
                c.action = Conversion.Action.GRANT;
                c.target = c.requester;
            }
        }
        else if (page.owner == c.requester)
        {
            c.action = Conversion.Action.ALREADY_OWNER;
            c.target = c.requester;
        }
        else
        {
            c.action = Conversion.Action.FORWARD;
            c.target = page.owner;
        }
        c.state(Conversion.State.AWAIT_CLAIM, nowNs);
        sendAction(page, c);
    }

    private void sendAction(final DrcPage page, final Conversion c)
    {
        final MessageProxy proxy = services.proxy();
        switch (c.action)
        {
            case GRANT -> proxy.grant(c.requester, page.pageId, c.mode, c.serial, c.seq, 0);
            case ALREADY_OWNER -> proxy.alreadyOwner(c.requester, page.pageId, c.mode, c.serial, c.seq);
            case FORWARD -> proxy.askOwner(c.target, page.pageId, c.requester, c.mode, c.serial, c.seq, c.flags);
            default -> throw new IllegalStateException("no action to send: " + c);
        }
    }

    private void sendInvalidates(final DrcPage page, final Conversion c)
    {
        long pending = c.pendingInvalidate;
        while (pending != 0)
        {
            final int node = Long.numberOfTrailingZeros(pending);
            pending &= pending - 1;
            services.proxy().invalidate(node, page.pageId, c.requester, c.serial, c.seq);
        }
    }

    private void redrive(final DrcPage page, final long nowNs)
    {
        final Conversion c = page.converting;
        if (c.state == Conversion.State.INVALIDATING)
        {
            sendInvalidates(page, c);
        }
        else
        {
            sendAction(page, c);
        }
        c.lastActionNs = nowNs;
        services.stats().increment(StatCounter.MASTER_REDRIVES);
    }

    void onInvalidateAck(final MessageFlyweight msg, final long nowNs)
    {
        final DrcPage page = entries.get(msg.resourceId());
        final Conversion c = page == null ? null : page.converting;
        if (c == null || c.state != Conversion.State.INVALIDATING || c.seq != msg.seq())
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        final long holder = bit(msg.sourceNode());
        if ((c.pendingInvalidate & holder) != 0)
        {
            c.pendingInvalidate &= ~holder;
            page.copies &= ~holder;
            if (c.pendingInvalidate == 0)
            {
                services.stats().record(StatEvent.INVALIDATION, nowNs - c.invalidateStartNs);
                decide(page, c, nowNs);
            }
        }
    }

    void onClaim(final MessageFlyweight msg, final long nowNs)
    {
        final DrcPage page = entries.get(msg.resourceId());
        final Conversion c = page == null ? null : page.converting;
        final int requester = msg.sourceNode();
        if (c == null || c.requester != requester || c.serial != msg.serial() ||
            c.state != Conversion.State.AWAIT_CLAIM)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }

        if (c.mode == LockMode.X)
        {
            if ((msg.flags() & FLAG_HAS_EDP) != 0 && c.action == Conversion.Action.FORWARD &&
                (c.flags & FLAG_EDP_SHIP) == 0)
            {
                page.edpMap |= bit(c.target);
                if (msg.lsn() >= page.lastEdpLsn)
                {
                    page.lastEdp = c.target;
                    page.lastEdpLsn = msg.lsn();
                }
            }
            page.owner = requester;
            page.mode = LockMode.X;
            page.copies = 0;
            page.edpMap &= ~bit(requester);
            if (page.edpMap == 0)
            {
                page.lastEdp = NO_NODE;
                page.lastEdpLsn = 0;
            }
            else if (page.lastEdp == requester)
            {
                page.lastEdp = Long.numberOfTrailingZeros(page.edpMap);
            }
        }
        else if (page.owner == NO_NODE)
        {
            page.owner = requester;
            page.mode = LockMode.S;
        }
        else if (page.owner != requester)
        {
            page.copies |= bit(requester);
            page.mode = LockMode.S;
        }

        c.state(Conversion.State.DONE, nowNs);
        services.tombstones().add(requester, c.serial, nowNs);
        services.stats().record(StatEvent.CLAIM, nowNs - c.startNs);
        services.stats().increment(StatCounter.CLAIMS_APPLIED);
        page.converting = null;
        next(page, nowNs);
    }

    private void next(final DrcPage page, final long nowNs)
    {
        while (!page.queue.isEmpty())
        {
            final Conversion c = page.queue.poll();
            queued--;
            if (services.tombstones().contains(c.requester, c.serial))
            {
                continue;
            }
            page.converting = c;
            start(page, nowNs);
            return;
        }
        active.remove(page);
        if (page.isIdle())
        {
            entries.remove(page.pageId);
        }
    }

    /**
     * A requester's caller gave up: drop its request if it is still queued (or not yet here: the tombstone turns
     * it away when it comes); one being served goes on, and the requester applies its answer.
     */
    void onCancel(final MessageFlyweight msg, final long nowNs)
    {
        final long pageId = msg.resourceId();
        final int node = msg.sourceNode();
        final long serial = msg.serial();
        if (!gateAdmits(false))
        {
            return;
        }
        final int remembered = services.tombstones().outcome(node, serial);
        if (remembered >= 0 || services.tombstones().contains(node, serial))
        {
            // cancelled before (the same answer again), or served and claimed already (too late)
            services.proxy().cancelAck(node, pageId, serial, remembered >= 0 ? remembered : STATUS_DENIED);
            return;
        }
        final DrcPage page = entries.get(pageId);
        final Conversion current = page == null ? null : page.converting;
        if (current != null && current.requester == node && current.serial == serial)
        {
            services.proxy().cancelAck(node, pageId, serial, STATUS_DENIED);
            return;
        }
        if (page != null && page.queue.removeIf((c) -> c.requester == node && c.serial == serial))
        {
            queued--;
        }
        services.tombstones().add(node, serial, nowNs, STATUS_OK);
        services.proxy().cancelAck(node, pageId, serial, STATUS_OK);
    }

    void onRelease(final MessageFlyweight msg, final long nowNs)
    {
        final long pageId = msg.resourceId();
        final int node = msg.sourceNode();
        if (!gateAdmits(false))
        {
            return;
        }
        final int remembered = services.tombstones().outcome(node, msg.serial());
        if (remembered >= 0)
        {
            // a resent release gets the answer the first copy got, never a different one
            services.proxy().releaseAck(node, pageId, msg.serial(), remembered);
            return;
        }
        final DrcPage page = entries.get(pageId);
        int status = STATUS_OK;
        if (page != null)
        {
            if (page.converting != null)
            {
                status = STATUS_DENIED;
            }
            else if (page.owner == node && page.edpMap != 0)
            {
                status = STATUS_DENIED_EDP;
            }
            else
            {
                if (page.owner == node)
                {
                    if (page.copies != 0)
                    {
                        page.owner = Long.numberOfTrailingZeros(page.copies);
                        page.copies &= ~bit(page.owner);
                        page.mode = LockMode.S;
                    }
                    else
                    {
                        page.owner = NO_NODE;
                        page.mode = LockMode.NULL;
                    }
                }
                page.copies &= ~bit(node);
                if (page.isIdle())
                {
                    entries.remove(pageId);
                }
            }
        }
        services.tombstones().add(node, msg.serial(), nowNs, status);
        services.stats().increment(status == STATUS_OK ? StatCounter.RELEASES_GRANTED : StatCounter.RELEASES_DENIED);
        services.proxy().releaseAck(node, pageId, msg.serial(), status);
    }

    void onCleanEdp(final MessageFlyweight msg)
    {
        final DrcPage page = entries.get(msg.resourceId());
        if (page == null || page.edpMap == 0 || msg.lsn() < page.lastEdpLsn)
        {
            return;
        }
        long holders = page.edpMap;
        while (holders != 0)
        {
            final int node = Long.numberOfTrailingZeros(holders);
            holders &= holders - 1;
            services.proxy().edpCleaned(node, page.pageId, msg.lsn());
        }
        page.edpMap = 0;
        page.lastEdp = NO_NODE;
        page.lastEdpLsn = 0;
        if (page.isIdle())
        {
            entries.remove(page.pageId);
        }
    }

    /**
     * A checkpoint on a node that keeps an earlier dirty copy asks for the newest image to be written: forward to
     * the owner, whose database queues the page for writing and then cleans edp (DMS's ckpt_edp). One-way: nothing
     * to do if the copies were cleaned meanwhile; with no owner there is no newer image in memory to write.
     */
    void onCkptEdp(final MessageFlyweight msg)
    {
        final DrcPage page = entries.get(msg.resourceId());
        if (page == null || page.edpMap == 0 || page.owner == NO_NODE)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        services.stats().increment(StatCounter.CKPT_EDP_FORWARDED);
        services.proxy().ownerCkptEdp(page.owner, page.pageId, page.lastEdpLsn);
    }

    /**
     * Drive again every conversion that has waited longer than the re-drive interval.
     */
    int redriveTimers(final long nowNs)
    {
        int work = 0;
        if (services.gate().stage() == AccessGate.Stage.CLOSED)
        {
            // a reform is past DRC_INACCESS: the conversions left are the old epoch's, and a re-drive would send
            // them out stamped with the new one (DRC_CLEAN forgets them)
            return work;
        }
        for (int i = active.size() - 1; i >= 0; i--)
        {
            final DrcPage page = active.get(i);
            final Conversion c = page.converting;
            if (c == null)
            {
                PageClient.removeAt(active, i);
                continue;
            }
            if (nowNs - c.lastActionNs - redriveIntervalNs >= 0)
            {
                redrive(page, nowNs);
                work++;
            }
        }
        services.stats().set(StatCounter.MASTER_QUEUE_DEPTH, queued);
        services.stats().set(StatCounter.DRC_ENTRIES, entries.size());
        return work;
    }
}
