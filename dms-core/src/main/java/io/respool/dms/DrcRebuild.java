package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.NodeList;
import io.respool.dms.api.PageStore;
import io.respool.dms.stat.StatCounter;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

import static io.respool.dms.DrcPage.bit;
import static io.respool.dms.MessageDescriptor.NO_NODE;
import static io.respool.dms.MessageDescriptor.STATUS_OK;

/**
 * A reform's REBUILD, both sides. As a member: scan, a chunk per duty cycle (the media driver runs in the same
 * cycle), every page this node holds (mode, dirty, earlier dirty, LSN) and every global lock it holds (mode), and
 * send them in batches to each resource's new master; resend a batch until it is acknowledged. At most {@link
 * #WINDOW} batches per master are unacknowledged on the wire, and a batch's resend interval doubles with each
 * resend: a million pages held are some three thousand batches of 8 KiB, and sending them all at once, each resent
 * every retry interval, gave a master still applying the first ones all the rest again, many times. A batch is
 * resent on its timer only while its master acknowledges nothing for the retry interval (a master that acknowledges
 * works through the rest in order), and at once when a batch sent after it is acknowledged first (it or its
 * acknowledgement was lost); a send the network pushes back is not retried in place but on the next duty cycle. The step is
 * done when the scan is and every batch is acknowledged, so that passing its barrier means every master is
 * complete. As a master: apply each batch once (a repeat is acknowledged again), and refuse one that contradicts
 * what another member reported: a second X holder, or X beside S. Agent only.
 * <p>
 * An entry is 24 bytes, little-endian: resource id (8), LSN of a page or serial of a lock (8), kind (1: page,
 * 2: lock), mode code (1), flags (1: dirty, 2: earlier dirty), 5 bytes zero.
 */
final class DrcRebuild
{
    static final int ENTRY_LENGTH = 24;
    static final int KIND_PAGE = 1;
    static final int KIND_LOCK = 2;
    static final int ENTRY_DIRTY = 1;
    static final int ENTRY_EDP = 2;
    private static final int SCAN_CHUNK = 256;
    /** Batches per master sent and not yet acknowledged: enough to keep a master busy between acknowledgements. */
    static final int WINDOW = 32;
    /** A batch's resend interval grows to at most the retry interval times 2 to this. */
    private static final int MAX_BACKOFF_SHIFT = 4;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private static final class Batch
    {
        final int master;
        final long id;
        final UnsafeBuffer entries;
        int count;
        int sends;
        long nextSendNs;
        /** Where the first send of this batch came in its master's stream: what its acknowledgement vouches for. */
        long firstSeq;
        /** Where the last send came. */
        long lastSeq;
        /** Found lost: a batch sent after it was acknowledged first. */
        boolean lost;

        Batch(final int master, final long id, final int capacity)
        {
            this.master = master;
            this.id = id;
            this.entries = new UnsafeBuffer(new byte[capacity * ENTRY_LENGTH]);
        }
    }

    /** One master's closed batches: those waiting for room in its window, and those on the wire. */
    private static final class MasterQueue
    {
        final ArrayDeque<Batch> waiting = new ArrayDeque<>();
        final ArrayList<Batch> sent = new ArrayList<>(WINDOW);
        /** Sends to this master so far: each send's place in its stream. */
        long seq;
        /** When this master last acknowledged a batch, or its window last went from empty to not. */
        long heardNs;

        void clear()
        {
            waiting.clear();
            sent.clear();
            seq = 0;
        }
    }

    private final NodeServices services;
    private final PageStore store;
    private final ConcurrentHashMap<Long, LocalPage> pages;
    private final LockClient lockClient;
    private final DrcMaster drc;
    private final LockMaster lockMaster;
    private final long retryIntervalNs;
    private final int entriesPerBatch;

    private int epoch = -1;
    private Iterator<LocalPage> pageScan;
    private Iterator<LockClient.Pending> lockScan;
    private final Batch[] open = new Batch[NodeList.MAX_NODES];
    /** Every closed batch not yet acknowledged, queued or sent. */
    private final Long2ObjectHashMap<Batch> unacked = new Long2ObjectHashMap<>();
    private final MasterQueue[] queues = new MasterQueue[NodeList.MAX_NODES];
    private long nextBatchId;
    private boolean scanned;
    private String failure;
    private long startNs;

    private int appliedEpoch = -1;
    private final LongHashSet applied = new LongHashSet();

    DrcRebuild(final DmsContext ctx, final NodeServices services, final ConcurrentHashMap<Long, LocalPage> pages,
        final LockClient lockClient, final DrcMaster drc, final LockMaster lockMaster)
    {
        this.services = services;
        this.store = ctx.pageStore();
        this.pages = pages;
        this.lockClient = lockClient;
        this.drc = drc;
        this.lockMaster = lockMaster;
        this.retryIntervalNs = ctx.retryIntervalNs();
        this.entriesPerBatch = Math.max(1, Math.min(1024, services.proxy().maxPayload() / ENTRY_LENGTH));
        Arrays.setAll(queues, master -> new MasterQueue());
    }

    // ---------------------------------------------------------------- member side

    /** Begin this node's part of the rebuild into {@code epoch}. */
    void start(final int epoch, final long nowNs)
    {
        abandon();
        this.epoch = epoch;
        this.startNs = nowNs;
        pageScan = pages.values().iterator();
        final ArrayList<LockClient.Pending> locks = new ArrayList<>();
        lockClient.held().forEach(locks::add);
        lockScan = locks.iterator();
    }

    /** Stop: a newer reform began, or this one ended. */
    void abandon()
    {
        epoch = -1;
        pageScan = null;
        lockScan = null;
        Arrays.fill(open, null);
        unacked.clear();
        for (final MasterQueue queue : queues)
        {
            queue.clear();
        }
        scanned = false;
        failure = null;
    }

    /** Whether the scan is done and every batch acknowledged. */
    boolean isComplete()
    {
        return epoch != -1 && scanned && unacked.isEmpty();
    }

    /** When this node's part began. */
    long startNs()
    {
        return startNs;
    }

    /** Why a master refused a batch, or null. */
    String failure()
    {
        return failure;
    }

    int doWork(final long nowNs)
    {
        if (epoch == -1)
        {
            return 0;
        }
        int work = 0;
        if (!scanned)
        {
            for (int i = 0; i < SCAN_CHUNK && pageScan.hasNext(); i++)
            {
                addPage(pageScan.next(), nowNs);
                work++;
            }
            for (int i = 0; i < SCAN_CHUNK && !pageScan.hasNext() && lockScan.hasNext(); i++)
            {
                final LockClient.Pending lock = lockScan.next();
                final Batch b = batchFor(services.masterOf(lock.resourceId), nowNs);
                put(b, lock.resourceId, lock.serial, KIND_LOCK, lock.mode, 0, nowNs);
                work++;
            }
            if (!pageScan.hasNext() && !lockScan.hasNext())
            {
                for (final Batch b : open)
                {
                    if (b != null)
                    {
                        close(b);
                    }
                }
                scanned = true;
                work++;
            }
        }
        for (final MasterQueue queue : queues)
        {
            work += sendWaiting(queue, nowNs) + resendLate(queue, nowNs);
        }
        return work;
    }

    private int sendWaiting(final MasterQueue queue, final long nowNs)
    {
        int work = 0;
        while (!queue.waiting.isEmpty() && queue.sent.size() < WINDOW && send(queue.waiting.peekFirst(), nowNs))
        {
            if (queue.sent.isEmpty())
            {
                queue.heardNs = nowNs;
            }
            queue.waiting.peekFirst().firstSeq = queue.seq;
            queue.sent.add(queue.waiting.pollFirst());
            work++;
        }
        return work;
    }

    /**
     * Resend the batches found lost, and, once the master has acknowledged nothing for the retry interval, those
     * whose own resend interval is up. A master that acknowledges batches is alive and works through them in the
     * order sent: the rest are queued, not lost, and a copy of each would only be more for it to wade through.
     */
    private int resendLate(final MasterQueue queue, final long nowNs)
    {
        int work = 0;
        final boolean silent = nowNs - queue.heardNs >= retryIntervalNs;
        for (int i = 0, size = queue.sent.size(); i < size; i++)
        {
            final Batch b = queue.sent.get(i);
            if ((b.lost || (silent && nowNs - b.nextSendNs >= 0)) && send(b, nowNs))
            {
                services.stats().increment(StatCounter.REFORM_RESENDS);
                services.stats().increment(StatCounter.REBUILD_BATCH_RESENDS);
                work++;
            }
        }
        return work;
    }

    private void addPage(final LocalPage lp, final long nowNs)
    {
        synchronized (lp)
        {
            if (lp.removed || (lp.mode == LockMode.NULL && !lp.edp))
            {
                return;
            }
            final long pageId = lp.pageId;
            final int flags = (lp.mode != LockMode.NULL && store.isDirty(pageId) ? ENTRY_DIRTY : 0) |
                (lp.edp ? ENTRY_EDP : 0);
            put(batchFor(services.masterOf(pageId), nowNs), pageId, store.pageLsn(pageId), KIND_PAGE, lp.mode,
                flags, nowNs);
        }
    }

    private Batch batchFor(final int master, final long nowNs)
    {
        Batch b = open[master];
        if (b == null)
        {
            b = new Batch(master, ++nextBatchId, entriesPerBatch);
            open[master] = b;
        }
        return b;
    }

    private void put(final Batch b, final long resourceId, final long value, final int kind, final LockMode mode,
        final int flags, final long nowNs)
    {
        final int at = b.count * ENTRY_LENGTH;
        b.entries.putLong(at, resourceId, ORDER);
        b.entries.putLong(at + 8, value, ORDER);
        b.entries.putByte(at + 16, (byte)kind);
        b.entries.putByte(at + 17, (byte)mode.code());
        b.entries.putByte(at + 18, (byte)flags);
        b.count++;
        if (b.count == entriesPerBatch)
        {
            close(b);
        }
    }

    private void close(final Batch b)
    {
        open[b.master] = null;
        unacked.put(b.id, b);
        queues[b.master].waiting.addLast(b);
    }

    /**
     * @return true if the transport took the batch; its next resend is then due after the retry interval doubled
     * for each earlier send, and a refused send (back pressure) is tried again on the next duty cycle.
     */
    private boolean send(final Batch b, final long nowNs)
    {
        if (!services.proxy().rebuild(b.master, epoch, b.id, b.count, b.entries, b.count * ENTRY_LENGTH))
        {
            return false;
        }
        b.nextSendNs = nowNs + (retryIntervalNs << Math.min(b.sends, MAX_BACKOFF_SHIFT));
        b.sends++;
        b.lastSeq = ++queues[b.master].seq;
        b.lost = false;
        return true;
    }

    void onRebuildAck(final MessageFlyweight msg)
    {
        final Batch b = msg.membershipVersion() == epoch ? unacked.remove(msg.serial()) : null;
        if (b == null)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        final MasterQueue queue = queues[b.master];
        queue.sent.remove(b);
        queue.heardNs = services.nowNs();
        // a master's batches and its acknowledgements each travel in order: one sent before this batch's first
        // copy and still unacknowledged was lost, or its acknowledgement was
        for (int i = 0, size = queue.sent.size(); i < size; i++)
        {
            final Batch earlier = queue.sent.get(i);
            if (earlier.lastSeq < b.firstSeq)
            {
                earlier.lost = true;
            }
        }
        if (msg.status() != STATUS_OK && failure == null)
        {
            failure = MessageProxy.reason(msg, 0);
        }
    }

    // ---------------------------------------------------------------- master side

    /**
     * A batch from a member: applied once, into the directory of the reform's epoch (the caller checked it is the
     * epoch in progress, past DRC_CLEAN), and acknowledged every time.
     */
    void onRebuild(final MessageFlyweight msg)
    {
        final int node = msg.sourceNode();
        final int batchEpoch = msg.membershipVersion();
        if (appliedEpoch != batchEpoch)
        {
            appliedEpoch = batchEpoch;
            applied.clear();
        }
        final long key = ((long)node << 56) | msg.serial();
        String conflict = null;
        if (!applied.contains(key))
        {
            final int count = (int)msg.resourceId();
            final int base = msg.payloadOffset();
            for (int i = 0; i < count && conflict == null; i++)
            {
                conflict = apply(node, msg, base + i * ENTRY_LENGTH);
            }
            if (conflict == null)
            {
                applied.add(key);
            }
        }
        services.proxy().rebuildAck(node, batchEpoch, msg.serial(), conflict);
    }

    private String apply(final int node, final MessageFlyweight msg, final int at)
    {
        final long resourceId = msg.buffer().getLong(at, ORDER);
        final long value = msg.buffer().getLong(at + 8, ORDER);
        final int kind = msg.buffer().getByte(at + 16);
        final LockMode mode = LockMode.get(msg.buffer().getByte(at + 17));
        final int flags = msg.buffer().getByte(at + 18);
        if (kind == KIND_LOCK)
        {
            services.stats().increment(StatCounter.REBUILT_LOCKS);
            return lockMaster.rebuild(node, resourceId, value, mode);
        }
        services.stats().increment(StatCounter.REBUILT_PAGES);
        return applyPage(drc.rebuildEntry(resourceId), node, mode, (flags & ENTRY_DIRTY) != 0,
            (flags & ENTRY_EDP) != 0, value);
    }

    /**
     * Rebuild one page's entry from one member's report, as openGauss's {@code dms_reform_proc_page_rebuild}: X
     * makes the owner, S the owner if there is none (a dirty S takes over as owner) or else a copy, an earlier dirty
     * copy joins the edp map, the newest becoming the one shipped. Idempotent for a repeated report.
     *
     * @return null, or the contradiction.
     */
    static String applyPage(final DrcPage page, final int node, final LockMode mode, final boolean dirty,
        final boolean edp, final long lsn)
    {
        if (mode == LockMode.X)
        {
            if ((page.owner != NO_NODE && page.owner != node) || (page.copies & ~bit(node)) != 0)
            {
                return "two holders of a page in X, or X beside S: pageId=" + page.pageId + ", node=" + node +
                    " reports X, and " + page + "; the one-writer rule was broken before this reform";
            }
            page.owner = node;
            page.mode = LockMode.X;
        }
        else if (mode == LockMode.S)
        {
            if (page.mode == LockMode.X && page.owner != node)
            {
                return "a page held in X and in S: pageId=" + page.pageId + ", node=" + node + " reports S, and " +
                    page + "; the one-writer rule was broken before this reform";
            }
            if (page.owner == NO_NODE)
            {
                page.owner = node;
                page.mode = LockMode.S;
            }
            else if (page.owner != node && dirty)
            {
                page.copies = (page.copies | bit(page.owner)) & ~bit(node);
                page.owner = node;
            }
            else if (page.owner != node)
            {
                page.copies |= bit(node);
            }
        }
        if (edp)
        {
            page.edpMap |= bit(node);
            if (page.lastEdp == NO_NODE || lsn >= page.lastEdpLsn)
            {
                page.lastEdp = node;
                page.lastEdpLsn = lsn;
            }
        }
        return null;
    }
}
