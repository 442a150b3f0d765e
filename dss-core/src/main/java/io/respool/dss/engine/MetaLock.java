package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The metadata lock of one open volume group, and whether the group is still open. The tree, the space maps and the
 * order of appends to the redo log change only under the write lock; lookups take the read lock. Where it sits among
 * the other locks: dss-core/DESIGN.md, "Lock order".
 */
final class MetaLock
{
    private final String vgName;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    MetaLock(final String vgName)
    {
        this.vgName = vgName;
    }

    Lock readLock()
    {
        return lock.readLock();
    }

    Lock writeLock()
    {
        return lock.writeLock();
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * @throws DssException CLOSED once the volume group is closed.
     */
    void checkOpen()
    {
        if (closed)
        {
            throw new DssException(ErrorCode.CLOSED, "volume group is closed: vg=" + vgName);
        }
    }

    /**
     * Mark the group closed and run {@code lastStep} (closing its devices) under the write lock, so that no change
     * or lookup holding the lock sees a closed device.
     */
    void close(final Runnable lastStep)
    {
        lock.writeLock().lock();
        try
        {
            closed = true;
            lastStep.run();
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }
}
