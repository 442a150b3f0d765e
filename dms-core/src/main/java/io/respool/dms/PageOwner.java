package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import io.respool.dms.stat.StatCounter;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;

import static io.respool.dms.MessageDescriptor.*;

/**
 * The owner and copy-holder side of cache fusion on one node, on the agent thread: ships a page straight to the
 * requester when the master forwards a request (a dirty page once the database's WAL is durable up to its LSN,
 * waited for without blocking the agent), drops shared copies when the master invalidates them, and defers either
 * until local latches are given back. A revoke whose directory seq
 * is older than the one this node's mode came from is stale and ignored; a forward seen before (same seq) is
 * answered by shipping the retained image again, so that a lost page transfer is made good.
 */
final class PageOwner
{
    private final int pageSize;
    private final PageStore store;
    private final NodeServices services;
    private final ConcurrentHashMap<Long, LocalPage> pages;
    private final ArrayList<LocalPage> deferred = new ArrayList<>();

    PageOwner(final DmsContext ctx, final NodeServices services, final ConcurrentHashMap<Long, LocalPage> pages)
    {
        this.pageSize = ctx.pageSize();
        this.store = ctx.pageStore();
        this.services = services;
        this.pages = pages;
    }

    /**
     * A reform's DRC_INACCESS: drop every deferred ship and invalidation; their requesters ask again, under the new
     * epoch, once the directory is rebuilt.
     *
     * @return how many were dropped.
     */
    int abandonDeferred()
    {
        final int count = deferred.size();
        for (final LocalPage lp : deferred)
        {
            synchronized (lp)
            {
                lp.revoke(LocalPage.Revoke.NONE, "a reform began: the requester asks again");
                lp.walWaitLsn = 0;
                lp.signal();
            }
        }
        deferred.clear();
        return count;
    }

    void onAskOwner(final MessageFlyweight msg)
    {
        final long pageId = msg.resourceId();
        final int requester = msg.requesterNode();
        final LockMode mode = LockMode.get(msg.modeCode());
        final LocalPage lp = pages.get(pageId);
        if (lp == null)
        {
            grantWithoutPage(pageId, requester, mode, msg.serial(), msg.seq());
            return;
        }
        synchronized (lp)
        {
            final long seq = msg.seq();
            if (seq < lp.grantSeq)
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
            }
            else if (seq == lp.grantSeq)
            {
                // the conversion that gave this node its mode: it asked, and an earlier dirty copy it kept was
                // shipped to itself (EDP_SHIP). A repeat (a duplicate, or a re-drive because the claim was lost) must
                // not ship again: an edp ship gives the mode up, and the master would take this node for the owner
                // of a page it no longer holds, then grant it from disk, stale. Claim again instead.
                services.stats().increment(StatCounter.STALE_MESSAGES);
                if (lp.completedSerial == msg.serial() && lp.completedSeq == seq)
                {
                    services.proxy().claim(msg.sourceNode(), pageId, lp.completedMode, lp.completedSerial,
                        lp.completedSeq, lp.completedFlags, lp.completedLsn);
                }
            }
            else if (seq == lp.shippedSeq)
            {
                services.proxy().pageReady(requester, pageId, mode, msg.serial(), seq, lp.shippedLsn,
                    lp.shippedFlags, store.buffer(pageId), pageSize);
            }
            else if (lp.revoke != LocalPage.Revoke.NONE && seq <= lp.revokeSeq)
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
            }
            else if (lp.blocksRevoke(LocalPage.Revoke.ASK_OWNER, mode))
            {
                defer(lp, LocalPage.Revoke.ASK_OWNER, "local latches stand in the way", msg, mode);
            }
            else if (!ship(lp, requester, mode, msg.serial(), seq, msg.flags()))
            {
                defer(lp, LocalPage.Revoke.ASK_OWNER, "the ship cannot go yet", msg, mode);
            }
        }
    }

    void onInvalidate(final MessageFlyweight msg)
    {
        final long pageId = msg.resourceId();
        final LocalPage lp = pages.get(pageId);
        if (lp == null)
        {
            services.proxy().invalidateAck(msg.sourceNode(), pageId, msg.seq());
            return;
        }
        synchronized (lp)
        {
            final long seq = msg.seq();
            if (seq < lp.grantSeq || lp.mode == LockMode.X)
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
                services.proxy().invalidateAck(msg.sourceNode(), pageId, seq);
            }
            else if (lp.revoke != LocalPage.Revoke.NONE && seq <= lp.revokeSeq)
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
            }
            else if (lp.blocksRevoke(LocalPage.Revoke.INVALIDATE, LockMode.X))
            {
                defer(lp, LocalPage.Revoke.INVALIDATE, "local latches stand in the way", msg, LockMode.NULL);
            }
            else
            {
                invalidate(lp, msg.sourceNode(), seq);
            }
        }
    }

    void onEdpCleaned(final MessageFlyweight msg)
    {
        final LocalPage lp = pages.get(msg.resourceId());
        if (lp == null)
        {
            return;
        }
        synchronized (lp)
        {
            if (lp.edp)
            {
                lp.edp = false;
                store.onModeChanged(lp.pageId, lp.mode, false);
                lp.signal();
            }
        }
    }

    /**
     * The master asks this node, the owner, to get the page written for another node's checkpoint. A dirty image
     * is handed to the database's write queue ({@link PageStore#writeRequested}); a clean one is already on disk, so
     * the earlier dirty copies are cleaned at once. A page no longer held here is stale: its new owner is asked next.
     */
    void onOwnerCkptEdp(final MessageFlyweight msg)
    {
        final long pageId = msg.resourceId();
        final LocalPage lp = pages.get(pageId);
        if (lp == null)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        synchronized (lp)
        {
            if (lp.mode == LockMode.NULL)
            {
                services.stats().increment(StatCounter.STALE_MESSAGES);
            }
            else if (store.isDirty(pageId))
            {
                services.stats().increment(StatCounter.WRITES_REQUESTED);
                store.writeRequested(pageId);
            }
            else
            {
                services.proxy().cleanEdp(msg.sourceNode(), pageId, store.diskLsn(pageId));
            }
        }
    }

    /**
     * Carry out deferred revokes whose latches have been given back and, for a dirty page, whose WAL is durable.
     */
    int doDeferred()
    {
        int work = 0;
        for (int i = deferred.size() - 1; i >= 0; i--)
        {
            final LocalPage lp = deferred.get(i);
            synchronized (lp)
            {
                if (lp.revoke == LocalPage.Revoke.NONE)
                {
                    PageClient.removeAt(deferred, i);
                    continue;
                }
                if (lp.blocksRevoke(lp.revoke, lp.revokeMode) ||
                    (lp.walWaitLsn != 0 && store.walFlushedLsn() < lp.walWaitLsn))
                {
                    continue;
                }
                if (lp.revoke == LocalPage.Revoke.ASK_OWNER)
                {
                    if (!ship(lp, lp.revokeRequester, lp.revokeMode, lp.revokeSerial, lp.revokeSeq, lp.revokeFlags))
                    {
                        continue;
                    }
                }
                else
                {
                    invalidate(lp, lp.revokeSource, lp.revokeSeq);
                }
                lp.revoke(LocalPage.Revoke.NONE, "carried out");
                PageClient.removeAt(deferred, i);
                lp.signal();
                work++;
            }
        }
        return work;
    }

    private void defer(
        final LocalPage lp, final LocalPage.Revoke type, final String reason, final MessageFlyweight msg,
        final LockMode mode)
    {
        final boolean wasDeferred = lp.revoke != LocalPage.Revoke.NONE;
        lp.revoke(type, reason);
        lp.revokeRequester = msg.requesterNode();
        lp.revokeMode = mode;
        lp.revokeSerial = msg.serial();
        lp.revokeSeq = msg.seq();
        lp.revokeFlags = msg.flags();
        lp.revokeSource = msg.sourceNode();
        if (!wasDeferred)
        {
            deferred.add(lp);
        }
    }

    /**
     * Ship the page to the requester and give up or downgrade this node's mode; a dirty image goes only once the
     * WAL is durable up to its LSN.
     *
     * @return false if the WAL is not yet durable: the flush was asked for and the caller must defer the ship
     * (the agent goes on serving other requests and {@link #doDeferred} tries again).
     */
    private boolean ship(
        final LocalPage lp, final int requester, final LockMode mode, final long serial, final long seq,
        final int flags)
    {
        final long pageId = lp.pageId;
        final boolean edpShip = (flags & FLAG_EDP_SHIP) != 0;
        final boolean holds = lp.mode != LockMode.NULL || (edpShip && (lp.edp || lp.shipPending));
        if (!holds)
        {
            grantWithoutPage(pageId, requester, mode, serial, seq);
            return true;
        }
        if (lp.needLoad)
        {
            // granted from disk but no local thread loaded it yet: load it here so the image is real
            store.readFromDisk(pageId, store.buffer(pageId));
            lp.needLoad = false;
        }

        final boolean dirty = edpShip || store.isDirty(pageId);
        final long lsn = store.pageLsn(pageId);
        if (dirty)
        {
            if (!walDurable(lp, lsn))
            {
                return false;
            }
            services.stats().increment(StatCounter.DIRTY_PAGES_SHIPPED);
        }
        final int shipFlags = (dirty ? FLAG_DIRTY : 0) | (edpShip ? FLAG_EDP_SHIP : 0);
        services.proxy().pageReady(requester, pageId, mode, serial, seq, lsn, shipFlags, store.buffer(pageId),
            pageSize);
        services.stats().increment(StatCounter.PAGES_SHIPPED);

        final LockMode newMode = edpShip || mode == LockMode.X ? LockMode.NULL :
            (lp.mode == LockMode.X ? LockMode.S : lp.mode);
        if (mode == LockMode.X && dirty && !edpShip)
        {
            lp.edp = true;
        }
        lp.shippedSeq = seq;
        lp.shippedFlags = shipFlags;
        lp.shippedLsn = lsn;
        if (newMode == LockMode.NULL)
        {
            lp.shipPending = true;
        }
        if (newMode != lp.mode)
        {
            lp.mode = newMode;
            store.onModeChanged(pageId, newMode, lp.edp);
        }
        return true;
    }

    /**
     * Whether the WAL is durable up to {@code lsn}; if not, ask for it once and remember what the ship waits for.
     */
    private boolean walDurable(final LocalPage lp, final long lsn)
    {
        if (store.walFlushedLsn() >= lsn)
        {
            lp.walWaitLsn = 0;
            return true;
        }
        if (lp.walWaitLsn < lsn && store.requestWalFlush(lsn) >= lsn)
        {
            lp.walWaitLsn = 0;
            return true;
        }
        if (lp.walWaitLsn < lsn)
        {
            services.stats().increment(StatCounter.WAL_FLUSH_WAITS);
            lp.walWaitLsn = lsn;
        }
        return false;
    }

    private void invalidate(final LocalPage lp, final int master, final long seq)
    {
        if (lp.mode == LockMode.S)
        {
            lp.mode = LockMode.NULL;
            lp.needLoad = false;
            store.onModeChanged(lp.pageId, LockMode.NULL, lp.edp);
        }
        services.stats().increment(StatCounter.INVALIDATIONS_RECEIVED);
        services.proxy().invalidateAck(master, lp.pageId, seq);
    }

    private void grantWithoutPage(final long pageId, final int requester, final LockMode mode, final long serial,
        final long seq)
    {
        services.stats().increment(StatCounter.OWNER_WITHOUT_PAGE);
        services.proxy().grant(requester, pageId, mode, serial, seq, FLAG_OWNER_NO_PAGE);
    }
}
