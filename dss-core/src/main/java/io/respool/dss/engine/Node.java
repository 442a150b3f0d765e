package io.respool.dss.engine;

import io.respool.dss.FileType;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A file, directory or link in memory. Tree fields (name, parent, children, target, orphan) are guarded by the
 * engine's metadata lock. The data path reads {@link #extents} and {@link #size} without it: they are published
 * through volatile writes, and {@link #ioLock} keeps AUs from being freed under an I/O in flight.
 */
final class Node
{
    private static final AtomicLongFieldUpdater<Node> SIZE = AtomicLongFieldUpdater.newUpdater(Node.class, "size");
    private static final AtomicLongFieldUpdater<Node> WRITTEN_SIZE =
        AtomicLongFieldUpdater.newUpdater(Node.class, "writtenSize");

    final long id;
    final FileType type;
    final long createdMs;
    String name;
    long parentId;
    volatile long updatedMs;

    /** Directory entries by name: lookup is a hash probe, not a scan. Null for files and links. */
    final Map<String, Node> children;
    /** Link target. Null for files and directories. */
    final String target;

    volatile ExtentMap extents = ExtentMap.EMPTY;
    volatile long size;
    volatile long writtenSize;
    /** Size or written size changed by writes and not yet logged; logged by the next flush. */
    volatile boolean sizeDirty;
    /** Deleted while open: detached from the tree, space kept until the last handle closes. */
    boolean orphan;
    /** The instance whose open handles keep this orphan; -1 if not an orphan. */
    int orphanOwner = -1;
    /** Removed from the volume group; handles must fail. */
    volatile boolean deleted;

    final AtomicInteger openCount = new AtomicInteger();
    /** Shared by reads and writes; exclusive while AUs of this file are freed. Taken before the metadata lock. */
    final ReentrantReadWriteLock ioLock = new ReentrantReadWriteLock();

    Node(final long id, final FileType type, final String name, final long parentId, final long createdMs,
        final String target)
    {
        this.id = id;
        this.type = type;
        this.name = name;
        this.parentId = parentId;
        this.createdMs = createdMs;
        this.updatedMs = createdMs;
        this.children = type == FileType.DIRECTORY ? new HashMap<>() : null;
        this.target = target;
        if (type == FileType.LINK)
        {
            this.size = target.length();
        }
    }

    /**
     * Raise the size to at least {@code atLeast}, never lower it. Writes of this instance's threads and the
     * SET_SIZE records of every instance only grow a file, and they race each other (writes hold no metadata
     * lock), so each is a compare-and-set of the maximum: a plain store could lower a size another thread had
     * just raised, and the pages past it would be lost (dss-core/DESIGN.md, "Growing a file").
     *
     * @return true if the size was raised.
     */
    boolean raiseSize(final long atLeast)
    {
        return raise(SIZE, atLeast);
    }

    /**
     * Raise the written size to at least {@code atLeast}, as {@link #raiseSize}.
     *
     * @return true if the written size was raised.
     */
    boolean raiseWrittenSize(final long atLeast)
    {
        return raise(WRITTEN_SIZE, atLeast);
    }

    private boolean raise(final AtomicLongFieldUpdater<Node> field, final long atLeast)
    {
        long current;
        while (atLeast > (current = field.get(this)))
        {
            if (field.compareAndSet(this, current, atLeast))
            {
                return true;
            }
        }
        return false;
    }

    boolean isDirectory()
    {
        return type == FileType.DIRECTORY;
    }
}
