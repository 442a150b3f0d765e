package io.respool.dss.engine;

import io.respool.dss.FileType;
import io.respool.dss.format.CheckpointDescriptor;
import io.respool.dss.format.FormatException;
import io.respool.dss.format.PrefixedStrings;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayDeque;
import java.util.UUID;

import static io.respool.dss.format.CheckpointDescriptor.AU_SIZE_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.CURRENT_VERSION;
import static io.respool.dss.format.CheckpointDescriptor.HEADER_LENGTH;
import static io.respool.dss.format.CheckpointDescriptor.HEADER_LENGTH_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.LSN_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.MAGIC;
import static io.respool.dss.format.CheckpointDescriptor.MAGIC_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NEXT_NODE_ID_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NODE_COUNT_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NODE_FLAGS_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NODE_ID_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NODE_NAME_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NODE_PARENT_ID_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.NODE_TYPE_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.RESERVED_LENGTH;
import static io.respool.dss.format.CheckpointDescriptor.RESERVED_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.RUN_COUNT_LENGTH;
import static io.respool.dss.format.CheckpointDescriptor.TAIL_CREATED_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.TAIL_LENGTH;
import static io.respool.dss.format.CheckpointDescriptor.TAIL_SIZE_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.TAIL_UPDATED_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.TAIL_WRITTEN_SIZE_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VERSION_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VOLUME_AU_COUNT_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VOLUME_COUNT_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VOLUME_ID_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VOLUME_PATH_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VOLUME_UUID_LSB_OFFSET;
import static io.respool.dss.format.CheckpointDescriptor.VOLUME_UUID_MSB_OFFSET;
import static io.respool.dss.format.PrefixedStrings.NAME_PREFIX_LENGTH;
import static io.respool.dss.format.PrefixedStrings.TEXT_PREFIX_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_FILE_AU_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_PHYSICAL_AU_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Serializes the whole {@link MetadataState} as a checkpoint, in the layout of {@link CheckpointDescriptor}: the
 * state as of one LSN, onto which the log replays.
 */
final class CheckpointCodec
{
    /** UTF-8 takes at most this many bytes per Java char; used only to size the buffer ahead. */
    private static final int MAX_UTF8_BYTES_PER_CHAR = 4;

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
            out.checkLimit(at + VOLUME_PATH_OFFSET + TEXT_PREFIX_LENGTH +
                volume.path.length() * MAX_UTF8_BYTES_PER_CHAR);
            out.putInt(at + VOLUME_ID_OFFSET, volume.id, LITTLE_ENDIAN);
            out.putLong(at + VOLUME_AU_COUNT_OFFSET, volume.auCount, LITTLE_ENDIAN);
            out.putLong(at + VOLUME_UUID_MSB_OFFSET, volume.uuid.getMostSignificantBits(), LITTLE_ENDIAN);
            out.putLong(at + VOLUME_UUID_LSB_OFFSET, volume.uuid.getLeastSignificantBits(), LITTLE_ENDIAN);
            at = PrefixedStrings.putText(out, at + VOLUME_PATH_OFFSET, volume.path);
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
        out.putLong(MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        out.putInt(VERSION_OFFSET, CURRENT_VERSION, LITTLE_ENDIAN);
        out.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, LITTLE_ENDIAN);
        out.putLong(LSN_OFFSET, lsn, LITTLE_ENDIAN);
        out.putLong(NEXT_NODE_ID_OFFSET, state.nextNodeId, LITTLE_ENDIAN);
        out.putLong(NODE_COUNT_OFFSET, nodeCount, LITTLE_ENDIAN);
        out.putInt(VOLUME_COUNT_OFFSET, volumeCount, LITTLE_ENDIAN);
        out.putInt(AU_SIZE_OFFSET, state.auSize, LITTLE_ENDIAN);
        out.setMemory(RESERVED_OFFSET, RESERVED_LENGTH, (byte)0);
        return at;
    }

    private static int encodeNode(final Node node, final ExpandableArrayBuffer out, final int start)
    {
        final ExtentMap extents = node.extents;
        out.checkLimit(start + NODE_NAME_OFFSET + NAME_PREFIX_LENGTH + node.name.length() + TAIL_LENGTH +
            TEXT_PREFIX_LENGTH + (node.target == null ? 0 : node.target.length() * MAX_UTF8_BYTES_PER_CHAR) +
            RUN_COUNT_LENGTH + extents.runCount() * RUN_LENGTH);
        out.putLong(start + NODE_ID_OFFSET, node.id, LITTLE_ENDIAN);
        out.putLong(start + NODE_PARENT_ID_OFFSET, node.parentId, LITTLE_ENDIAN);
        out.putByte(start + NODE_TYPE_OFFSET, (byte)node.type.code());
        out.putByte(start + NODE_FLAGS_OFFSET, (byte)CheckpointDescriptor.flags(node.orphan, node.orphanOwner));
        int at = PrefixedStrings.putName(out, start + NODE_NAME_OFFSET, node.name);
        out.putLong(at + TAIL_CREATED_OFFSET, node.createdMs, LITTLE_ENDIAN);
        out.putLong(at + TAIL_UPDATED_OFFSET, node.updatedMs, LITTLE_ENDIAN);
        out.putLong(at + TAIL_SIZE_OFFSET, node.size, LITTLE_ENDIAN);
        out.putLong(at + TAIL_WRITTEN_SIZE_OFFSET, node.writtenSize, LITTLE_ENDIAN);
        at += TAIL_LENGTH;
        if (node.type == FileType.LINK)
        {
            at = PrefixedStrings.putText(out, at, node.target);
        }
        else if (node.type == FileType.FILE)
        {
            out.putInt(at, extents.runCount(), LITTLE_ENDIAN);
            at += RUN_COUNT_LENGTH;
            for (int i = 0; i < extents.runCount(); i++)
            {
                out.putLong(at + RUN_FILE_AU_OFFSET, extents.runFileAu(i), LITTLE_ENDIAN);
                out.putLong(at + RUN_PHYSICAL_AU_OFFSET, extents.runPhysicalAu(i), LITTLE_ENDIAN);
                out.putLong(at + RUN_COUNT_OFFSET, extents.runCount(i), LITTLE_ENDIAN);
                at += RUN_LENGTH;
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
        CheckpointDescriptor.checkHeader(in, length);
        final int auSize = in.getInt(AU_SIZE_OFFSET, LITTLE_ENDIAN);
        if (auSize != state.auSize)
        {
            throw FormatException.corrupt("checkpoint AU size differs from the volume header: checkpoint=" +
                auSize + ", header=" + state.auSize);
        }
        final long lsn = in.getLong(LSN_OFFSET, LITTLE_ENDIAN);
        final long nodeCount = in.getLong(NODE_COUNT_OFFSET, LITTLE_ENDIAN);
        final int volumeCount = in.getInt(VOLUME_COUNT_OFFSET, LITTLE_ENDIAN);
        int at = HEADER_LENGTH;
        for (int v = 0; v < volumeCount; v++)
        {
            final int id = in.getInt(at + VOLUME_ID_OFFSET, LITTLE_ENDIAN);
            final UUID uuid = new UUID(in.getLong(at + VOLUME_UUID_MSB_OFFSET, LITTLE_ENDIAN),
                in.getLong(at + VOLUME_UUID_LSB_OFFSET, LITTLE_ENDIAN));
            final String path = PrefixedStrings.getText(in, at + VOLUME_PATH_OFFSET);
            state.volumes[id] = new VolumeEntry(id, uuid, in.getLong(at + VOLUME_AU_COUNT_OFFSET, LITTLE_ENDIAN), path);
            at += VOLUME_PATH_OFFSET + PrefixedStrings.textFieldLength(in, at + VOLUME_PATH_OFFSET);
        }
        for (long n = 0; n < nodeCount; n++)
        {
            at = decodeNode(in, at, state);
        }
        if (at != length)
        {
            throw FormatException.corrupt("checkpoint length mismatch: decoded=" + at + ", stored=" + length);
        }
        state.nextNodeId = in.getLong(NEXT_NODE_ID_OFFSET, LITTLE_ENDIAN);
        return lsn;
    }

    private static int decodeNode(final DirectBuffer in, final int start, final MetadataState state)
    {
        final long id = in.getLong(start + NODE_ID_OFFSET, LITTLE_ENDIAN);
        final long parentId = in.getLong(start + NODE_PARENT_ID_OFFSET, LITTLE_ENDIAN);
        final FileType type = FileType.ofCode(in.getByte(start + NODE_TYPE_OFFSET));
        final int flags = in.getByte(start + NODE_FLAGS_OFFSET) & 0xFF;
        final boolean orphan = CheckpointDescriptor.isOrphan(flags);
        final String name = PrefixedStrings.getName(in, start + NODE_NAME_OFFSET);
        int at = start + NODE_NAME_OFFSET + PrefixedStrings.nameFieldLength(in, start + NODE_NAME_OFFSET);
        final long created = in.getLong(at + TAIL_CREATED_OFFSET, LITTLE_ENDIAN);
        final long updated = in.getLong(at + TAIL_UPDATED_OFFSET, LITTLE_ENDIAN);
        final long size = in.getLong(at + TAIL_SIZE_OFFSET, LITTLE_ENDIAN);
        final long written = in.getLong(at + TAIL_WRITTEN_SIZE_OFFSET, LITTLE_ENDIAN);
        at += TAIL_LENGTH;
        String target = null;
        if (type == FileType.LINK)
        {
            target = PrefixedStrings.getText(in, at);
            at += PrefixedStrings.textFieldLength(in, at);
        }
        final Node node = new Node(id, type, name, parentId, created, target);
        node.size = size;
        node.writtenSize = written;
        node.orphan = orphan;
        node.orphanOwner = CheckpointDescriptor.orphanOwner(flags);
        if (type == FileType.FILE)
        {
            at = decodeExtents(in, at, state, node);
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

    private static int decodeExtents(final DirectBuffer in, final int start, final MetadataState state,
        final Node node)
    {
        final int runs = in.getInt(start, LITTLE_ENDIAN);
        int at = start + RUN_COUNT_LENGTH;
        final long[] fileAus = new long[runs];
        final long[] physicalAus = new long[runs];
        final long[] counts = new long[runs];
        for (int r = 0; r < runs; r++, at += RUN_LENGTH)
        {
            fileAus[r] = in.getLong(at + RUN_FILE_AU_OFFSET, LITTLE_ENDIAN);
            physicalAus[r] = in.getLong(at + RUN_PHYSICAL_AU_OFFSET, LITTLE_ENDIAN);
            counts[r] = in.getLong(at + RUN_COUNT_OFFSET, LITTLE_ENDIAN);
            state.markUsed(physicalAus[r], counts[r]);
        }
        try
        {
            node.extents = ExtentMap.ofSorted(fileAus, physicalAus, counts, runs);
        }
        catch (final IllegalStateException ex)
        {
            throw FormatException.corrupt("checkpoint extents of a file are bad: nodeId=" + node.id + ", " +
                ex.getMessage());
        }
        return at;
    }
}
