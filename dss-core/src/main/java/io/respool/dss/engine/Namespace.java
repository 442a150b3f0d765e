package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.InstanceStatus;
import org.agrona.collections.LongArrayList;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.respool.dss.format.RedoRecordDescriptor.renameMaxLength;
import static io.respool.dss.format.RedoRecordDescriptor.removeTreeLength;
import static io.respool.dss.format.RedoRecordDescriptor.createMaxLength;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.FREE_ORPHAN_LENGTH;

/**
 * The directory tree of one volume group: walking paths, creating, removing, renaming, listing and opening, and
 * freeing the space of files deleted while open once nobody holds them. Reads check the tree under the metadata read
 * lock after looking at what other instances committed; changes run through the {@link ChangeRunner}.
 */
final class Namespace
{
    private final int auSize;
    private final MetadataState state;
    private final MetaLock metaLock;
    private final ChangeRunner runner;
    private final Coordinator coordinator;
    private final FileSpace space;

    Namespace(final int auSize, final MetadataState state, final MetaLock metaLock, final ChangeRunner runner,
        final Coordinator coordinator, final FileSpace space)
    {
        this.auSize = auSize;
        this.state = state;
        this.metaLock = metaLock;
        this.runner = runner;
        this.coordinator = coordinator;
        this.space = space;
    }

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
        coordinator.refresh();
        final Lookup result = new Lookup();
        metaLock.readLock().lock();
        try
        {
            metaLock.checkOpen();
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

    Node create(final Node parent, final String childName, final FileType type, final String target,
        final String pathForErrors)
    {
        return runner.mutate("create " + pathForErrors, () ->
        {
            Names.checkName(childName, "name");
            final long lsn;
            final Node created;
            metaLock.writeLock().lock();
            try
            {
                metaLock.checkOpen();
                checkLiveDirectory(parent, pathForErrors);
                if (parent.children.containsKey(childName))
                {
                    throw new DssException(ErrorCode.ALREADY_EXISTS, "already exists: path=" + pathForErrors);
                }
                final long id = state.nextNodeId;
                lsn = runner.commit(RecordType.CREATE, createMaxLength(target == null ? 0 : target.length()),
                    (b, i) -> Records.create(b, i, parent.id, id, type, childName, target));
                created = state.node(id);
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            return created;
        });
    }

    /**
     * Remove a file, link or directory; a non-empty directory only when {@code recursive}. A file this instance has
     * open (or, for a directory, every such file below it) becomes an orphan that this instance keeps.
     */
    void remove(final Node node, final boolean recursive, final String pathForErrors)
    {
        runner.mutate("remove " + pathForErrors, () ->
        {
            final long lsn;
            metaLock.writeLock().lock();
            try
            {
                metaLock.checkOpen();
                checkLive(node, pathForErrors);
                if (node.id == MetadataState.ROOT_ID)
                {
                    throw new DssException(ErrorCode.INVALID_PATH, "cannot remove the root of a volume group: " +
                        "path=" + pathForErrors);
                }
                if (node.isDirectory() && !node.children.isEmpty() && !recursive)
                {
                    throw new DssException(ErrorCode.DIRECTORY_NOT_EMPTY, "directory not empty: path=" +
                        pathForErrors + ", entries=" + node.children.size() +
                        "; remove its entries first, or use rmdir -r");
                }
                final int me = coordinator.instanceId();
                if (node.isDirectory())
                {
                    final long[] kept = openFilesBelow(node);
                    lsn = runner.commit(RecordType.REMOVE_TREE, removeTreeLength(kept.length),
                        (b, i) -> Records.removeTree(b, i, node.id, me, kept));
                }
                else
                {
                    final int owner = node.openCount.get() > 0 ? me : -1;
                    lsn = runner.commit(RecordType.REMOVE, REMOVE_LENGTH, (b, i) -> Records.remove(b, i, node.id, owner));
                }
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            return null;
        });
    }

    /**
     * @return ids of the files below {@code directory} that this instance has open.
     */
    private static long[] openFilesBelow(final Node directory)
    {
        final LongArrayList open = new LongArrayList();
        final ArrayDeque<Node> queue = new ArrayDeque<>(directory.children.values());
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

    void rename(final Node node, final Node newParent, final String newName, final String oldPath,
        final String newPath)
    {
        runner.mutate("rename " + oldPath, () ->
        {
            Names.checkName(newName, "name");
            final long lsn;
            metaLock.writeLock().lock();
            try
            {
                metaLock.checkOpen();
                checkLive(node, oldPath);
                checkLiveDirectory(newParent, newPath);
                if (newParent.children.containsKey(newName))
                {
                    throw new DssException(ErrorCode.ALREADY_EXISTS, "rename target exists: old=" + oldPath +
                        ", new=" + newPath + "; remove the target first");
                }
                for (Node ancestor = newParent; ancestor != null; ancestor = state.node(ancestor.parentId))
                {
                    if (ancestor == node)
                    {
                        throw new DssException(ErrorCode.INVALID_PATH, "cannot move a directory into itself: old=" +
                            oldPath + ", new=" + newPath);
                    }
                }
                lsn = runner.commit(RecordType.RENAME, renameMaxLength(),
                    (b, i) -> Records.rename(b, i, node.id, newParent.id, newName));
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            return null;
        });
    }

    List<FileStat> list(final Node directory, final String pathForErrors)
    {
        coordinator.refresh();
        metaLock.readLock().lock();
        try
        {
            metaLock.checkOpen();
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

    FileHandle open(final Node node, final String path, final boolean writable, final boolean append)
    {
        metaLock.readLock().lock();
        try
        {
            metaLock.checkOpen();
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
        return new FileHandle(this, space, coordinator, metaLock, node, path, writable, append);
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
            lastOfOrphan = node.openCount.decrementAndGet() == 0 && node.orphan && !metaLock.isClosed();
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
        if (lastOfOrphan)
        {
            runner.mutate("free deleted file", () ->
            {
                long lsn = 0;
                metaLock.writeLock().lock();
                try
                {
                    if (node.orphan && node.openCount.get() == 0 && !node.deleted && !metaLock.isClosed())
                    {
                        lsn = runner.commit(RecordType.FREE_ORPHAN, FREE_ORPHAN_LENGTH, (b, i) -> Records.nodeOnly(b, i, node.id));
                    }
                }
                finally
                {
                    metaLock.writeLock().unlock();
                }
                runner.awaitDurable(lsn);
                return null;
            });
        }
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
        final Set<Integer> alive = new HashSet<>();
        for (final InstanceStatus status : coordinator.statuses())
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
        runner.mutate("free files deleted while open", () ->
        {
            long lsn = 0;
            metaLock.writeLock().lock();
            try
            {
                for (final Node node : List.copyOf(state.nodes.values()))
                {
                    if (node.orphan && node.openCount.get() == 0 && !alive.contains(node.orphanOwner))
                    {
                        lsn = runner.commit(RecordType.FREE_ORPHAN, FREE_ORPHAN_LENGTH, (b, i) -> Records.nodeOnly(b, i, node.id));
                    }
                }
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            return null;
        });
    }

    /**
     * @return every node as of now, copied under the metadata read lock.
     */
    List<Node> nodesSnapshot()
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
