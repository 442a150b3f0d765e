package io.respool.cluster.arbiter;

import io.respool.dss.DssFile;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The witness file a node of {@link TwoHostArbiterTest} writes while it may serve: one record per write, in its own
 * 4 KiB slot (record {@code seq} at slot {@code seq}, slot 0 unused), in a DSS file made and zeroed before the nodes
 * start, so that a node's writes are data overwrites and never change metadata. Reading the file back tells what
 * reached the disk, and when each write was let through the gate ({@code gateNs}: {@code System.nanoTime()} of the
 * node just before its {@code mayServe} check, CLOCK_MONOTONIC, which processes of one machine share: only the test
 * compares it with its own clock, never the nodes).
 * <pre>
 *   0 magic "RSPWITNS" (8)   8 node id (4)   12 reserved (4)   16 seq (8)   24 gateNs (8)   32 view version (8)
 * </pre>
 * Little-endian; the rest of the slot is zero.
 */
final class WitnessRecords
{
    /** "RSPWITNS" read as a little-endian long. */
    static final long MAGIC = 0x534E544957505352L;
    static final int SLOT_LENGTH = 4096;
    static final int SLOTS = 2048;
    static final long FILE_LENGTH = (long)SLOT_LENGTH * SLOTS;
    private static final int NODE_OFFSET = 8;
    private static final int SEQ_OFFSET = 16;
    private static final int GATE_OFFSET = 24;
    private static final int VIEW_OFFSET = 32;

    private WitnessRecords()
    {
    }

    static String path(final int nodeId)
    {
        return "+data/witness" + nodeId;
    }

    static long offset(final long seq)
    {
        if (seq < 1 || seq >= SLOTS)
        {
            throw new IllegalArgumentException("witness seq out of range: seq=" + seq + ", range=[1," +
                (SLOTS - 1) + "]");
        }
        return seq * SLOT_LENGTH;
    }

    /**
     * @return a slot buffer aligned for direct I/O.
     */
    static ByteBuffer slot()
    {
        return BufferUtil.allocateDirectAligned(SLOT_LENGTH, SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer encode(final ByteBuffer slot, final int nodeId, final long seq, final long gateNs,
        final long viewVersion)
    {
        slot.clear();
        slot.putLong(0, MAGIC).putInt(NODE_OFFSET, nodeId).putInt(12, 0).putLong(SEQ_OFFSET, seq)
            .putLong(GATE_OFFSET, gateNs).putLong(VIEW_OFFSET, viewVersion);
        return slot;
    }

    /**
     * One write that reached the disk.
     */
    record Record(long seq, long gateNs, long viewVersion)
    {
    }

    /**
     * @return every record of node {@code nodeId} in {@code file}, by seq; a slot that does not hold one of its
     * records (never written) is skipped.
     */
    static List<Record> read(final DssFile file, final int nodeId)
    {
        final ByteBuffer all = BufferUtil.allocateDirectAligned((int)FILE_LENGTH, SLOT_LENGTH);
        int done = 0;
        while (done < FILE_LENGTH)
        {
            all.limit((int)FILE_LENGTH).position(done);
            final int read = file.read(all, done);
            if (read <= 0)
            {
                throw new IllegalStateException("witness file " + file.path() + " ends at " + done + ", expected " +
                    FILE_LENGTH + " bytes");
            }
            done += read;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(all, 0, (int)FILE_LENGTH);
        final List<Record> records = new ArrayList<>();
        for (int slot = 1; slot < SLOTS; slot++)
        {
            final int at = slot * SLOT_LENGTH;
            if (buffer.getLong(at, ByteOrder.LITTLE_ENDIAN) == MAGIC &&
                buffer.getInt(at + NODE_OFFSET, ByteOrder.LITTLE_ENDIAN) == nodeId &&
                buffer.getLong(at + SEQ_OFFSET, ByteOrder.LITTLE_ENDIAN) == slot)
            {
                records.add(new Record(slot, buffer.getLong(at + GATE_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(at + VIEW_OFFSET, ByteOrder.LITTLE_ENDIAN)));
            }
        }
        return records;
    }
}
