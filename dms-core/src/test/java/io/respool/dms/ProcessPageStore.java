package io.respool.dms;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A node process's buffer pool for {@link MultiProcessTest}: buffers in the heap, shared storage in a
 * memory-mapped file every node process maps ({@code disk.dat}: per page a seqlock word and the page image), and a
 * WAL that keeps, per incarnation slot and page, the image after the slot's last change (physical redo in
 * {@link ProcessSharedState}). The WAL is durable as soon as it is written: it lives in the page cache, which a
 * {@code kill -9} does not take. Page ids are {@link #FIRST_PAGE} onwards.
 * <p>
 * A page image: the counter at {@link #COUNTER_OFFSET}, the LSN at {@link #LSN_OFFSET}, then one long per
 * incarnation slot, how many of the increments in the counter that slot made. So every image can be checked
 * whole: the counter is the sum of the contributions.
 */
final class ProcessPageStore implements PageStore
{
    static final long FIRST_PAGE = 1_000;
    static final int COUNTER_OFFSET = 0;
    static final int LSN_OFFSET = 8;
    static final int SLOTS_OFFSET = 16;
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private static final int SEQ_LENGTH = 64;

    /** One page's buffer and what the store knows of it. */
    private static final class Slot
    {
        final UnsafeBuffer buffer;
        volatile boolean dirty;

        Slot(final int pageSize)
        {
            buffer = new UnsafeBuffer(new byte[pageSize]);
        }
    }

    private final int pageSize;
    private final ProcessSharedState shared;
    private final int imageLength;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer disk;
    private final ConcurrentHashMap<Long, Slot> buffers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private volatile DmsNode node;

    ProcessPageStore(final int pageSize, final ProcessSharedState shared, final File diskFile)
    {
        this.pageSize = pageSize;
        this.shared = shared;
        this.imageLength = imageLength(shared.slots());
        this.mapped = IoUtil.mapExistingFile(diskFile, "shared disk");
        this.disk = new UnsafeBuffer(mapped);
    }

    static int imageLength(final int slots)
    {
        return SLOTS_OFFSET + slots * Long.BYTES;
    }

    /**
     * The test creates the disk, zeros (every page never written), before any node process starts.
     */
    static void createDisk(final File file, final int pageSize, final int pages)
    {
        IoUtil.unmap(IoUtil.mapNewFile(file, (long)pages * (SEQ_LENGTH + pageSize)));
    }

    ProcessPageStore attach(final DmsNode node)
    {
        this.node = node;
        return this;
    }

    Queue<String> violations()
    {
        return violations;
    }

    static int index(final long pageId)
    {
        return (int)(pageId - FIRST_PAGE);
    }

    /**
     * Under an X latch: one more increment by {@code slot}, a new LSN, dirty, and the WAL record of the change.
     *
     * @return the new counter.
     */
    long increment(final long pageId, final int slot)
    {
        final UnsafeBuffer buffer = buffer(pageId);
        final long value = buffer.getLong(COUNTER_OFFSET, ORDER) + 1;
        final int slotOffset = SLOTS_OFFSET + slot * Long.BYTES;
        final long contribution = buffer.getLong(slotOffset, ORDER) + 1;
        buffer.putLong(slotOffset, contribution, ORDER);
        buffer.putLong(COUNTER_OFFSET, value, ORDER);
        buffer.putLong(LSN_OFFSET, shared.nextLsn(), ORDER);
        slot(pageId).dirty = true;
        shared.buffer().putBytes(shared.walRecordOffset(slot, index(pageId), (int)(contribution & 1)), buffer, 0,
            imageLength);
        return value;
    }

    long counter(final long pageId)
    {
        return buffer(pageId).getLong(COUNTER_OFFSET, ORDER);
    }

    long contribution(final long pageId, final int slot)
    {
        return buffer(pageId).getLong(SLOTS_OFFSET + slot * Long.BYTES, ORDER);
    }

    /**
     * @return null if the image in the buffer is whole (its counter the sum of its contributions), else why not.
     */
    String checkImage(final long pageId)
    {
        return checkImage(buffer(pageId), 0, shared.slots(), "pageId=" + pageId);
    }

    static String checkImage(final UnsafeBuffer image, final int offset, final int slots, final String what)
    {
        long sum = 0;
        for (int s = 0; s < slots; s++)
        {
            sum += image.getLong(offset + SLOTS_OFFSET + s * Long.BYTES, ORDER);
        }
        final long counter = image.getLong(offset + COUNTER_OFFSET, ORDER);
        return sum == counter ? null : "torn page image: " + what + ", counter=" + counter + ", contributions=" + sum;
    }

    /**
     * Replay a dead incarnation's WAL, as recovery does: every page whose last record by {@code slot} is newer
     * than the image this node gets becomes that record. Call only under recovery access.
     *
     * @return pages whose image was replaced.
     */
    int replay(final int slot, final long timeoutNs)
    {
        int replayed = 0;
        for (int page = 0; page < shared.pages(); page++)
        {
            final long pageId = FIRST_PAGE + page;
            final int recordOffset = shared.newestWalRecord(slot, page);
            if (recordOffset < 0)
            {
                continue;
            }
            final long recordLsn = shared.buffer().getLong(recordOffset + LSN_OFFSET, ORDER);
            node.acquirePageForRecovery(pageId, LockMode.X, timeoutNs);
            try
            {
                if (recordLsn > pageLsn(pageId))
                {
                    buffer(pageId).putBytes(0, shared.buffer(), recordOffset, imageLength);
                    slot(pageId).dirty = true;
                    replayed++;
                }
            }
            finally
            {
                node.unlatchPage(pageId);
            }
        }
        return replayed;
    }

    /**
     * Write the page as a checkpoint would: take it in S, write it if dirty, tell the master it is clean.
     */
    void checkpoint(final long pageId, final long timeoutNs)
    {
        node.acquirePage(pageId, LockMode.S, timeoutNs);
        try
        {
            if (isDirty(pageId))
            {
                writeToDisk(pageId);
            }
            if (diskLsn(pageId) >= pageLsn(pageId))
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
    public UnsafeBuffer buffer(final long pageId)
    {
        return slot(pageId).buffer;
    }

    @Override
    public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
    {
        final int seqOffset = seqOffset(pageId);
        final int imageOffset = seqOffset + SEQ_LENGTH;
        while (true)
        {
            final long before = disk.getLongVolatile(seqOffset);
            if ((before & 1) == 0)
            {
                buffer.putBytes(0, disk, imageOffset, pageSize);
                if (disk.getLongVolatile(seqOffset) == before)
                {
                    break;
                }
            }
            Thread.onSpinWait();
        }
        slot(pageId).dirty = false;
    }

    @Override
    public long diskLsn(final long pageId)
    {
        final int seqOffset = seqOffset(pageId);
        while (true)
        {
            final long before = disk.getLongVolatile(seqOffset);
            final long lsn = disk.getLong(seqOffset + SEQ_LENGTH + LSN_OFFSET, ORDER);
            if ((before & 1) == 0 && disk.getLongVolatile(seqOffset) == before)
            {
                return lsn;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public long pageLsn(final long pageId)
    {
        return buffer(pageId).getLong(LSN_OFFSET, ORDER);
    }

    @Override
    public boolean isDirty(final long pageId)
    {
        return slot(pageId).dirty;
    }

    @Override
    public long requestWalFlush(final long lsn)
    {
        return walFlushedLsn();
    }

    @Override
    public long walFlushedLsn()
    {
        // every change is in the WAL before its latch is given back, and the WAL is durable once written
        return Long.MAX_VALUE;
    }

    @Override
    public void onPageReceived(final long pageId, final long lsn, final boolean dirty)
    {
        slot(pageId).dirty = dirty;
    }

    @Override
    public void writeRequested(final long pageId)
    {
        // the workload checkpoints pages often enough by itself
    }

    @Override
    public void onModeChanged(final long pageId, final LockMode mode, final boolean earlierDirty)
    {
        if (mode == LockMode.NULL)
        {
            slot(pageId).dirty = false;
        }
    }

    void close()
    {
        IoUtil.unmap(mapped);
    }

    private void writeToDisk(final long pageId)
    {
        final int seqOffset = seqOffset(pageId);
        final int imageOffset = seqOffset + SEQ_LENGTH;
        long seq = disk.getLongVolatile(seqOffset);
        while ((seq & 1) != 0 || !disk.compareAndSetLong(seqOffset, seq, seq + 1))
        {
            Thread.onSpinWait();
            seq = disk.getLongVolatile(seqOffset);
        }
        final long diskLsn = disk.getLong(imageOffset + LSN_OFFSET, ORDER);
        final long writeLsn = pageLsn(pageId);
        if (writeLsn < diskLsn)
        {
            violations.add("disk write would go back in time: pageId=" + pageId + ", diskLsn=" + diskLsn +
                ", writeLsn=" + writeLsn);
        }
        else
        {
            disk.putBytes(imageOffset, buffer(pageId), 0, pageSize);
        }
        disk.putLongVolatile(seqOffset, seq + 2);
        slot(pageId).dirty = false;
    }

    private int seqOffset(final long pageId)
    {
        return index(pageId) * (SEQ_LENGTH + pageSize);
    }

    private Slot slot(final long pageId)
    {
        return buffers.computeIfAbsent(pageId, (id) -> new Slot(pageSize));
    }
}
