package io.respool.dss.engine;

import io.respool.dss.ErrorCode;
import io.respool.dss.FileType;
import io.respool.dss.format.FormatException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayDeque;
import java.util.UUID;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Serializes the whole {@link MetadataState} as a checkpoint: the state as of one LSN, onto which the log replays.
 * Its CRC32C and length are kept in the root control block, which is written only after the checkpoint is durable.
 * <pre>
 * header  0 magic "RSPDSSCK" (8)   8 version (4)   12 header length (4) = 64   16 LSN (8)   24 next node id (8)
 *        32 node count (8)        40 volume count (4)                   44 AU size (4)     48 reserved (16)
 * volume  id (4) auCount (8) uuid (16) pathLength (2) path
 * node    id (8) parentId (8) type (1) flags (1: bit 0 orphan, bits 1-7 the instance keeping it open)
 *         nameLength (1) name created (8) updated (8)
 *         size (8) writtenSize (8), then for a link: targetLength (2) target,
 *         for a file: runCount (4) runCount x { fileAu (8) physicalAu (8) count (8) }
 * </pre>
 * Nodes are written parents first (breadth first from the root), orphans last.
 */
final class CheckpointCodec
{
    /** "RSPDSSCK" read as a little-endian long. */
    static final long MAGIC = 0x4B43535344505352L;
    /** Version 1: first format. */
    static final int CURRENT_VERSION = 1;
    static final int MIN_COMPAT_VERSION = 1;
    static final int HEADER_LENGTH = 64;

    private CheckpointCodec()
    {
    }

    /**
     * @return the length written to {@code out}.
     */
    static int encode(final MetadataState state, final long lsn, final ExpandableArrayBuffer out)
    {
        int at = HEADER_LENGTH;
        int volumeCount = 0;
        for (final VolumeEntry volume : state.volumeList())
        {
            out.checkLimit(at + 30 + volume.path.length() * 4);
            out.putInt(at, volume.id, LITTLE_ENDIAN);
            out.putLong(at + 4, volume.auCount, LITTLE_ENDIAN);
            out.putLong(at + 12, volume.uuid.getMostSignificantBits(), LITTLE_ENDIAN);
            out.putLong(at + 20, volume.uuid.getLeastSignificantBits(), LITTLE_ENDIAN);
            at = Records.putText(out, at + 28, volume.path);
            volumeCount++;
        }
        final ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(state.root);
        long nodeCount = 0;
        while (!queue.isEmpty())
        {
            final Node node = queue.poll();
            at = encodeNode(node, out, at);
            nodeCount++;
            if (node.isDirectory())
            {
                queue.addAll(node.children.values());
            }
        }
        for (final Node node : state.nodes.values())
        {
            if (node.orphan)
            {
                at = encodeNode(node, out, at);
                nodeCount++;
            }
        }
        out.putLong(0, MAGIC, LITTLE_ENDIAN);
        out.putInt(8, CURRENT_VERSION, LITTLE_ENDIAN);
        out.putInt(12, HEADER_LENGTH, LITTLE_ENDIAN);
        out.putLong(16, lsn, LITTLE_ENDIAN);
        out.putLong(24, state.nextNodeId, LITTLE_ENDIAN);
        out.putLong(32, nodeCount, LITTLE_ENDIAN);
        out.putInt(40, volumeCount, LITTLE_ENDIAN);
        out.putInt(44, state.auSize, LITTLE_ENDIAN);
        out.setMemory(48, 16, (byte)0);
        return at;
    }

    private static int encodeNode(final Node node, final ExpandableArrayBuffer out, final int start)
    {
        final ExtentMap extents = node.extents;
        out.checkLimit(start + 128 + (node.target == null ? 0 : node.target.length() * 4) +
            extents.runCount() * 24);
        out.putLong(start, node.id, LITTLE_ENDIAN);
        out.putLong(start + 8, node.parentId, LITTLE_ENDIAN);
        out.putByte(start + 16, (byte)node.type.code());
        out.putByte(start + 17, (byte)(node.orphan ? 1 | node.orphanOwner << 1 : 0));
        int at = Records.putName(out, start + 18, node.name);
        out.putLong(at, node.createdMs, LITTLE_ENDIAN);
        out.putLong(at + 8, node.updatedMs, LITTLE_ENDIAN);
        out.putLong(at + 16, node.size, LITTLE_ENDIAN);
        out.putLong(at + 24, node.writtenSize, LITTLE_ENDIAN);
        at += 32;
        if (node.type == FileType.LINK)
        {
            at = Records.putText(out, at, node.target);
        }
        else if (node.type == FileType.FILE)
        {
            out.putInt(at, extents.runCount(), LITTLE_ENDIAN);
            at += 4;
            for (int i = 0; i < extents.runCount(); i++)
            {
                out.putLong(at, extents.runFileAu(i), LITTLE_ENDIAN);
                out.putLong(at + 8, extents.runPhysicalAu(i), LITTLE_ENDIAN);
                out.putLong(at + 16, extents.runCount(i), LITTLE_ENDIAN);
                at += 24;
            }
        }
        return at;
    }

    /**
     * Rebuild the state, space maps included (the system AUs are marked by the caller).
     *
     * @return the checkpoint's LSN.
     */
    static long decode(final DirectBuffer in, final int length, final MetadataState state)
    {
        if (length < HEADER_LENGTH || in.getLong(0, LITTLE_ENDIAN) != MAGIC)
        {
            throw FormatException.corrupt("checkpoint has a wrong magic or is truncated: length=" + length);
        }
        final int version = in.getInt(8, LITTLE_ENDIAN);
        if (version < MIN_COMPAT_VERSION || version > CURRENT_VERSION)
        {
            throw new FormatException(ErrorCode.UNSUPPORTED_VERSION, "unsupported checkpoint version: version=" +
                version + ", supported=" + MIN_COMPAT_VERSION + ".." + CURRENT_VERSION);
        }
        if (in.getInt(44, LITTLE_ENDIAN) != state.auSize)
        {
            throw FormatException.corrupt("checkpoint AU size differs from the volume header: checkpoint=" +
                in.getInt(44, LITTLE_ENDIAN) + ", header=" + state.auSize);
        }
        final long lsn = in.getLong(16, LITTLE_ENDIAN);
        final long nodeCount = in.getLong(32, LITTLE_ENDIAN);
        final int volumeCount = in.getInt(40, LITTLE_ENDIAN);
        int at = HEADER_LENGTH;
        for (int v = 0; v < volumeCount; v++)
        {
            final int id = in.getInt(at, LITTLE_ENDIAN);
            final UUID uuid = new UUID(in.getLong(at + 12, LITTLE_ENDIAN), in.getLong(at + 20, LITTLE_ENDIAN));
            final String path = Records.getText(in, at + 28);
            state.volumes[id] = new VolumeEntry(id, uuid, in.getLong(at + 4, LITTLE_ENDIAN), path);
            at += 30 + (in.getShort(at + 28, LITTLE_ENDIAN) & 0xFFFF);
        }
        for (long n = 0; n < nodeCount; n++)
        {
            at = decodeNode(in, at, state);
        }
        if (at != length)
        {
            throw FormatException.corrupt("checkpoint length mismatch: decoded=" + at + ", stored=" + length);
        }
        state.nextNodeId = in.getLong(24, LITTLE_ENDIAN);
        return lsn;
    }

    private static int decodeNode(final DirectBuffer in, final int start, final MetadataState state)
    {
        final long id = in.getLong(start, LITTLE_ENDIAN);
        final long parentId = in.getLong(start + 8, LITTLE_ENDIAN);
        final FileType type = FileType.ofCode(in.getByte(start + 16));
        final int flags = in.getByte(start + 17) & 0xFF;
        final boolean orphan = (flags & 1) != 0;
        final String name = Records.getName(in, start + 18);
        int at = start + 18 + Records.nameLength(in, start + 18);
        final long created = in.getLong(at, LITTLE_ENDIAN);
        final long updated = in.getLong(at + 8, LITTLE_ENDIAN);
        final long size = in.getLong(at + 16, LITTLE_ENDIAN);
        final long written = in.getLong(at + 24, LITTLE_ENDIAN);
        at += 32;
        String target = null;
        if (type == FileType.LINK)
        {
            target = Records.getText(in, at);
            at += 2 + (in.getShort(at, LITTLE_ENDIAN) & 0xFFFF);
        }
        final Node node = new Node(id, type, name, parentId, created, target);
        node.size = size;
        node.writtenSize = written;
        node.orphan = orphan;
        node.orphanOwner = orphan ? flags >>> 1 : -1;
        if (type == FileType.FILE)
        {
            final int runs = in.getInt(at, LITTLE_ENDIAN);
            at += 4;
            final long[] fileAus = new long[runs];
            final long[] physicalAus = new long[runs];
            final long[] counts = new long[runs];
            for (int r = 0; r < runs; r++, at += 24)
            {
                fileAus[r] = in.getLong(at, LITTLE_ENDIAN);
                physicalAus[r] = in.getLong(at + 8, LITTLE_ENDIAN);
                counts[r] = in.getLong(at + 16, LITTLE_ENDIAN);
                state.markUsed(physicalAus[r], counts[r]);
            }
            try
            {
                node.extents = ExtentMap.ofSorted(fileAus, physicalAus, counts, runs);
            }
            catch (final IllegalStateException ex)
            {
                throw FormatException.corrupt("checkpoint extents of a file are bad: nodeId=" + id + ", " +
                    ex.getMessage());
            }
        }
        if (id == MetadataState.ROOT_ID)
        {
            state.root = node;
        }
        else if (!orphan)
        {
            final Node parent = state.nodes.get(parentId);
            if (parent == null)
            {
                throw FormatException.corrupt("checkpoint node before its parent: nodeId=" + id + ", parentId=" +
                    parentId);
            }
            state.attach(parent, node, parent.updatedMs);
        }
        node.updatedMs = updated;
        state.nodes.put(id, node);
        return at;
    }
}
