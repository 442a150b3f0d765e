package io.respool.dms.api;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A database's buffer pool in the heap, for tests, demos, tools and benchmarks, not for a database: one buffer per
 * page, a dirty flag, an {@link InMemoryDisk} behind it. Page layout: a counter at {@link #COUNTER_OFFSET} and the
 * page LSN at {@link #LSN_OFFSET}, little-endian. Until {@link #increment} makes a page dirty nothing is dirty, so
 * the WAL is never asked for; by default a WAL flush is durable at once, and {@link #walByHand} makes it wait for
 * {@link #completeWalFlush}, as a WAL writer thread would. Records contract violations (a dirty page received ahead
 * of the WAL) and the pages DMS asked to have written, for a test to assert on. A benchmark may extend it.
 */
public class InMemoryPageStore implements PageStore
{
    /** Where {@link #increment} keeps the page's counter. */
    public static final int COUNTER_OFFSET = 0;
    /** Where the page keeps its LSN. */
    public static final int LSN_OFFSET = 8;

    /** How long {@link #evict} waits for the master to agree to the release. */
    public static final long RELEASE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** One page's buffer and what the store knows of it. */
    private static final class Slot
    {
        final UnsafeBuffer buffer;
        volatile boolean dirty;
        volatile boolean earlierDirty;

        Slot(final int pageSize)
        {
            buffer = new UnsafeBuffer(new byte[pageSize]);
        }
    }

    private final int nodeId;
    private final int pageSize;
    private final InMemoryDisk disk;
    private final boolean checkWal;
    private final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> writeRequests = new ConcurrentLinkedQueue<>();
    private volatile DmsNode node;
    private volatile boolean walByHand;
    private volatile long walRequested;

    /**
     * A store with a disk and a WAL of its own, for tools and benchmarks: with no WAL shared between the nodes there
     * is no WAL rule to check, so no violation is recorded.
     *
     * @param pageSize size of every page, as the node is configured.
     */
    public InMemoryPageStore(final int pageSize)
    {
        this(-1, pageSize, new InMemoryDisk(pageSize), false);
    }

    /**
     * A store over shared storage and a cluster-wide WAL, for tests: a dirty page received ahead of the WAL is
     * recorded as a violation.
     *
     * @param nodeId   the node this store serves, for violation messages.
     * @param pageSize size of every page, as the node is configured.
     * @param disk     shared storage, the same for every node of the cluster.
     */
    public InMemoryPageStore(final int nodeId, final int pageSize, final InMemoryDisk disk)
    {
        this(nodeId, pageSize, disk, true);
    }

    private InMemoryPageStore(final int nodeId, final int pageSize, final InMemoryDisk disk, final boolean checkWal)
    {
        this.nodeId = nodeId;
        this.pageSize = pageSize;
        this.disk = disk;
        this.checkWal = checkWal;
    }

    /**
     * @param node the node this store serves, for {@link #evict} and {@link #checkpoint}.
     * @return this.
     */
    public InMemoryPageStore attach(final DmsNode node)
    {
        this.node = node;
        return this;
    }

    /**
     * @param byHand true: a WAL flush is durable only when {@link #completeWalFlush} is called.
     * @return this.
     */
    public InMemoryPageStore walByHand(final boolean byHand)
    {
        this.walByHand = byHand;
        return this;
    }

    /**
     * As the WAL writer, some time after {@link #requestWalFlush}: make everything asked for durable.
     */
    public void completeWalFlush()
    {
        disk.flushWal(walRequested);
    }

    /**
     * @return contract violations seen so far (a dirty page received ahead of the WAL); empty if none.
     */
    public Queue<String> violations()
    {
        return violations;
    }

    /**
     * @return the pages DMS asked this node to write for a checkpoint elsewhere, in order.
     */
    public Queue<Long> writeRequests()
    {
        return writeRequests;
    }

    /**
     * @param pageId the page.
     * @return whether DMS said the buffer is an earlier dirty copy, to be neither written nor evicted.
     */
    public boolean isEarlierDirty(final long pageId)
    {
        return slot(pageId).earlierDirty;
    }

    /**
     * Under an X latch: counter + 1, a new LSN, dirty.
     *
     * @param pageId the page.
     * @return the new counter.
     */
    public long increment(final long pageId)
    {
        final Slot slot = slot(pageId);
        final long value = slot.buffer.getLong(COUNTER_OFFSET, ORDER) + 1;
        slot.buffer.putLong(COUNTER_OFFSET, value, ORDER);
        slot.buffer.putLong(LSN_OFFSET, disk.nextLsn(), ORDER);
        slot.dirty = true;
        return value;
    }

    /**
     * @param pageId the page.
     * @return its counter in this node's buffer.
     */
    public long counter(final long pageId)
    {
        return slot(pageId).buffer.getLong(COUNTER_OFFSET, ORDER);
    }

    /**
     * Write the page to the disk and mark it clean, as a database's page writer does: only while this node holds
     * the page in S or X.
     *
     * @param pageId the page.
     */
    public void write(final long pageId)
    {
        final Slot slot = slot(pageId);
        disk.write(pageId, slot.buffer);
        slot.dirty = false;
    }

    /**
     * Evict as a database would: take the page in S so the image is current, write it if dirty, tell the master
     * it is clean, then release ownership and drop the buffer if DMS agrees.
     *
     * @param pageId    the page.
     * @param timeoutNs how long to wait for the page in S; the release waits {@link #RELEASE_TIMEOUT_NS}.
     * @return whether DMS let the page go.
     */
    public boolean evict(final long pageId, final long timeoutNs)
    {
        if (node.pageMode(pageId) != LockMode.NULL)
        {
            checkpoint(pageId, timeoutNs);
        }
        return node.releasePage(pageId, RELEASE_TIMEOUT_NS);
    }

    /**
     * Write the page as a checkpoint would: take it in S so the image is current, write it if dirty, and tell the
     * master it is clean so that older dirty copies elsewhere can go.
     *
     * @param pageId    the page.
     * @param timeoutNs how long to wait for the page.
     */
    public void checkpoint(final long pageId, final long timeoutNs)
    {
        node.acquirePage(pageId, LockMode.S, timeoutNs);
        try
        {
            if (isDirty(pageId))
            {
                write(pageId);
            }
            if (disk.lsn(pageId) >= pageLsn(pageId))
            {
                node.cleanEdp(pageId, pageLsn(pageId));
            }
        }
        finally
        {
            node.unlatchPage(pageId);
        }
    }

    @Override
    public MutableDirectBuffer buffer(final long pageId)
    {
        return slot(pageId).buffer;
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
        disk.read(pageId, buffer);
        slot(pageId).dirty = false;
    }

    @Override
    public long diskLsn(final long pageId)
    {
        return disk.lsn(pageId);
    }

    @Override
    public long pageLsn(final long pageId)
    {
        return slot(pageId).buffer.getLong(LSN_OFFSET, ORDER);
    }

    @Override
    public boolean isDirty(final long pageId)
    {
        return slot(pageId).dirty;
    }

    @Override
    public long requestWalFlush(final long lsn)
    {
        if (walByHand)
        {
            walRequested = Math.max(walRequested, lsn);
        }
        else
        {
            disk.flushWal(lsn);
        }
        return walFlushedLsn();
    }

    @Override
    public long walFlushedLsn()
    {
        return disk.walFlushedLsn();
    }

    @Override
    public void onPageReceived(final long pageId, final long lsn, final boolean dirty)
    {
        final long walFlushed = disk.walFlushedLsn();
        if (checkWal && dirty && walFlushed < lsn)
        {
            violations.add("dirty page received ahead of WAL: node=" + nodeId + ", pageId=" + pageId + ", lsn=" +
                lsn + ", walFlushed=" + walFlushed);
        }
        slot(pageId).dirty = dirty;
    }

    @Override
    public void writeRequested(final long pageId)
    {
        writeRequests.add(pageId);
    }

    @Override
    public void onModeChanged(final long pageId, final LockMode mode, final boolean earlierDirty)
    {
        final Slot slot = slot(pageId);
        slot.earlierDirty = earlierDirty;
        if (mode == LockMode.NULL)
        {
            slot.dirty = false;
        }
    }

    private Slot slot(final long pageId)
    {
        return slots.computeIfAbsent(pageId, (id) -> new Slot(pageSize));
    }
}
