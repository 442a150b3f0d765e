package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dss.DssFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.respool.examples.cluster.HeapPageDescriptor.PAGE_SIZE;

/**
 * Writes dirty pages of the table to its file on DSS, as a database checkpoint does (a fuzzy one: the writer goes
 * on meanwhile), following the rules DMS sets:
 * <ol>
 *     <li>note the WAL's position, the redo point: every change logged up to it has marked its page dirty;</li>
 *     <li>copy each dirty page under an S latch, so that the image is current and nobody changes it meanwhile;</li>
 *     <li>make the WAL durable up to the newest copied LSN (WAL before data);</li>
 *     <li>write the copies with their checksums and flush the file once;</li>
 *     <li>under S again, mark a page clean if it did not change since its copy, and tell its master with
 *     {@link DmsNode#cleanEdp} so that older dirty copies elsewhere may go;</li>
 *     <li>log a checkpoint record naming the redo point, and make it durable: recovery starts there.</li>
 * </ol>
 * The node runs it on its own thread every interval, when DMS asks for a page write, and at the end of the run;
 * calls are serialised.
 */
final class Checkpointer
{
    private final DmsNode node;
    private final TablePageStore store;
    private final DssFile heap;
    private final Wal wal;
    private final long timeoutNs;
    private final HeapPage page = new HeapPage();
    private volatile long checkpoints;
    private volatile long pagesWritten;
    private volatile long lastRedoLsn = -1;
    private volatile long lastCheckpointLsn;

    Checkpointer(final DmsNode node, final TablePageStore store, final DssFile heap, final Wal wal,
        final long timeoutNs)
    {
        this.node = node;
        this.store = store;
        this.heap = heap;
        this.wal = wal;
        this.timeoutNs = timeoutNs;
    }

    /**
     * Write every page dirty now.
     *
     * @return pages written.
     */
    synchronized int checkpoint()
    {
        final Wal.Position redo = wal.position();
        final List<TablePageStore.Slot> dirty = store.dirtySlots();
        final List<UnsafeBuffer> images = new ArrayList<>(dirty.size());
        final List<TablePageStore.Slot> copied = new ArrayList<>(dirty.size());
        final List<Long> lsns = new ArrayList<>(dirty.size());
        long maxLsn = 0;
        for (final TablePageStore.Slot slot : dirty)
        {
            node.acquirePage(slot.pageId, LockMode.S, timeoutNs);
            try
            {
                if (slot.dirty)
                {
                    final UnsafeBuffer image = new UnsafeBuffer(new byte[PAGE_SIZE]);
                    image.putBytes(0, slot.buffer, 0, PAGE_SIZE);
                    final long lsn = store.pageLsn(slot.pageId);
                    images.add(image);
                    copied.add(slot);
                    lsns.add(lsn);
                    maxLsn = Math.max(maxLsn, lsn);
                }
            }
            finally
            {
                node.unlatchPage(slot.pageId);
            }
        }
        if (copied.isEmpty())
        {
            if (redo.lsn() > lastRedoLsn)
            {
                logCheckpoint(redo);
            }
            return 0;
        }

        wal.flushUpTo(maxLsn, timeoutNs);
        for (int i = 0; i < copied.size(); i++)
        {
            final UnsafeBuffer image = images.get(i);
            page.wrap(image).storedChecksum(page.computeChecksum());
            heap.write(TablePageStore.fileOffset(copied.get(i).pageId), image, 0, PAGE_SIZE);
        }
        heap.flush();

        for (int i = 0; i < copied.size(); i++)
        {
            final TablePageStore.Slot slot = copied.get(i);
            final long lsn = lsns.get(i);
            node.acquirePage(slot.pageId, LockMode.S, timeoutNs);
            try
            {
                if (store.pageLsn(slot.pageId) == lsn)
                {
                    slot.dirty = false;
                }
            }
            finally
            {
                node.unlatchPage(slot.pageId);
            }
            node.cleanEdp(slot.pageId, lsn);
        }
        pagesWritten += copied.size();
        logCheckpoint(redo);
        return copied.size();
    }

    private void logCheckpoint(final Wal.Position redo)
    {
        final long lsn = wal.appendCheckpoint(redo);
        wal.flushUpTo(lsn, timeoutNs);
        lastRedoLsn = redo.lsn();
        lastCheckpointLsn = lsn;
        checkpoints++;
    }

    /**
     * @return the redo LSN of the last checkpoint record, -1 if none yet.
     */
    long lastRedoLsn()
    {
        return lastRedoLsn;
    }

    /**
     * @return the LSN of the last checkpoint record, 0 if none yet.
     */
    long lastCheckpointLsn()
    {
        return lastCheckpointLsn;
    }

    long checkpoints()
    {
        return checkpoints;
    }

    long pagesWritten()
    {
        return pagesWritten;
    }
}
