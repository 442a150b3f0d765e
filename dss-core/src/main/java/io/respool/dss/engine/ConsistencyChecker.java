package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.DssException;
import io.respool.dss.FileType;
import io.respool.dss.format.RootControl;
import io.respool.dss.format.VolumeHeader;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static io.respool.dss.format.EntryVolumeLayout.auIndexOf;
import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static io.respool.dss.format.EntryVolumeLayout.volumeOf;

/**
 * {@code dsscmd check}: verifies every metadata structure, like fsck. It re-reads the disk (both root copies, every
 * volume header, the active checkpoint and the whole log after it), rebuilds the state from them and compares it with
 * the state in memory, then checks the tree and that every allocation unit has exactly one owner and is marked used
 * exactly when owned. Runs under the metadata write lock, after the log is flushed.
 */
final class ConsistencyChecker
{
    private final String vgName;
    private final UUID vgUuid;
    private final int auSize;
    private final BlockDevice entry;
    private final RootStore roots;
    private final MetadataState live;
    private final RedoLog log;
    private final Checkpointer checkpointer;
    private final MetaLock metaLock;
    private List<String> problems;

    ConsistencyChecker(final String vgName, final UUID vgUuid, final BlockDevice entry, final RootStore roots,
        final MetadataState live, final RedoLog log, final Checkpointer checkpointer, final MetaLock metaLock)
    {
        this.vgName = vgName;
        this.vgUuid = vgUuid;
        this.auSize = live.auSize;
        this.entry = entry;
        this.roots = roots;
        this.live = live;
        this.log = log;
        this.checkpointer = checkpointer;
        this.metaLock = metaLock;
    }

    /**
     * Flush the log, then check, all under the metadata write lock. The caller runs inside a change (it holds the
     * volume-group lock), so no other instance writes meanwhile.
     *
     * @param repair rewrite a torn root copy from the whole one; false when the group is open read-only.
     * @return the problems found, one line each; empty if none.
     */
    List<String> check(final boolean repair)
    {
        metaLock.writeLock().lock();
        try
        {
            metaLock.checkOpen();
            log.awaitDurable(log.appendedLsn());
            live.releaseFrees(log.durableLsn());
            problems = new ArrayList<>();
            checkRootCopies(repair);
            checkVolumeHeaders();
            final MetadataState onDisk = rebuildFromDisk();
            if (onDisk != null)
            {
                compare(onDisk);
            }
            checkTree();
            checkAllocation();
            return problems;
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    private void checkRootCopies(final boolean repair)
    {
        problems.addAll(roots.takeRepairs());
        final RootStore store = new RootStore(entry);
        int invalid = 0;
        for (int copy = 0; copy < 2; copy++)
        {
            final String reason = store.read(copy);
            if (reason != null)
            {
                invalid++;
                problems.add("root control copy " + (copy == 0 ? "A" : "B") + " is invalid: " + reason +
                    (repair ? " (rewritten from the other copy by this check)" : " (not rewritten: open read-only)"));
            }
        }
        if (invalid == 1 && repair)
        {
            // a check runs as a change: under the volume-group lock, inside the fence gate
            store.load(true);
        }
    }

    private void checkVolumeHeaders()
    {
        for (final VolumeEntry volume : live.volumeList())
        {
            try
            {
                final VolumeHeader header = VolumeGroupFormatter.readHeader(volume.device).validate(volume.path);
                if (!header.vgUuid().equals(vgUuid) || header.volumeId() != volume.id ||
                    (volume.id != 0 && !header.volumeUuid().equals(volume.uuid)))
                {
                    problems.add("volume header does not match the group: volume=" + volume.path + ", id=" +
                        volume.id + ", headerId=" + header.volumeId());
                }
            }
            catch (final DssException ex)
            {
                problems.add(ex.getMessage());
            }
        }
    }

    private MetadataState rebuildFromDisk()
    {
        try
        {
            final RootControl root = new RootStore(entry).load(false);
            final MetadataState state = new MetadataState(auSize);
            final UnsafeBuffer checkpoint = Checkpointer.read(entry, root, auSize);
            CheckpointCodec.decode(checkpoint, (int)root.checkpointLength(), state);
            final long end = LogReplay.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(),
                root.checkpointLsn(), (type, buffer, index, ts, lsn) -> state.apply(type, buffer, index, ts));
            if (end < log.durableLsn())
            {
                problems.add(LogDamage.scan(entry, root, end, log.durableLsn())
                    .describe(vgName, entry.path().toString(), "durableEnd"));
            }
            else if (end != log.durableLsn())
            {
                problems.add("redo log ends early: validEnd=" + end + ", durable=" + log.durableLsn());
            }
            return state;
        }
        catch (final DssException | IllegalStateException ex)
        {
            problems.add("rebuilding the metadata from disk failed: " + ex.getMessage());
            return null;
        }
    }

    private void compare(final MetadataState onDisk)
    {
        for (final Node node : live.nodes.values())
        {
            final Node disk = onDisk.nodes.get(node.id);
            if (node.orphan)
            {
                continue; // deleted while open: removed in the log, kept in memory until its last handle closes
            }
            if (disk == null)
            {
                problems.add("node in memory but not on disk: id=" + node.id + ", name=" + node.name);
                continue;
            }
            if (!node.name.equals(disk.name) || node.parentId != disk.parentId || node.type != disk.type ||
                node.orphan != disk.orphan || !Objects.equals(node.target, disk.target) ||
                (!node.sizeDirty && (node.size != disk.size || node.writtenSize != disk.writtenSize)) ||
                !sameExtents(node.extents, disk.extents))
            {
                problems.add("node differs between memory and disk (memory/disk): id=" + node.id + ", name=" +
                    node.name + ", parent=" + node.parentId + "/" + disk.parentId + ", size=" + node.size + "/" +
                    disk.size + ", written=" + node.writtenSize + "/" + disk.writtenSize + ", aus=" +
                    node.extents.allocatedAus() + "/" + disk.extents.allocatedAus() + ", orphan=" + node.orphan +
                    "/" + disk.orphan);
            }
        }
        for (final Node disk : onDisk.nodes.values())
        {
            if (live.nodes.get(disk.id) == null && !disk.orphan)
            {
                problems.add("node on disk but not in memory: id=" + disk.id + ", name=" + disk.name);
            }
        }
    }

    private static boolean sameExtents(final ExtentMap a, final ExtentMap b)
    {
        if (a.runCount() != b.runCount())
        {
            return false;
        }
        for (int i = 0; i < a.runCount(); i++)
        {
            if (a.runFileAu(i) != b.runFileAu(i) || a.runPhysicalAu(i) != b.runPhysicalAu(i) ||
                a.runCount(i) != b.runCount(i))
            {
                return false;
            }
        }
        return true;
    }

    private void checkTree()
    {
        final Long2ObjectHashMap<Node> reached = new Long2ObjectHashMap<>();
        final ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(live.root);
        long maxId = 0;
        while (!queue.isEmpty())
        {
            final Node node = queue.poll();
            if (reached.put(node.id, node) != null)
            {
                problems.add("node reached twice (directory cycle or hard link): id=" + node.id + ", name=" + node.name);
                continue;
            }
            maxId = Math.max(maxId, node.id);
            if (node.writtenSize > node.size)
            {
                problems.add("written size past the end: id=" + node.id + ", name=" + node.name + ", size=" +
                    node.size + ", written=" + node.writtenSize);
            }
            if (node.isDirectory())
            {
                for (final Map.Entry<String, Node> child : node.children.entrySet())
                {
                    final Node c = child.getValue();
                    if (!child.getKey().equals(c.name) || c.parentId != node.id)
                    {
                        problems.add("directory entry disagrees with its node: dir=" + node.name + ", entry=" +
                            child.getKey() + ", node=" + c.name + ", parentId=" + c.parentId);
                    }
                    try
                    {
                        Names.checkName(c.name, "name");
                    }
                    catch (final DssException ex)
                    {
                        problems.add(ex.getMessage());
                    }
                    queue.add(c);
                }
            }
        }
        for (final Node node : live.nodes.values())
        {
            maxId = Math.max(maxId, node.id);
            if (!reached.containsKey(node.id) && !node.orphan)
            {
                problems.add("node not reachable from the root: id=" + node.id + ", name=" + node.name);
            }
        }
        if (live.nextNodeId <= maxId)
        {
            problems.add("next node id would reuse an id: next=" + live.nextNodeId + ", max=" + maxId);
        }
    }

    private void checkAllocation()
    {
        final Map<Long, String> owners = new HashMap<>();
        for (final VolumeEntry volume : live.volumeList())
        {
            own(owners, physicalAu(volume.id, 0), 1, "system area of volume " + volume.id);
        }
        final RootControl root = roots.root();
        own(owners, physicalAu(0, root.logOffset() / auSize), VolumeGroupLoader.logAus(root), "redo log");
        for (int slot = 0; slot < 2; slot++)
        {
            final long[] aus = checkpointer.slotAus()[slot];
            for (int i = 0; i < aus.length; i++)
            {
                own(owners, aus[i], checkpointer.slotCounts()[slot][i], "checkpoint slot " + slot);
            }
        }
        for (final Node node : live.nodes.values())
        {
            if (node.type == FileType.FILE)
            {
                final String owner = "file id=" + node.id + " name=" + node.name;
                node.extents.forEachRun((au, count) -> own(owners, au, count, owner));
            }
        }
        for (final VolumeEntry volume : live.volumeList())
        {
            long leaked = 0;
            for (long au = 0; au < volume.auCount; au++)
            {
                final boolean owned = owners.containsKey(physicalAu(volume.id, au));
                final boolean used = volume.space.isUsed(au);
                if (owned && !used)
                {
                    problems.add("AU owned but marked free: volume=" + volume.id + ", au=" + au + ", owner=" +
                        owners.get(physicalAu(volume.id, au)));
                }
                else if (!owned && used)
                {
                    leaked++;
                }
            }
            if (leaked > 0)
            {
                problems.add("AUs marked used but owned by nothing (leaked): volume=" + volume.id + ", count=" + leaked);
            }
        }
    }

    private void own(final Map<Long, String> owners, final long firstAu, final long count, final String owner)
    {
        final VolumeEntry volume = live.volumes[volumeOf(firstAu)];
        if (volume == null || auIndexOf(firstAu) + count > volume.auCount)
        {
            problems.add("AUs outside any volume: owner=" + owner + ", volume=" + volumeOf(firstAu) + ", au=" +
                auIndexOf(firstAu) + ", count=" + count);
            return;
        }
        for (long i = 0; i < count; i++)
        {
            final String previous = owners.putIfAbsent(firstAu + i, owner);
            if (previous != null)
            {
                problems.add("AU owned twice: volume=" + volumeOf(firstAu) + ", au=" + (auIndexOf(firstAu) + i) +
                    ", owners=[" + previous + "], [" + owner + "]");
            }
        }
    }
}
