package io.respool.dss.engine;

import io.respool.dss.FileType;
import io.respool.dss.format.PrefixedStrings;
import org.agrona.MutableDirectBuffer;

import java.util.UUID;

import static io.respool.dss.format.RedoRecordDescriptor.ADD_VOLUME_AU_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.ADD_VOLUME_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.ADD_VOLUME_PATH_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.ADD_VOLUME_UUID_LSB_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.ADD_VOLUME_UUID_MSB_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.ALLOCATE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.ALLOCATE_RUN_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.CREATE_FILE_TYPE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.CREATE_NAME_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.CREATE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.CREATE_PARENT_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.FREE_ORPHAN_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.FREE_ORPHAN_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_ORPHAN_OWNER_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_TREE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_TREE_ORPHAN_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_TREE_ORPHAN_OWNER_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_VOLUME_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_VOLUME_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.RENAME_NAME_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RENAME_NEW_PARENT_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RENAME_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_FILE_AU_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_PHYSICAL_AU_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_SIZE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_WRITTEN_SIZE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.TRUNCATE_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.TRUNCATE_NEW_SIZE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.TRUNCATE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.allocateLength;
import static io.respool.dss.format.RedoRecordDescriptor.allocateRunOffset;
import static io.respool.dss.format.RedoRecordDescriptor.removeTreeLength;
import static io.respool.dss.format.RedoRecordDescriptor.removeTreeOrphanOffset;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Encoders of the redo record payloads, written at {@code index} (just after the record header). Each returns the
 * payload length. The layouts are in {@link io.respool.dss.format.RedoRecordDescriptor}; decoding lives next to the
 * state it changes, in {@link MetadataState}.
 */
final class Records
{
    static final int MAX_RUNS_PER_RECORD = 1024;
    /** The largest payload, an ALLOCATE of the most runs, with 8 bytes to spare. */
    static final int MAX_PAYLOAD = allocateLength(MAX_RUNS_PER_RECORD) + Long.BYTES;

    private Records()
    {
    }

    static int create(
        final MutableDirectBuffer b, final int i, final long parentId, final long nodeId, final FileType type,
        final String name, final String target)
    {
        b.putLong(i + CREATE_PARENT_ID_OFFSET, parentId, LITTLE_ENDIAN);
        b.putLong(i + CREATE_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putByte(i + CREATE_FILE_TYPE_OFFSET, (byte)type.code());
        final int nameEnd = PrefixedStrings.putName(b, i + CREATE_NAME_OFFSET, name);
        return PrefixedStrings.putText(b, nameEnd, target == null ? "" : target) - i;
    }

    /**
     * A FREE_ORPHAN payload.
     */
    static int nodeOnly(final MutableDirectBuffer b, final int i, final long nodeId)
    {
        b.putLong(i + FREE_ORPHAN_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        return FREE_ORPHAN_LENGTH;
    }

    static int remove(final MutableDirectBuffer b, final int i, final long nodeId, final int orphanOwner)
    {
        b.putLong(i + REMOVE_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putInt(i + REMOVE_ORPHAN_OWNER_OFFSET, orphanOwner, LITTLE_ENDIAN);
        return REMOVE_LENGTH;
    }

    static int removeTree(final MutableDirectBuffer b, final int i, final long nodeId, final int orphanOwner,
        final long[] orphans)
    {
        b.putLong(i + REMOVE_TREE_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putInt(i + REMOVE_TREE_ORPHAN_OWNER_OFFSET, orphanOwner, LITTLE_ENDIAN);
        b.putInt(i + REMOVE_TREE_ORPHAN_COUNT_OFFSET, orphans.length, LITTLE_ENDIAN);
        for (int n = 0; n < orphans.length; n++)
        {
            b.putLong(removeTreeOrphanOffset(i, n), orphans[n], LITTLE_ENDIAN);
        }
        return removeTreeLength(orphans.length);
    }

    static int rename(final MutableDirectBuffer b, final int i, final long nodeId, final long newParentId,
        final String newName)
    {
        b.putLong(i + RENAME_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putLong(i + RENAME_NEW_PARENT_ID_OFFSET, newParentId, LITTLE_ENDIAN);
        return PrefixedStrings.putName(b, i + RENAME_NAME_OFFSET, newName) - i;
    }

    static int allocate(final MutableDirectBuffer b, final int i, final long nodeId, final long[] fileAus,
        final long[] physicalAus, final long[] counts, final int runs)
    {
        b.putLong(i + ALLOCATE_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putInt(i + ALLOCATE_RUN_COUNT_OFFSET, runs, LITTLE_ENDIAN);
        for (int r = 0; r < runs; r++)
        {
            final int at = allocateRunOffset(i, r);
            b.putLong(at + RUN_FILE_AU_OFFSET, fileAus[r], LITTLE_ENDIAN);
            b.putLong(at + RUN_PHYSICAL_AU_OFFSET, physicalAus[r], LITTLE_ENDIAN);
            b.putLong(at + RUN_COUNT_OFFSET, counts[r], LITTLE_ENDIAN);
        }
        return allocateLength(runs);
    }

    static int setSize(final MutableDirectBuffer b, final int i, final long nodeId, final long size,
        final long writtenSize)
    {
        b.putLong(i + SET_SIZE_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putLong(i + SET_SIZE_SIZE_OFFSET, size, LITTLE_ENDIAN);
        b.putLong(i + SET_SIZE_WRITTEN_SIZE_OFFSET, writtenSize, LITTLE_ENDIAN);
        return SET_SIZE_LENGTH;
    }

    static int truncate(final MutableDirectBuffer b, final int i, final long nodeId, final long newSize)
    {
        b.putLong(i + TRUNCATE_NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        b.putLong(i + TRUNCATE_NEW_SIZE_OFFSET, newSize, LITTLE_ENDIAN);
        return TRUNCATE_LENGTH;
    }

    static int addVolume(final MutableDirectBuffer b, final int i, final int volumeId, final long auCount,
        final UUID uuid, final String path)
    {
        b.putInt(i + ADD_VOLUME_ID_OFFSET, volumeId, LITTLE_ENDIAN);
        b.putLong(i + ADD_VOLUME_AU_COUNT_OFFSET, auCount, LITTLE_ENDIAN);
        b.putLong(i + ADD_VOLUME_UUID_MSB_OFFSET, uuid.getMostSignificantBits(), LITTLE_ENDIAN);
        b.putLong(i + ADD_VOLUME_UUID_LSB_OFFSET, uuid.getLeastSignificantBits(), LITTLE_ENDIAN);
        return PrefixedStrings.putText(b, i + ADD_VOLUME_PATH_OFFSET, path) - i;
    }

    static int removeVolume(final MutableDirectBuffer b, final int i, final int volumeId)
    {
        b.putInt(i + REMOVE_VOLUME_ID_OFFSET, volumeId, LITTLE_ENDIAN);
        return REMOVE_VOLUME_LENGTH;
    }
}
