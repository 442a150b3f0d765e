package io.respool.dss.engine;

import io.respool.dss.FileType;
import io.respool.dss.format.FormatException;
import io.respool.dss.format.PrefixedStrings;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.respool.dss.format.EntryVolumeLayout.MAX_VOLUMES;
import static io.respool.dss.format.EntryVolumeLayout.auIndexOf;
import static io.respool.dss.format.EntryVolumeLayout.volumeOf;
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
import static io.respool.dss.format.RedoRecordDescriptor.FREE_ORPHAN_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_ORPHAN_OWNER_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_TREE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_TREE_ORPHAN_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_TREE_ORPHAN_OWNER_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_VOLUME_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RENAME_NAME_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RENAME_NEW_PARENT_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RENAME_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_COUNT_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_FILE_AU_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.RUN_PHYSICAL_AU_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_SIZE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_WRITTEN_SIZE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.TRUNCATE_NEW_SIZE_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.TRUNCATE_NODE_ID_OFFSET;
import static io.respool.dss.format.RedoRecordDescriptor.allocateRunOffset;
import static io.respool.dss.format.RedoRecordDescriptor.removeTreeOrphanOffset;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The whole metadata of a volume group in memory: the tree, every file's extents, the volumes and their space maps.
 * It changes only by {@link #apply} of a redo record, live and at replay alike, so the state after recovery is the
 * state that was acknowledged. Guarded by the engine's metadata lock (single writer at a time).
 */
final class MetadataState
{
    static final long ROOT_ID = 1;

    final int auSize;
    final Long2ObjectHashMap<Node> nodes = new Long2ObjectHashMap<>();
    final VolumeEntry[] volumes = new VolumeEntry[MAX_VOLUMES];
    long nextNodeId = ROOT_ID + 1;
    Node root;

    /**
     * Live, AUs freed by a record stay in use until the record is durable: reused earlier, another file's data could
     * overwrite them while a crash would still bring back the file that owned them. Off during replay, where every
     * record is already durable.
     */
    private boolean deferFrees;
    /** Replaying records another instance committed: they are durable, and their deletes end local handles. */
    private boolean applyingForeign;
    /** Frees not yet durable: {physicalAu, count, lsn}; lsn 0 until the freeing record's LSN is known. */
    private final ArrayDeque<long[]> pendingFrees = new ArrayDeque<>();
    private final List<VolumeEntry> removedVolumes = new ArrayList<>();

    MetadataState(final int auSize)
    {
        this.auSize = auSize;
    }

    void createRoot(final String vgName, final long createdMs)
    {
        root = new Node(ROOT_ID, FileType.DIRECTORY, vgName, 0, createdMs, null);
        nodes.put(ROOT_ID, root);
    }

    Node node(final long id)
    {
        return nodes.get(id);
    }

    List<VolumeEntry> volumeList()
    {
        final List<VolumeEntry> list = new ArrayList<>();
        for (final VolumeEntry volume : volumes)
        {
            if (volume != null)
            {
                list.add(volume);
            }
        }
        return list;
    }

    SpaceMap space(final long physicalAu)
    {
        final VolumeEntry volume = volumes[volumeOf(physicalAu)];
        if (volume == null)
        {
            throw FormatException.corrupt("AU on a volume not in the group: volumeId=" + volumeOf(physicalAu) +
                ", au=" + auIndexOf(physicalAu));
        }
        return volume.space;
    }

    void markUsed(final long physicalAu, final long count)
    {
        space(physicalAu).markUsed(auIndexOf(physicalAu), count);
    }

    void markFree(final long physicalAu, final long count)
    {
        if (deferFrees && !applyingForeign)
        {
            pendingFrees.add(new long[]{physicalAu, count, 0});
        }
        else
        {
            markFreeNow(physicalAu, count);
        }
    }

    void markFreeNow(final long physicalAu, final long count)
    {
        space(physicalAu).markFree(auIndexOf(physicalAu), count);
    }

    void applyingForeign(final boolean value)
    {
        applyingForeign = value;
    }

    /**
     * From now on, frees wait until their record is durable.
     */
    void deferFrees()
    {
        deferFrees = true;
    }

    /**
     * Tag the frees of the record just applied with its LSN.
     */
    void freesLoggedAt(final long lsn)
    {
        for (final java.util.Iterator<long[]> it = pendingFrees.descendingIterator(); it.hasNext(); )
        {
            final long[] free = it.next();
            if (free[2] != 0)
            {
                break;
            }
            free[2] = lsn;
        }
    }

    /**
     * Release the frees whose records are durable.
     */
    void releaseFrees(final long durableLsn)
    {
        while (!pendingFrees.isEmpty() && pendingFrees.peekFirst()[2] != 0 && pendingFrees.peekFirst()[2] <= durableLsn)
        {
            final long[] free = pendingFrees.pollFirst();
            markFreeNow(free[0], free[1]);
        }
    }

    /**
     * @return the LSN up to which the log must be durable to release every pending free, or 0 if none.
     */
    long pendingFreesLsn()
    {
        return pendingFrees.isEmpty() ? 0 : pendingFrees.peekLast()[2];
    }

    /**
     * Apply one redo record's payload.
     *
     * @throws FormatException if the record does not fit the state: the log and the checkpoint disagree.
     */
    void apply(final RecordType type, final DirectBuffer b, final int p, final long timestampMs)
    {
        switch (type)
        {
            case PAD ->
            {
                // a pad only fills the log to a block boundary
            }
            case CREATE -> applyCreate(b, p, timestampMs);
            case REMOVE -> remove(existing(b.getLong(p + REMOVE_NODE_ID_OFFSET, LITTLE_ENDIAN), type), timestampMs,
                b.getInt(p + REMOVE_ORPHAN_OWNER_OFFSET, LITTLE_ENDIAN));
            case REMOVE_TREE -> applyRemoveTree(b, p, timestampMs);
            case RENAME -> applyRename(b, p, timestampMs);
            case ALLOCATE -> applyAllocate(b, p, timestampMs);
            case SET_SIZE ->
            {
                final Node node = existing(b.getLong(p + SET_SIZE_NODE_ID_OFFSET, LITTLE_ENDIAN), type);
                // Sizes grown by writes: several instances log their own views of one growing file, in any order,
                // and this instance's writes raise the size meanwhile. The file is as long as the largest of them.
                node.raiseSize(b.getLong(p + SET_SIZE_SIZE_OFFSET, LITTLE_ENDIAN));
                node.raiseWrittenSize(b.getLong(p + SET_SIZE_WRITTEN_SIZE_OFFSET, LITTLE_ENDIAN));
                node.updatedMs = timestampMs;
            }
            case TRUNCATE -> truncate(existing(b.getLong(p + TRUNCATE_NODE_ID_OFFSET, LITTLE_ENDIAN), type),
                b.getLong(p + TRUNCATE_NEW_SIZE_OFFSET, LITTLE_ENDIAN), timestampMs);
            case FREE_ORPHAN -> free(existing(b.getLong(p + FREE_ORPHAN_NODE_ID_OFFSET, LITTLE_ENDIAN), type));
            case ADD_VOLUME ->
            {
                final int id = b.getInt(p + ADD_VOLUME_ID_OFFSET, LITTLE_ENDIAN);
                final UUID uuid = new UUID(b.getLong(p + ADD_VOLUME_UUID_MSB_OFFSET, LITTLE_ENDIAN),
                    b.getLong(p + ADD_VOLUME_UUID_LSB_OFFSET, LITTLE_ENDIAN));
                volumes[id] = new VolumeEntry(id, uuid, b.getLong(p + ADD_VOLUME_AU_COUNT_OFFSET, LITTLE_ENDIAN),
                    PrefixedStrings.getText(b, p + ADD_VOLUME_PATH_OFFSET));
            }
            case REMOVE_VOLUME ->
            {
                final int id = b.getInt(p + REMOVE_VOLUME_ID_OFFSET, LITTLE_ENDIAN);
                if (applyingForeign && volumes[id] != null)
                {
                    removedVolumes.add(volumes[id]);
                }
                volumes[id] = null;
            }
            default -> throw FormatException.corrupt("unknown redo record type: type=" + type);
        }
    }

    private void applyCreate(final DirectBuffer b, final int p, final long ts)
    {
        final Node parent = existing(b.getLong(p + CREATE_PARENT_ID_OFFSET, LITTLE_ENDIAN), RecordType.CREATE);
        final long id = b.getLong(p + CREATE_NODE_ID_OFFSET, LITTLE_ENDIAN);
        final FileType fileType = FileType.ofCode(b.getByte(p + CREATE_FILE_TYPE_OFFSET));
        final int nameAt = p + CREATE_NAME_OFFSET;
        final String name = PrefixedStrings.getName(b, nameAt);
        final String target = fileType == FileType.LINK ?
            PrefixedStrings.getText(b, nameAt + PrefixedStrings.nameFieldLength(b, nameAt)) : null;
        final Node node = new Node(id, fileType, name, parent.id, ts, target);
        attach(parent, node, ts);
        nodes.put(id, node);
        nextNodeId = Math.max(nextNodeId, id + 1);
    }

    private void applyRemoveTree(final DirectBuffer b, final int p, final long ts)
    {
        final int owner = b.getInt(p + REMOVE_TREE_ORPHAN_OWNER_OFFSET, LITTLE_ENDIAN);
        final org.agrona.collections.LongHashSet kept = new org.agrona.collections.LongHashSet();
        for (int n = 0, count = b.getInt(p + REMOVE_TREE_ORPHAN_COUNT_OFFSET, LITTLE_ENDIAN); n < count; n++)
        {
            kept.add(b.getLong(removeTreeOrphanOffset(p, n), LITTLE_ENDIAN));
        }
        removeTree(existing(b.getLong(p + REMOVE_TREE_NODE_ID_OFFSET, LITTLE_ENDIAN), RecordType.REMOVE_TREE), ts,
            owner, kept);
    }

    private void applyRename(final DirectBuffer b, final int p, final long ts)
    {
        final Node node = existing(b.getLong(p + RENAME_NODE_ID_OFFSET, LITTLE_ENDIAN), RecordType.RENAME);
        final Node newParent = existing(b.getLong(p + RENAME_NEW_PARENT_ID_OFFSET, LITTLE_ENDIAN), RecordType.RENAME);
        detach(node, ts);
        node.name = PrefixedStrings.getName(b, p + RENAME_NAME_OFFSET);
        node.parentId = newParent.id;
        attach(newParent, node, ts);
    }

    private void applyAllocate(final DirectBuffer b, final int p, final long ts)
    {
        final Node node = existing(b.getLong(p + ALLOCATE_NODE_ID_OFFSET, LITTLE_ENDIAN), RecordType.ALLOCATE);
        final int runs = b.getInt(p + ALLOCATE_RUN_COUNT_OFFSET, LITTLE_ENDIAN);
        ExtentMap extents = node.extents;
        for (int r = 0; r < runs; r++)
        {
            final int at = allocateRunOffset(p, r);
            final long physicalAu = b.getLong(at + RUN_PHYSICAL_AU_OFFSET, LITTLE_ENDIAN);
            final long count = b.getLong(at + RUN_COUNT_OFFSET, LITTLE_ENDIAN);
            markUsed(physicalAu, count);
            extents = extents.with(b.getLong(at + RUN_FILE_AU_OFFSET, LITTLE_ENDIAN), physicalAu, count);
        }
        node.extents = extents;
        node.updatedMs = ts;
    }

    void attach(final Node parent, final Node node, final long ts)
    {
        if (!parent.isDirectory())
        {
            throw FormatException.corrupt("parent is not a directory: parentId=" + parent.id + ", child=" + node.name);
        }
        parent.children.put(node.name, node);
        parent.updatedMs = ts;
    }

    private void detach(final Node node, final long ts)
    {
        final Node parent = nodes.get(node.parentId);
        if (parent != null && parent.children.get(node.name) == node)
        {
            parent.children.remove(node.name);
            parent.updatedMs = ts;
        }
    }

    /**
     * Detach a node. A file kept open by instance {@code orphanOwner} (as the record says, so every instance and
     * every replay agrees) becomes an orphan that holds its space until that instance frees it; otherwise its space
     * is freed, and handles other instances still have on it fail from now on.
     */
    private void remove(final Node node, final long ts, final int orphanOwner)
    {
        detach(node, ts);
        if (node.type == FileType.FILE && orphanOwner >= 0)
        {
            node.orphan = true;
            node.orphanOwner = orphanOwner;
        }
        else
        {
            free(node);
        }
    }

    private void removeTree(final Node node, final long ts, final int orphanOwner,
        final org.agrona.collections.LongHashSet kept)
    {
        if (node.isDirectory())
        {
            for (final Node child : List.copyOf(node.children.values()))
            {
                removeTree(child, ts, orphanOwner, kept);
            }
        }
        remove(node, ts, kept.contains(node.id) ? orphanOwner : -1);
    }

    private void truncate(final Node node, final long newSize, final long ts)
    {
        final long keepAus = (newSize + auSize - 1) / auSize;
        node.extents = node.extents.truncatedTo(keepAus, this::markFree);
        node.size = newSize;
        node.writtenSize = Math.min(node.writtenSize, newSize);
        node.updatedMs = ts;
    }

    private void free(final Node node)
    {
        node.extents.forEachRun(this::markFree);
        node.extents = ExtentMap.EMPTY;
        nodes.remove(node.id);
        node.deleted = true;
    }

    /**
     * Take over the tree, extents and space of {@code fresh} (loaded from a newer checkpoint), keeping the Node
     * objects that open handles hold: same id, fields updated; nodes gone from {@code fresh} are marked deleted.
     */
    void adopt(final MetadataState fresh)
    {
        final Long2ObjectHashMap<Node> previous = new Long2ObjectHashMap<>();
        previous.putAll(nodes);
        nodes.clear();
        for (final Node f : fresh.nodes.values())
        {
            final Node live = previous.remove(f.id);
            final Node node = live != null && live.type == f.type ? live : f;
            if (node != f)
            {
                node.name = f.name;
                node.parentId = f.parentId;
                if (node.sizeDirty)
                {
                    // a size grown by writes not yet logged is newer than any checkpoint, but the checkpoint may
                    // hold another instance's growth of the same file
                    node.raiseSize(f.size);
                    node.raiseWrittenSize(f.writtenSize);
                }
                else
                {
                    node.size = f.size;
                    node.writtenSize = f.writtenSize;
                }
                node.extents = f.extents;
                node.orphan = f.orphan;
                node.orphanOwner = f.orphanOwner;
                node.updatedMs = f.updatedMs;
                if (node.children != null)
                {
                    node.children.clear();
                }
            }
            nodes.put(node.id, node);
        }
        for (final Node gone : previous.values())
        {
            gone.deleted = true;
        }
        for (final Node node : nodes.values())
        {
            final Node parent = nodes.get(node.parentId);
            if (node.id != ROOT_ID && !node.orphan && parent != null)
            {
                parent.children.put(node.name, node);
            }
        }
        root = nodes.get(ROOT_ID);
        nextNodeId = fresh.nextNodeId;
        for (int i = 0; i < volumes.length; i++)
        {
            final VolumeEntry f = fresh.volumes[i];
            if (f == null)
            {
                if (volumes[i] != null)
                {
                    removedVolumes.add(volumes[i]);
                }
                volumes[i] = null;
            }
            else
            {
                if (volumes[i] != null && volumes[i].device != null)
                {
                    f.attach(volumes[i].device);
                }
                volumes[i] = f;
            }
        }
        pendingFrees.clear();
    }

    /**
     * Close the devices of volumes that replay removed.
     */
    void closeRemovedDevices()
    {
        for (final VolumeEntry volume : removedVolumes)
        {
            org.agrona.CloseHelper.quietClose(volume.device);
        }
        removedVolumes.clear();
    }

    private Node existing(final long id, final RecordType type)
    {
        final Node node = nodes.get(id);
        if (node == null)
        {
            throw FormatException.corrupt("redo record names a missing node: type=" + type + ", nodeId=" + id);
        }
        return node;
    }
}
