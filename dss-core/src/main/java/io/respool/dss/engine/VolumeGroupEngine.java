package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDeviceException;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.VolumeGroup;
import io.respool.dss.VolumeInfo;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.RootControl;
import io.respool.dss.format.VolumeHeader;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.respool.dss.format.EntryVolumeLayout.auIndexOf;
import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static io.respool.dss.format.EntryVolumeLayout.volumeOf;

/**
 * An open volume group. Metadata lives in memory ({@link MetadataState}), rebuilt at open from the active checkpoint
 * plus every committed redo record after it. A metadata change validates against the state, appends one record and
 * applies it under the metadata write lock, then waits outside the lock until the record is durable, so concurrent
 * changes share one log write (group commit). When half the log is in use a checkpoint is written to the inactive
 * slot and the root control switched to it.
 * <p>
 * Lock order: a node's {@code ioLock}, then the metadata lock, then the log's internal locks.
 */
public final class VolumeGroupEngine implements VolumeGroup, Coordinator.Engine
{
    static final long MAX_FILE_SIZE = 8L << 40;
    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupEngine.class);

    private final String name;
    private final UUID vgUuid;
    private final int auSize;
    private final Volumes volumeOpener;
    private final Coordinator coordinator;
    private final BlockDevice entry;
    private final RootStore roots;
    private final MetadataState state;
    private final RedoLog log;
    private final ReentrantReadWriteLock metaLock = new ReentrantReadWriteLock();
    private final Checkpointer checkpointer;
    private volatile boolean closed;

    VolumeGroupEngine(final String name, final UUID vgUuid, final int auSize, final Volumes volumeOpener,
        final Coordinator coordinator, final BlockDevice entry, final RootStore roots, final MetadataState state,
        final RedoLog log)
    {
        this.name = name;
        this.vgUuid = vgUuid;
        this.auSize = auSize;
        this.volumeOpener = volumeOpener;
        this.coordinator = coordinator;
        this.entry = entry;
        this.roots = roots;
        this.state = state;
        this.log = log;
        this.checkpointer = new Checkpointer(name, entry, roots, state, log);
    }

    /**
     * Open and recover a volume group; see {@link VolumeGroupLoader#open}.
     */
    public static VolumeGroupEngine open(final String expectedName, final Path entryVolume, final Volumes volumes,
        final InstanceOptions options)
    {
        return VolumeGroupLoader.open(expectedName, entryVolume, volumes, options);
    }

    /**
     * @return ids of the files below {@code directory} that this instance has open.
     */
    private static long[] openFilesBelow(final Node directory)
    {
        final org.agrona.collections.LongArrayList open = new org.agrona.collections.LongArrayList();
        final java.util.ArrayDeque<Node> queue = new java.util.ArrayDeque<>(directory.children.values());
        while (!queue.isEmpty())
        {
            final Node node = queue.poll();
            if (node.isDirectory())
            {
                queue.addAll(node.children.values());
            }
            else if (node.openCount.get() > 0)
            {
                open.add(node.id);
            }
        }
        return open.toLongArray();
    }

    /**
     * Free the orphans nobody holds open any more: this instance's (its handles died with its previous process) and
     * those of instances that no longer run.
     */
    void freeOrphans()
    {
        if (coordinator.gate().isClosed())
        {
            return; // fenced: opens read-only, frees nothing
        }
        final java.util.Set<Integer> alive = new java.util.HashSet<>();
        for (final io.respool.dss.InstanceStatus status : Fencing.statuses(coordinator.sectors()))
        {
            // This instance's id is dead only if this process took over as its member: otherwise its running
            // server (say, while dsscmd opens the group with the same INST_ID) may still have the orphans open.
            if (status.alive() && (status.instanceId() != coordinator.instanceId() || !coordinator.isMember()))
            {
                alive.add(status.instanceId());
            }
        }
        boolean any = false;
        for (final Node node : nodesSnapshot())
        {
            any |= node.orphan && !alive.contains(node.orphanOwner);
        }
        if (!any)
        {
            return;
        }
        mutate("free files deleted while open", () ->
        {
            long lsn = 0;
            metaLock.writeLock().lock();
            try
            {
                for (final Node node : List.copyOf(state.nodes.values()))
                {
                    if (node.orphan && node.openCount.get() == 0 && !alive.contains(node.orphanOwner))
                    {
                        lsn = commitLocked(RecordType.FREE_ORPHAN, 8, (b, i) -> Records.nodeOnly(b, i, node.id));
                    }
                }
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            awaitDurable(lsn);
            return null;
        });
    }

    // ----------------------------------------------------------------------------------------- VolumeGroup

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int auSize()
    {
        return auSize;
    }

    public UUID uuid()
    {
        return vgUuid;
    }

    @Override
    public int instanceId()
    {
        return coordinator.instanceId();
    }

    @Override
    public List<io.respool.dss.InstanceStatus> instances()
    {
        checkOpen();
        return Fencing.statuses(coordinator.sectors());
    }

    @Override
    public io.respool.dss.KickResult kick(final int victim)
    {
        checkOpen();
        return Fencing.kick(coordinator.sectors(), victim, coordinator.instanceId(), name);
    }

    @Override
    public void register()
    {
        checkOpen();
        Fencing.writeFence(coordinator.sectors(), coordinator.instanceId(), false, coordinator.instanceId());
        coordinator.awaitFenceSeen();
    }

    @Override
    public void unregister()
    {
        checkOpen();
        Fencing.writeFence(coordinator.sectors(), coordinator.instanceId(), true, coordinator.instanceId());
        coordinator.awaitFenceSeen();
    }

    @Override
    public List<VolumeInfo> volumes()
    {
        metaLock.writeLock().lock();
        try
        {
            state.releaseFrees(log.durableLsn());
            final List<VolumeInfo> list = new ArrayList<>();
            for (final VolumeEntry volume : state.volumeList())
            {
                final Path path = volume.id == 0 ? entry.path() : Path.of(volume.path);
                list.add(new VolumeInfo(volume.id, path, volume.auCount * auSize, volume.space.freeCount() * auSize));
            }
            return list;
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    @Override
    public long totalBytes()
    {
        return volumes().stream().mapToLong(VolumeInfo::size).sum();
    }

    @Override
    public long freeBytes()
    {
        return volumes().stream().mapToLong(VolumeInfo::freeBytes).sum();
    }

    private VolumeInfo addVolumeNow(final Path volumePath)
    {
        final Path path = volumePath.toAbsolutePath().normalize();
        metaLock.writeLock().lock();
        final long lsn;
        final VolumeEntry added;
        try
        {
            checkOpen();
            for (final VolumeEntry volume : state.volumeList())
            {
                if (Path.of(volume.path).toAbsolutePath().normalize().equals(path) || entry.path().equals(path))
                {
                    throw new DssException(ErrorCode.ALREADY_EXISTS, "volume already in this volume group: vg=" +
                        name + ", volume=" + path + ", volumeId=" + volume.id);
                }
            }
            int id = 1;
            while (id < EntryVolumeLayout.MAX_VOLUMES && state.volumes[id] != null)
            {
                id++;
            }
            if (id == EntryVolumeLayout.MAX_VOLUMES)
            {
                throw new DssException(ErrorCode.INVALID_ARGUMENT, "volume group has the maximum number of " +
                    "volumes: vg=" + name + ", max=" + EntryVolumeLayout.MAX_VOLUMES);
            }
            final BlockDevice device = volumeOpener.open(path);
            try
            {
                refuseForeignVolume(device, path);
                final long auCount = device.size() / auSize;
                if (auCount < 2)
                {
                    throw new DssException(ErrorCode.INVALID_ARGUMENT, "volume too small: volume=" + path +
                        ", size=" + device.size() + ", needed=" + 2L * auSize + " (two AUs of " + auSize + ")");
                }
                final UUID uuid = UUID.randomUUID();
                VolumeGroupFormatter.writeVolumeHeader(device, name, vgUuid, uuid, id, auSize, auCount,
                    System.currentTimeMillis());
                final int volumeId = id;
                lsn = commitLocked(RecordType.ADD_VOLUME, 30 + path.toString().length() * 4,
                    (b, i) -> Records.addVolume(b, i, volumeId, auCount, uuid, path.toString()));
                added = state.volumes[volumeId];
                added.attach(device);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(device);
                throw ex;
            }
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        log.awaitDurable(lsn);
        return new VolumeInfo(added.id, path, added.auCount * auSize, added.space.freeCount() * auSize);
    }

    private void refuseForeignVolume(final BlockDevice device, final Path path)
    {
        final VolumeHeader header = VolumeGroupFormatter.readHeader(device);
        if (header.hasMagic() && header.vgUuid().equals(vgUuid))
        {
            return; // left by an add that crashed before its record was durable: not a member, safe to reuse
        }
        VolumeGroupFormatter.refuseIfInVolumeGroup(device, path);
    }

    private void removeVolumeNow(final Path volumePath)
    {
        final Path path = volumePath.toAbsolutePath().normalize();
        final long lsn;
        final VolumeEntry removed;
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            state.releaseFrees(log.durableLsn());
            removed = findVolume(path);
            if (removed.id == 0)
            {
                throw new DssException(ErrorCode.VOLUME_IN_USE, "the entry volume cannot be removed: vg=" + name +
                    ", volume=" + path);
            }
            if (removed.space.usedCount() > 1)
            {
                throw new DssException(ErrorCode.VOLUME_IN_USE, "volume still holds data: vg=" + name + ", volume=" +
                    path + ", usedAus=" + (removed.space.usedCount() - 1) +
                    "; delete or move the files on it first");
            }
            lsn = commitLocked(RecordType.REMOVE_VOLUME, 4, (b, i) -> Records.removeVolume(b, i, removed.id));
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        log.awaitDurable(lsn);
        try
        {
            removed.device.zero(0, VolumeHeader.LENGTH);
            removed.device.flush();
        }
        finally
        {
            CloseHelper.quietClose(removed.device);
        }
    }

    private VolumeEntry findVolume(final Path path)
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            final Path volumePath = volume.id == 0 ? entry.path() : Path.of(volume.path);
            if (volumePath.toAbsolutePath().normalize().equals(path))
            {
                return volume;
            }
        }
        throw new DssException(ErrorCode.NOT_FOUND, "volume not in the volume group: vg=" + name + ", volume=" +
            path + "; dsscmd lsvg -t d lists its volumes");
    }

    private List<String> checkNow()
    {
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            log.awaitDurable(log.appendedLsn());
            state.releaseFrees(log.durableLsn());
            return new ConsistencyChecker(this).check();
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        try
        {
            if (!coordinator.gate().isClosed())
            {
                mutate("close", () ->
                {
                    for (final Node node : nodesSnapshot())
                    {
                        logSizeIfDirty(node);
                    }
                    log.awaitDurable(log.appendedLsn());
                    return null;
                });
                for (final VolumeEntry volume : state.volumeList())
                {
                    volume.device.flush();
                }
            }
        }
        finally
        {
            coordinator.close(); // before the metadata lock: its agent may be refreshing, which takes that lock
            metaLock.writeLock().lock();
            try
            {
                closed = true;
                for (final VolumeEntry volume : state.volumeList())
                {
                    CloseHelper.quietClose(volume.device);
                }
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
        }
    }

    private List<Node> nodesSnapshot()
    {
        metaLock.readLock().lock();
        try
        {
            return List.copyOf(state.nodes.values());
        }
        finally
        {
            metaLock.readLock().unlock();
        }
    }

    // ----------------------------------------------------------------------------------------- namespace

    /**
     * Result of walking a path: the node, or where the walk stopped.
     */
    static final class Lookup
    {
        Node node;
        Node parent;
        /** Index of the first component not found, or of the link met; -1 if the whole path resolved. */
        int stopIndex = -1;
        String linkTarget;
    }

    /**
     * Walk {@code components} from the root. Stops at the first missing component, or at a link that is not the
     * last component (or is, when {@code followLast}).
     */
    Lookup lookup(final List<String> components, final boolean followLast, final String pathForErrors)
    {
        refresh();
        final Lookup result = new Lookup();
        metaLock.readLock().lock();
        try
        {
            checkOpen();
            Node current = state.root;
            for (int i = 0; i < components.size(); i++)
            {
                if (!current.isDirectory())
                {
                    throw new DssException(ErrorCode.NOT_A_DIRECTORY, "not a directory: path=" + pathForErrors +
                        ", component=" + current.name);
                }
                final Node next = current.children.get(components.get(i));
                if (next == null)
                {
                    result.parent = current;
                    result.stopIndex = i;
                    return result;
                }
                if (next.type == FileType.LINK && (i < components.size() - 1 || followLast))
                {
                    result.parent = current;
                    result.stopIndex = i;
                    result.linkTarget = next.target;
                    return result;
                }
                result.parent = current;
                current = next;
            }
            result.node = current;
            return result;
        }
        finally
        {
            metaLock.readLock().unlock();
        }
    }

    Node root()
    {
        return state.root;
    }

    private Node createNow(final Node parent, final String childName, final FileType type, final String target,
        final String pathForErrors)
    {
        Names.checkName(childName, "name");
        final long lsn;
        final Node created;
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            checkLiveDirectory(parent, pathForErrors);
            if (parent.children.containsKey(childName))
            {
                throw new DssException(ErrorCode.ALREADY_EXISTS, "already exists: path=" + pathForErrors);
            }
            final long id = state.nextNodeId;
            lsn = commitLocked(RecordType.CREATE, 8 + 8 + 1 + 64 + 2 + (target == null ? 0 : target.length() * 4),
                (b, i) -> Records.create(b, i, parent.id, id, type, childName, target));
            created = state.node(id);
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        log.awaitDurable(lsn);
        return created;
    }

    /**
     * Remove a file, link or directory; a non-empty directory only when {@code recursive}.
     */
    private void removeNow(final Node node, final boolean recursive, final String pathForErrors)
    {
        final long lsn;
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            checkLive(node, pathForErrors);
            if (node.id == MetadataState.ROOT_ID)
            {
                throw new DssException(ErrorCode.INVALID_PATH, "cannot remove the root of a volume group: path=" +
                    pathForErrors);
            }
            if (node.isDirectory() && !node.children.isEmpty() && !recursive)
            {
                throw new DssException(ErrorCode.DIRECTORY_NOT_EMPTY, "directory not empty: path=" + pathForErrors +
                    ", entries=" + node.children.size() + "; remove its entries first, or use rmdir -r");
            }
            final int me = coordinator.instanceId();
            if (node.isDirectory())
            {
                final long[] kept = openFilesBelow(node);
                lsn = commitLocked(RecordType.REMOVE_TREE, 16 + kept.length * 8,
                    (b, i) -> Records.removeTree(b, i, node.id, me, kept));
            }
            else
            {
                final int owner = node.openCount.get() > 0 ? me : -1;
                lsn = commitLocked(RecordType.REMOVE, 12, (b, i) -> Records.remove(b, i, node.id, owner));
            }
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        log.awaitDurable(lsn);
    }

    private void renameNow(final Node node, final Node newParent, final String newName, final String oldPath,
        final String newPath)
    {
        Names.checkName(newName, "name");
        final long lsn;
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            checkLive(node, oldPath);
            checkLiveDirectory(newParent, newPath);
            if (newParent.children.containsKey(newName))
            {
                throw new DssException(ErrorCode.ALREADY_EXISTS, "rename target exists: old=" + oldPath + ", new=" +
                    newPath + "; remove the target first");
            }
            for (Node ancestor = newParent; ancestor != null; ancestor = state.node(ancestor.parentId))
            {
                if (ancestor == node)
                {
                    throw new DssException(ErrorCode.INVALID_PATH, "cannot move a directory into itself: old=" +
                        oldPath + ", new=" + newPath);
                }
            }
            lsn = commitLocked(RecordType.RENAME, 16 + 64,
                (b, i) -> Records.rename(b, i, node.id, newParent.id, newName));
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        log.awaitDurable(lsn);
    }

    List<FileStat> list(final Node directory, final String pathForErrors)
    {
        refresh();
        metaLock.readLock().lock();
        try
        {
            checkOpen();
            checkLiveDirectory(directory, pathForErrors);
            final List<FileStat> entries = new ArrayList<>(directory.children.size());
            for (final Map.Entry<String, Node> child : directory.children.entrySet())
            {
                entries.add(stat(child.getValue()));
            }
            entries.sort((a, b) -> a.name().compareTo(b.name()));
            return entries;
        }
        finally
        {
            metaLock.readLock().unlock();
        }
    }

    FileStat stat(final Node node)
    {
        return new FileStat(node.name, node.type, node.size, node.writtenSize,
            node.extents.allocatedAus() * auSize, node.createdMs, node.updatedMs, node.id);
    }

    // ----------------------------------------------------------------------------------------- files

    FileHandle open(final Node node, final String path, final boolean writable, final boolean append)
    {
        metaLock.readLock().lock();
        try
        {
            checkOpen();
            checkLive(node, path);
            if (node.type != FileType.FILE)
            {
                throw new DssException(ErrorCode.IS_A_DIRECTORY, "not a file: path=" + path + ", type=" + node.type);
            }
            node.openCount.incrementAndGet();
        }
        finally
        {
            metaLock.readLock().unlock();
        }
        return new FileHandle(this, node, path, writable, append);
    }

    private void freeOrphanNow(final Node node)
    {
        long lsn = 0;
        metaLock.writeLock().lock();
        try
        {
            if (node.orphan && node.openCount.get() == 0 && !node.deleted && !closed)
            {
                lsn = commitLocked(RecordType.FREE_ORPHAN, 8, (b, i) -> Records.nodeOnly(b, i, node.id));
            }
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        awaitDurable(lsn);
    }

    /**
     * Set a file's length. The caller holds the node's {@code ioLock} for writing. Growing zeroes what lies past
     * the old end inside allocated AUs first, so the new range reads as zeros.
     */
    private void truncateNow(final Node node, final long newSize, final String path)
    {
        checkFileSize(newSize, path);
        final long lsn;
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            checkOpenable(node, path);
            if (newSize > node.size)
            {
                zeroAllocated(node, node.size, newSize);
            }
            logSizeIfDirty(node);
            lsn = commitLocked(RecordType.TRUNCATE, 16, (b, i) -> Records.truncate(b, i, node.id, newSize));
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        log.awaitDurable(lsn);
    }

    /**
     * Allocate and zero the holes among file AUs {@code [firstAu, lastAu]}. The caller holds the node's
     * {@code ioLock}. Not waited for: durable with the next flush, or pass the result to {@link #awaitDurable}.
     *
     * @return the LSN to await, or 0 if nothing was allocated.
     */
    private long allocateNow(final Node node, final long firstAu, final long lastAu, final String path)
    {
        metaLock.writeLock().lock();
        try
        {
            checkOpen();
            checkOpenable(node, path);
            long lsn = 0;
            final long[] fileAus = new long[Records.MAX_RUNS_PER_RECORD];
            final long[] physicalAus = new long[Records.MAX_RUNS_PER_RECORD];
            final long[] counts = new long[Records.MAX_RUNS_PER_RECORD];
            final long[] runLength = new long[1];
            long fileAu = firstAu;
            while (fileAu <= lastAu)
            {
                int runs = 0;
                try
                {
                    while (fileAu <= lastAu && runs < Records.MAX_RUNS_PER_RECORD)
                    {
                        if (node.extents.lookup(fileAu) != ExtentMap.HOLE)
                        {
                            fileAu++;
                            continue;
                        }
                        long holeEnd = fileAu;
                        while (holeEnd < lastAu && node.extents.lookup(holeEnd + 1) == ExtentMap.HOLE)
                        {
                            holeEnd++;
                        }
                        final VolumeEntry volume = volumeWithMostFreeSpace(holeEnd - fileAu + 1, path);
                        final long au = volume.space.allocate(holeEnd - fileAu + 1, runLength);
                        fileAus[runs] = fileAu;
                        physicalAus[runs] = physicalAu(volume.id, au);
                        counts[runs] = runLength[0];
                        runs++;
                        volume.io.zero(au * auSize, runLength[0] * auSize);
                        fileAu += runLength[0];
                    }
                }
                catch (final RuntimeException ex)
                {
                    for (int r = 0; r < runs; r++)
                    {
                        state.markFreeNow(physicalAus[r], counts[r]);
                    }
                    throw ex instanceof BlockDeviceException ? Volumes.translate((BlockDeviceException)ex) : ex;
                }
                if (runs > 0)
                {
                    final int n = runs;
                    lsn = commitLocked(RecordType.ALLOCATE, 12 + n * 24,
                        (b, i) -> Records.allocate(b, i, node.id, fileAus, physicalAus, counts, n));
                }
            }
            return lsn;
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    private VolumeEntry volumeWithMostFreeSpace(final long wanted, final String path)
    {
        state.releaseFrees(log.durableLsn());
        if (freeAus() == 0 && state.pendingFreesLsn() != 0)
        {
            log.awaitDurable(state.pendingFreesLsn());
            state.releaseFrees(log.durableLsn());
        }
        VolumeEntry best = null;
        long free = 0;
        for (final VolumeEntry volume : state.volumeList())
        {
            free += volume.space.freeCount();
            if (best == null || volume.space.freeCount() > best.space.freeCount())
            {
                best = volume;
            }
        }
        if (best == null || best.space.freeCount() == 0)
        {
            throw new DssException(ErrorCode.OUT_OF_SPACE, "volume group out of space: vg=" + name + ", path=" +
                path + ", neededAus=" + wanted + ", freeAus=" + free +
                "; add a volume (dsscmd adv) or delete files (dsscmd rm)");
        }
        return best;
    }

    private long freeAus()
    {
        long free = 0;
        for (final VolumeEntry volume : state.volumeList())
        {
            free += volume.space.freeCount();
        }
        return free;
    }

    /**
     * Log a file's size and written size if writes changed them since they were last logged.
     *
     * @return the LSN to await, or 0.
     */
    private long logSizeIfDirtyNow(final Node node)
    {
        if (!node.sizeDirty)
        {
            return 0;
        }
        metaLock.writeLock().lock();
        try
        {
            if (!node.sizeDirty || node.deleted || closed)
            {
                return 0;
            }
            node.sizeDirty = false;
            final long size = node.size;
            final long written = node.writtenSize;
            return commitLocked(RecordType.SET_SIZE, 24, (b, i) -> Records.setSize(b, i, node.id, size, written));
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    void awaitDurable(final long lsn)
    {
        if (lsn != 0)
        {
            log.awaitDurable(lsn);
        }
    }

    /**
     * Make a file's data durable, then its size, then every logged change: data before the size that covers it.
     * Only a size to log (or records still staged) needs the volume-group lock; the data flush does not.
     */
    void flush(final Node node)
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            volume.device.flush();
        }
        if ((node != null && node.sizeDirty) || log.appendedLsn() > log.durableLsn())
        {
            mutate("flush", () ->
            {
                if (node != null && node.sizeDirty)
                {
                    logSizeIfDirtyNow(node);
                }
                log.awaitDurable(log.appendedLsn());
                return null;
            });
        }
    }

    /**
     * Zero the allocated parts of byte range {@code [from, to)} of a file.
     */
    void zeroAllocated(final Node node, final long from, final long to)
    {
        long position = from;
        while (position < to)
        {
            final long fileAu = position / auSize;
            final long within = position - fileAu * auSize;
            final long chunk = Math.min(to - position, auSize - within);
            final long au = node.extents.lookup(fileAu);
            if (au != ExtentMap.HOLE)
            {
                io(au).zero(auIndexOf(au) * auSize + within, chunk);
            }
            position += chunk;
        }
    }

    DeviceIo io(final long physicalAu)
    {
        return state.volumes[volumeOf(physicalAu)].io;
    }

    static void checkFileSize(final long size, final String path)
    {
        if (size < 0 || size > MAX_FILE_SIZE)
        {
            throw new DssException(size < 0 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.FILE_TOO_LARGE,
                "file size out of range: path=" + path + ", size=" + size + ", max=" + MAX_FILE_SIZE + " (8 TiB)");
        }
    }

    // ----------------------------------------------------------------------------------------- log, checkpoint

    /**
     * Append a record and apply it to the state in one step, so a record that does not apply is never logged.
     * Checkpoints when half the log is in use. The caller holds the metadata write lock.
     */
    private long commitLocked(final RecordType type, final int maxPayload, final RedoLog.PayloadEncoder encoder)
    {
        assert coordinator.isHeld() : "metadata change outside mutate(): take the volume-group lock first";
        coordinator.checkStillHeld();
        if (log.usedBytes() > log.regionLength() / 2)
        {
            checkpointer.checkpoint();
        }
        final long timestampMs = System.currentTimeMillis();
        final long lsn = log.append(type, timestampMs, maxPayload, (buffer, index) ->
        {
            final int length = encoder.encode(buffer, index);
            state.apply(type, buffer, index, timestampMs);
            return length;
        });
        state.freesLoggedAt(lsn);
        return lsn;
    }

    // ----------------------------------------------------------------------------------------- changes

    @Override
    public VolumeInfo addVolume(final Path volumePath)
    {
        return mutate("add volume", () -> addVolumeNow(volumePath));
    }

    @Override
    public void removeVolume(final Path volumePath)
    {
        mutate("remove volume", () ->
        {
            removeVolumeNow(volumePath);
            return null;
        });
    }

    @Override
    public List<String> check()
    {
        return mutate("check", this::checkNow);
    }

    Node create(final Node parent, final String childName, final FileType type, final String target,
        final String pathForErrors)
    {
        return mutate("create " + pathForErrors, () -> createNow(parent, childName, type, target, pathForErrors));
    }

    /**
     * Remove a file, link or directory; a non-empty directory only when {@code recursive}.
     */
    void remove(final Node node, final boolean recursive, final String pathForErrors)
    {
        mutate("remove " + pathForErrors, () ->
        {
            removeNow(node, recursive, pathForErrors);
            return null;
        });
    }

    void rename(final Node node, final Node newParent, final String newName, final String oldPath,
        final String newPath)
    {
        mutate("rename " + oldPath, () ->
        {
            renameNow(node, newParent, newName, oldPath, newPath);
            return null;
        });
    }

    /**
     * A handle closed: free the file's space if it was deleted while open and this was its last handle. The count
     * drops under the metadata lock; the free is a change like any other, under the volume-group lock, and checks
     * again that it is still due.
     */
    void release(final Node node)
    {
        final boolean lastOfOrphan;
        metaLock.writeLock().lock();
        try
        {
            lastOfOrphan = node.openCount.decrementAndGet() == 0 && node.orphan && !closed;
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        if (lastOfOrphan)
        {
            mutate("free deleted file", () ->
            {
                freeOrphanNow(node);
                return null;
            });
        }
    }

    /**
     * Set a file's length. The caller holds the node's {@code ioLock} for writing. Growing zeroes what lies past
     * the old end inside allocated AUs first, so the new range reads as zeros.
     */
    void truncate(final Node node, final long newSize, final String path)
    {
        mutate("truncate " + path, () ->
        {
            truncateNow(node, newSize, path);
            return null;
        });
    }

    /**
     * Allocate and zero the holes among file AUs {@code [firstAu, lastAu]}. The caller holds the node's
     * {@code ioLock}. Not waited for: durable with the next flush, or pass the result to {@link #awaitDurable}.
     *
     * @return the LSN to await, or 0 if nothing was allocated.
     */
    long allocate(final Node node, final long firstAu, final long lastAu, final String path)
    {
        return mutate("allocate " + path, () -> allocateNow(node, firstAu, lastAu, path));
    }

    /**
     * Allocate and wait until the allocation is durable, all under the volume-group lock.
     */
    void allocateDurably(final Node node, final long firstAu, final long lastAu, final String path)
    {
        mutate("allocate " + path, () ->
        {
            awaitDurable(allocateNow(node, firstAu, lastAu, path));
            return null;
        });
    }

    /**
     * Log a file's size and written size if writes changed them since they were last logged.
     *
     * @return the LSN to await, or 0.
     */
    long logSizeIfDirty(final Node node)
    {
        if (!node.sizeDirty)
        {
            return 0;
        }
        return mutate("log the size of a file", () -> logSizeIfDirtyNow(node));
    }

    /**
     * Run a metadata change: with a share of this instance's hold on the volume-group lock (taken, and the state
     * brought up to date, if this is the first), through the fence gate, and publishing the log's new end to other
     * instances once it is durable.
     */
    private <T> T mutate(final String what, final java.util.function.Supplier<T> change)
    {
        coordinator.enter();
        try
        {
            coordinator.gate().enter(what + " on volume group " + name);
            try
            {
                final T result = change.get();
                coordinator.publish();
                return result;
            }
            finally
            {
                coordinator.gate().exit();
            }
        }
        finally
        {
            coordinator.exit();
        }
    }

    // ----------------------------------------------------------------------------------------- sharing

    /**
     * See what other instances committed since this one last looked: one sector read when nothing changed.
     *
     * @return true if something new was replayed.
     */
    boolean refresh()
    {
        return coordinator.refresh();
    }

    @Override
    public void catchUp(final io.respool.dss.format.VgHead head, final boolean holdingLock)
    {
        metaLock.writeLock().lock();
        try
        {
            final boolean headValid = head.isValid();
            // Our own frees are durable by now (the log is flushed before the lock is released). Apply them before
            // anything of another instance's, which may already have given those AUs to its files or checkpoints.
            state.releaseFrees(log.durableLsn());
            // The taker of the lock always re-reads the root: a holder that died may have switched to a new
            // checkpoint (with slot AUs nobody else knows of) without publishing the head.
            final long knownSequence = roots.root().sequence();
            if (holdingLock || (headValid && head.rootSequence() != knownSequence))
            {
                final RootControl root = roots.load();
                if (root.sequence() != knownSequence)
                {
                    log.tail(root.checkpointLsn());
                    checkpointer.reload(root);
                }
            }
            final long from = log.durableLsn();
            final boolean nothingNew = headValid && head.endLsn() == from && !head.held();
            long end;
            try
            {
                end = nothingNew ? from : replayForeign(from);
            }
            catch (final RuntimeException ex)
            {
                // Part of the records may be applied already: rebuild from the checkpoint rather than apply twice.
                LOG.warn("catch-up failed, reloading from the checkpoint: vg={}, error={}", name, ex.toString());
                end = reloadFromCheckpoint();
            }
            if (headValid && end < head.endLsn() && from < log.tailLsn())
            {
                end = reloadFromCheckpoint();
            }
            final boolean shortOfPublished = headValid && end < head.endLsn();
            if (shortOfPublished)
            {
                LOG.warn("redo log ends before its published end: vg={}, validEnd={}, published={}; " +
                    "acknowledged changes may be lost, run dsscmd check", name, end, head.endLsn());
            }
            if (end != from)
            {
                log.advanceTo(end);
            }
            // Checkpoint slots are recorded in the root, not the log, and are newer than any record replayed here:
            // a record replayed may free an AU that a later checkpoint of another instance took for its slot.
            checkpointer.markSlotAus();
            openNewVolumes();
            if (holdingLock && (!headValid || head.held() || shortOfPublished))
            {
                log.sealRecoveredEnd();
            }
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    private long replayForeign(final long from)
    {
        final RootControl root = roots.root();
        state.applyingForeign(true);
        try
        {
            return RedoLog.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(), from,
                (type, buffer, index, ts, lsn) -> state.apply(type, buffer, index, ts));
        }
        finally
        {
            state.applyingForeign(false);
        }
    }

    /**
     * Fell behind a checkpoint that another instance wrote, past log this instance never read: load that
     * checkpoint and the log after it, and carry the result into the live state so open handles keep their nodes.
     */
    private long reloadFromCheckpoint()
    {
        final RootControl root = roots.root();
        final MetadataState fresh = new MetadataState(auSize);
        final org.agrona.concurrent.UnsafeBuffer checkpoint = Checkpointer.read(entry, root, auSize);
        CheckpointCodec.decode(checkpoint, (int)root.checkpointLength(), fresh);
        final long end = RedoLog.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(),
            root.checkpointLsn(), (type, buffer, index, ts, lsn) -> fresh.apply(type, buffer, index, ts));
        state.adopt(fresh);
        state.markUsed(physicalAu(0, root.logOffset() / auSize), VolumeGroupLoader.logAus(root));
        checkpointer.markSlotAus();
        return end;
    }

    /**
     * Open the devices of volumes that another instance added, close those it removed.
     */
    private void openNewVolumes()
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            if (volume.device == null)
            {
                volume.attach(volumeOpener.open(Path.of(volume.path)));
            }
        }
        state.closeRemovedDevices();
    }

    @Override
    public long durableLsn()
    {
        return log.durableLsn();
    }

    @Override
    public void flushLog()
    {
        log.awaitDurable(log.appendedLsn());
    }

    @Override
    public void dropStaged(final String why)
    {
        log.dropStaged(why);
    }

    @Override
    public long tailLsn()
    {
        return log.tailLsn();
    }

    @Override
    public long rootSequence()
    {
        return roots.root().sequence();
    }

    Coordinator coordinator()
    {
        return coordinator;
    }

    // ----------------------------------------------------------------------------------------- internals

    MetadataState state()
    {
        return state;
    }

    RedoLog log()
    {
        return log;
    }

    RootStore roots()
    {
        return roots;
    }

    BlockDevice entry()
    {
        return entry;
    }

    Volumes volumeOpener()
    {
        return volumeOpener;
    }

    Checkpointer checkpointer()
    {
        return checkpointer;
    }

    void checkOpen()
    {
        if (closed)
        {
            throw new DssException(ErrorCode.CLOSED, "volume group is closed: vg=" + name);
        }
    }

    /**
     * The node is still in the tree, or is an orphan (deleted while open) reached through a handle.
     */
    private static void checkOpenable(final Node node, final String path)
    {
        if (node.deleted)
        {
            throw new DssException(ErrorCode.NOT_FOUND, "no such file (deleted): path=" + path);
        }
    }

    private static void checkLive(final Node node, final String path)
    {
        if (node.deleted || node.orphan)
        {
            throw new DssException(ErrorCode.NOT_FOUND, "no such file or directory (deleted): path=" + path);
        }
    }

    private static void checkLiveDirectory(final Node node, final String path)
    {
        checkLive(node, path);
        if (!node.isDirectory())
        {
            throw new DssException(ErrorCode.NOT_A_DIRECTORY, "not a directory: path=" + path);
        }
    }
}
