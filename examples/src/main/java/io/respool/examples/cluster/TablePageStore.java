package io.respool.examples.cluster;

import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import io.respool.dss.DssFile;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static io.respool.examples.cluster.HeapPageDescriptor.*;

/**
 * What a node of the demo lends DMS: a buffer per table page, reads of the table file on DSS, and its WAL.
 * <p>
 * LSNs are global ({@link WalRecordDescriptor}): the writer's WAL starts at a base LSN, and a promoted writer's
 * above everything seen before ({@link #highestLsnSeen()}). A page image that arrives from a
 * peer was shipped only after the peer's WAL was durable up to the image's LSN (DMS asks the owner to flush first),
 * so this node reports its WAL durable up to the highest LSN it has received as well as up to its own flushes:
 * if it ever ships such an image on, nothing more needs flushing.
 * <p>
 * The methods DMS calls run on its agent thread and return at once: {@link #requestWalFlush} hands the LSN to the
 * WAL writer, {@link #writeRequested} to the checkpointer.
 */
final class TablePageStore implements PageStore
{
    /** Table id (openGauss's relfilenode) in the high half of every DMS page id of the table. */
    static final long TABLE_ID = 16384;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** One page's buffer and what this node knows of it. */
    static final class Slot
    {
        final long pageId;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PAGE_SIZE]);
        volatile boolean dirty;

        Slot(final long pageId)
        {
            this.pageId = pageId;
        }
    }

    private volatile DssFile heap;
    private final Wal wal;
    private final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong maxReceivedLsn = new AtomicLong();
    private final LongAdder diskReads = new LongAdder();
    private final LongAdder pagesReceived = new LongAdder();
    private final LongAdder dirtyPagesReceived = new LongAdder();
    private final LongAdder walFlushRequests = new LongAdder();
    private final List<String> problems = new ArrayList<>();
    private volatile Runnable onWriteRequested = () -> {};
    // used only by the DMS callbacks readFromDisk and diskLsn, which run one at a time on the node's duty cycle
    private final HeapPage diskPage = new HeapPage();
    private final UnsafeBuffer diskLsnBuffer = new UnsafeBuffer(new byte[8]);

    /**
     * @param heap the table file on DSS (read-only is enough for a node that never checkpoints).
     * @param wal  this node's WAL.
     */
    TablePageStore(final DssFile heap, final Wal wal)
    {
        this.heap = heap;
        this.wal = wal;
    }

    /**
     * @param pageNumber a page of the table: 0 the meta page, 1.. heap pages.
     * @return its DMS page id.
     */
    static long pageId(final int pageNumber)
    {
        return (TABLE_ID << 32) | pageNumber;
    }

    /**
     * @param pageId a DMS page id of the table.
     * @return the page's number in the table file.
     */
    static int pageNumber(final long pageId)
    {
        return (int)pageId;
    }

    /**
     * @param pageId a DMS page id of the table.
     * @return the page's offset in the table file.
     */
    static long fileOffset(final long pageId)
    {
        return (long)pageNumber(pageId) * PAGE_SIZE;
    }

    /**
     * Use another handle of the table file from now on: the writable one a promoted node opens.
     *
     * @param heap the table file on DSS.
     */
    void useHeap(final DssFile heap)
    {
        this.heap = heap;
    }

    /**
     * @return the highest LSN this node has seen: on a page in its buffers or on an image received from a peer.
     */
    long highestLsnSeen()
    {
        long highest = maxReceivedLsn.get();
        for (final Slot slot : slots.values())
        {
            highest = Math.max(highest, slot.buffer.getLong(LSN_OFFSET, ORDER));
        }
        return highest;
    }

    Slot slot(final long pageId)
    {
        return slots.computeIfAbsent(pageId, Slot::new);
    }

    /**
     * Mark a page changed in memory. Call while holding its X latch.
     */
    void markDirty(final long pageId)
    {
        slot(pageId).dirty = true;
    }

    /**
     * @return the slots of the pages dirty now.
     */
    List<Slot> dirtySlots()
    {
        final List<Slot> dirty = new ArrayList<>();
        for (final Slot slot : slots.values())
        {
            if (slot.dirty)
            {
                dirty.add(slot);
            }
        }
        dirty.sort((a, b) -> Long.compare(a.pageId, b.pageId));
        return dirty;
    }

    /**
     * @param action run (on the DMS agent thread, so it must only hand over) when DMS asks for a page write.
     */
    void onWriteRequested(final Runnable action)
    {
        this.onWriteRequested = action;
    }

    long diskReads()
    {
        return diskReads.sum();
    }

    long pagesReceived()
    {
        return pagesReceived.sum();
    }

    long dirtyPagesReceived()
    {
        return dirtyPagesReceived.sum();
    }

    long walFlushRequests()
    {
        return walFlushRequests.sum();
    }

    /**
     * @return problems seen in DMS callbacks (a page on DSS that fails its checksum), for the node's report.
     */
    synchronized List<String> problems()
    {
        return new ArrayList<>(problems);
    }

    @Override
    public MutableDirectBuffer buffer(final long pageId)
    {
        return slot(pageId).buffer;
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
        diskReads.increment();
        final int read = heap.read(fileOffset(pageId), buffer, 0, PAGE_SIZE);
        if (read < PAGE_SIZE)
        {
            buffer.setMemory(Math.max(read, 0), PAGE_SIZE - Math.max(read, 0), (byte)0);
        }
        final HeapPage page = diskPage.wrap(buffer);
        if (page.isFormatted())
        {
            final int stored = page.storedChecksum();
            final int computed = page.computeChecksum();
            if (stored != computed)
            {
                synchronized (this)
                {
                    problems.add("page read from DSS fails its checksum: pageId=" + pageId + ", file=" +
                        heap.path() + ", stored=" + Integer.toHexString(stored) + ", computed=" +
                        Integer.toHexString(computed));
                }
            }
            page.storedChecksum(0);
        }
        slot(pageId).dirty = false;
    }

    @Override
    public long diskLsn(final long pageId)
    {
        // read from DSS, not cached: another node may have written the page since this one last looked
        try
        {
            return heap.read(fileOffset(pageId) + LSN_OFFSET, diskLsnBuffer, 0, 8) == 8 ?
                diskLsnBuffer.getLong(0, ORDER) : 0;
        }
        catch (final RuntimeException ex)
        {
            synchronized (this)
            {
                problems.add("cannot read a page's LSN from DSS: pageId=" + pageId + ", file=" + heap.path() +
                    ", offset=" + (fileOffset(pageId) + LSN_OFFSET) + ", error=" + ex.getMessage());
            }
            return 0;
        }
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

    /**
     * DMS asks, on its agent thread, for the WAL to be durable up to {@code lsn} before it ships a dirty page: hand
     * the LSN to the WAL writer and return; DMS ships once {@link #walFlushedLsn()} reaches it.
     */
    @Override
    public long requestWalFlush(final long lsn)
    {
        walFlushRequests.increment();
        wal.requestFlush(lsn);
        return walFlushedLsn();
    }

    /**
     * @return the LSN up to which the WAL is durable (see the class comment on received images).
     */
    @Override
    public long walFlushedLsn()
    {
        return Math.max(wal.flushedLsn(), maxReceivedLsn.get());
    }

    @Override
    public void onPageReceived(final long pageId, final long lsn, final boolean dirty)
    {
        pagesReceived.increment();
        if (dirty)
        {
            dirtyPagesReceived.increment();
        }
        maxReceivedLsn.accumulateAndGet(lsn, Math::max);
        slot(pageId).dirty = dirty;
    }

    @Override
    public void writeRequested(final long pageId)
    {
        onWriteRequested.run();
    }

    @Override
    public void onModeChanged(final long pageId, final LockMode mode, final boolean earlierDirty)
    {
        if (mode == LockMode.NULL && !earlierDirty)
        {
            slot(pageId).dirty = false;
        }
    }
}
