package io.respool.dms;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A database's buffer pool for tests: one buffer per page, a dirty flag, shared storage behind it. Page layout:
 * a counter at 0 and the LSN at 8. Records contract violations (a dirty page received ahead of the WAL) for the
 * test to assert on.
 */
final class MemoryPageStore implements PageStore
{
    static final class Slot
    {
        final UnsafeBuffer buffer;
        volatile boolean dirty;
        volatile LockMode mode = LockMode.NULL;
        volatile boolean edp;

        Slot(final int pageSize)
        {
            buffer = new UnsafeBuffer(new byte[pageSize]);
        }
    }

    final int nodeId;
    final int pageSize;
    final SharedDisk disk;
    final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    /** Pages DMS asked this node to write for a checkpoint elsewhere, in order. */
    final ConcurrentLinkedQueue<Long> writeRequests = new ConcurrentLinkedQueue<>();
    DmsNode node;
    /** The WAL is flushed only when the test says so ({@link #completeWalFlush}), as by a WAL writer thread. */
    volatile boolean walByHand;
    volatile long walRequested;

    MemoryPageStore(final int nodeId, final int pageSize, final SharedDisk disk)
    {
        this.nodeId = nodeId;
        this.pageSize = pageSize;
        this.disk = disk;
    }

    Slot slot(final long pageId)
    {
        return slots.computeIfAbsent(pageId, (id) -> new Slot(pageSize));
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
        return slot(pageId).buffer.getLong(SharedDisk.LSN_OFFSET);
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
        return disk.walFlushed.get();
    }

    /** As the WAL writer, some time after {@link #requestWalFlush}: make everything asked for durable. */
    void completeWalFlush()
    {
        disk.flushWal(walRequested);
    }

    @Override
    public void onPageReceived(final long pageId, final long lsn, final boolean dirty)
    {
        if (dirty && disk.walFlushed.get() < lsn)
        {
            violations.add("dirty page received ahead of WAL: node=" + nodeId + ", pageId=" + pageId + ", lsn=" +
                lsn + ", walFlushed=" + disk.walFlushed.get());
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
        slot.mode = mode;
        slot.edp = earlierDirty;
        if (mode == LockMode.NULL)
        {
            slot.dirty = false;
        }
    }

    /** Under an X latch: counter + 1, a new LSN, dirty. */
    long increment(final long pageId)
    {
        final Slot slot = slot(pageId);
        final long value = slot.buffer.getLong(SharedDisk.COUNTER_OFFSET) + 1;
        slot.buffer.putLong(SharedDisk.COUNTER_OFFSET, value);
        slot.buffer.putLong(SharedDisk.LSN_OFFSET, disk.lsnGenerator.incrementAndGet());
        slot.dirty = true;
        return value;
    }

    long counter(final long pageId)
    {
        return slot(pageId).buffer.getLong(SharedDisk.COUNTER_OFFSET);
    }

    /**
     * Evict as a database would: take the page in S so the image is current, write it if dirty, tell the master
     * it is clean, then release ownership and drop the buffer if DMS agrees.
     */
    boolean evict(final long pageId, final long timeoutNs)
    {
        if (node.pageMode(pageId) != LockMode.NULL)
        {
            checkpoint(pageId, timeoutNs);
        }
        return node.releasePage(pageId, TimeUnit.SECONDS.toNanos(2));
    }

    /**
     * Write the page as a checkpoint would: take it in S so the image is current, write it if dirty, and tell the
     * master it is clean so that older dirty copies elsewhere can go.
     */
    void checkpoint(final long pageId, final long timeoutNs)
    {
        node.acquirePage(pageId, LockMode.S, timeoutNs);
        try
        {
            final Slot slot = slot(pageId);
            if (slot.dirty)
            {
                disk.write(pageId, slot.buffer);
                slot.dirty = false;
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
}
