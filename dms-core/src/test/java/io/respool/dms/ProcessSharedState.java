package io.respool.dms;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * What the node processes of {@link MultiProcessTest} and the test itself share, in one memory-mapped file under
 * the test's temp directory: atomic operations on mapped memory are atomic across processes, and what a process
 * wrote survives its {@code kill -9} (it is in the page cache). Every field is a long, 8-byte aligned:
 * <pre>
 *   LSN generator                                     one long: every page change takes the next
 *   committed[page]                                   highest counter unlatched, for the stale-read floor
 *   holds[page][node]                                 latches held now: X_HOLD per X, 1 per S
 *   acked[slot][page]                                 increments acknowledged by each incarnation slot
 *   wal[slot][page][2][IMAGE_LONGS]                   the WAL's last two records: the page image after the change
 * </pre>
 * An incarnation slot is {@code node + nodes * generation}: a restarted node writes into its own slot, so that
 * what its dead incarnation did stays countable. A page image (in a buffer, on the disk, in the WAL) holds the
 * counter, its LSN and one contribution per slot (see {@link ProcessPageStore}).
 */
final class ProcessSharedState implements AutoCloseable
{
    static final int GENERATIONS = 2;
    static final long X_HOLD = 1L << 32;

    private final int pages;
    private final int nodes;
    private final int slots;
    private final int committedOffset;
    private final int holdsOffset;
    private final int ackedOffset;
    private final int walOffset;
    private final int length;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;

    private ProcessSharedState(final File file, final int pages, final int nodes, final boolean create)
    {
        this.pages = pages;
        this.nodes = nodes;
        this.slots = nodes * GENERATIONS;
        committedOffset = Long.BYTES;
        holdsOffset = committedOffset + pages * Long.BYTES;
        ackedOffset = holdsOffset + pages * nodes * Long.BYTES;
        walOffset = ackedOffset + slots * pages * Long.BYTES;
        length = walOffset + slots * pages * 2 * ProcessPageStore.imageLength(slots);
        mapped = create ? IoUtil.mapNewFile(file, length) : IoUtil.mapExistingFile(file, "shared state");
        buffer = new UnsafeBuffer(mapped);
        if (buffer.capacity() != length)
        {
            throw new IllegalStateException("shared state file has the wrong length: path=" + file + ", length=" +
                buffer.capacity() + ", expected=" + length + " (pages=" + pages + ", nodes=" + nodes + ")");
        }
    }

    static ProcessSharedState create(final File file, final int pages, final int nodes)
    {
        return new ProcessSharedState(file, pages, nodes, true);
    }

    static ProcessSharedState open(final File file, final int pages, final int nodes)
    {
        return new ProcessSharedState(file, pages, nodes, false);
    }

    int pages()
    {
        return pages;
    }

    int nodes()
    {
        return nodes;
    }

    int slots()
    {
        return slots;
    }

    long nextLsn()
    {
        return buffer.getAndAddLong(0, 1) + 1;
    }

    long committed(final int page)
    {
        return buffer.getLongVolatile(committedOffset + page * Long.BYTES);
    }

    void commit(final int page, final long counter)
    {
        final int offset = committedOffset + page * Long.BYTES;
        long seen = buffer.getLongVolatile(offset);
        while (seen < counter && !buffer.compareAndSetLong(offset, seen, counter))
        {
            seen = buffer.getLongVolatile(offset);
        }
    }

    /**
     * Record that {@code node} latched the page, then check every other node's holds (a store-load pair on each
     * side, so of two nodes that latch at once at least one sees the other).
     *
     * @return null if the hold is compatible, else which node holds what.
     */
    String enterHold(final int page, final int node, final boolean exclusive)
    {
        buffer.getAndAddLong(holdOffset(page, node), exclusive ? X_HOLD : 1);
        for (int other = 0; other < nodes; other++)
        {
            if (other == node)
            {
                continue;
            }
            final long held = buffer.getLongVolatile(holdOffset(page, other));
            if (held >= X_HOLD || (exclusive && held != 0))
            {
                return "overlapping holds: page=" + page + ", node " + node + " latched " + (exclusive ? "X" : "S") +
                    " while node " + other + " holds " + (held >= X_HOLD ? "X" : "S x" + held);
            }
        }
        return null;
    }

    void exitHold(final int page, final int node, final boolean exclusive)
    {
        buffer.getAndAddLong(holdOffset(page, node), exclusive ? -X_HOLD : -1);
    }

    /**
     * A killed node holds nothing: forget its latches (the test calls this once it has seen the process exit).
     */
    void clearHolds(final int node)
    {
        for (int page = 0; page < pages; page++)
        {
            buffer.putLongVolatile(holdOffset(page, node), 0);
        }
    }

    long acked(final int slot, final int page)
    {
        return buffer.getLongVolatile(ackedOffset + (slot * pages + page) * Long.BYTES);
    }

    void ack(final int slot, final int page)
    {
        buffer.getAndAddLong(ackedOffset + (slot * pages + page) * Long.BYTES, 1);
    }

    /**
     * The WAL keeps a slot's last two records of a page, written in turn, so that a record torn by a kill leaves
     * the one before it whole.
     *
     * @param which 0 or 1: the slot's contribution to the page after the change, modulo 2.
     * @return the offset of the record in {@link #buffer()}.
     */
    int walRecordOffset(final int slot, final int page, final int which)
    {
        return walOffset + ((slot * pages + page) * 2 + which) * ProcessPageStore.imageLength(slots);
    }

    /**
     * @return the offset of the newest whole WAL record of a slot's changes to a page, or -1 if it has none.
     */
    int newestWalRecord(final int slot, final int page)
    {
        int newest = -1;
        long newestLsn = 0;
        for (int which = 0; which < 2; which++)
        {
            final int offset = walRecordOffset(slot, page, which);
            final long lsn = buffer.getLong(offset + ProcessPageStore.LSN_OFFSET, ProcessPageStore.ORDER);
            if (lsn > newestLsn && ProcessPageStore.checkImage(buffer, offset, slots, "wal") == null)
            {
                newest = offset;
                newestLsn = lsn;
            }
        }
        return newest;
    }

    /**
     * @return how many increments of the page the slot made, by its WAL: what recovery restores.
     */
    long walContribution(final int slot, final int page)
    {
        final int offset = newestWalRecord(slot, page);
        return offset < 0 ? 0 : buffer.getLong(offset + ProcessPageStore.SLOTS_OFFSET + slot * Long.BYTES,
            ProcessPageStore.ORDER);
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }

    private int holdOffset(final int page, final int node)
    {
        return holdsOffset + (page * nodes + node) * Long.BYTES;
    }
}
