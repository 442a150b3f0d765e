package io.respool.dss.nio;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link FileChannel#lock} and {@link FileChannel#tryLock} for the channels of a {@link DssFileSystem}, with the
 * JDK's semantics: shared locks need a readable channel, exclusive ones a writable one; an overlap within this
 * instance throws {@link java.nio.channels.OverlappingFileLockException}; closing the channel releases its locks.
 * Across instances see {@link FileLockTable}.
 */
abstract class LockableChannel extends FileChannel
{
    final DssFileSystem fileSystem;
    final String path;
    final OpenOptionSet options;
    private final List<DssFileLock> locks = new ArrayList<>();

    LockableChannel(final DssFileSystem fileSystem, final String path, final OpenOptionSet options)
    {
        this.fileSystem = fileSystem;
        this.path = path;
        this.options = options;
    }

    /**
     * @return the file in the lock table: its volume group and id.
     */
    abstract FileLockTable.Key lockKey() throws IOException;

    final void ensureOpen() throws ClosedChannelException
    {
        if (!isOpen())
        {
            throw new ClosedChannelException();
        }
    }

    /**
     * Block until the range is locked across instances.
     *
     * @throws FileLockInterruptionException if the thread is interrupted while it waits (the channel is closed).
     */
    @Override
    public final FileLock lock(final long position, final long size, final boolean shared) throws IOException
    {
        final DssFileLock lock = reserve(position, size, shared);
        boolean completed = false;
        try
        {
            begin();
            while (isOpen() && !lock.tryAcquire())
            {
                LockSupport.parkNanos(fileSystem.fileLocks().pollNanos());
            }
            completed = isOpen();
        }
        finally
        {
            if (!completed)
            {
                forget(lock);
            }
            try
            {
                end(completed);
            }
            catch (final ClosedByInterruptException ex)
            {
                throw new FileLockInterruptionException();
            }
        }
        return lock;
    }

    /**
     * @return the lock, or null if another instance holds an overlapping one.
     */
    @Override
    public final FileLock tryLock(final long position, final long size, final boolean shared) throws IOException
    {
        final DssFileLock lock = reserve(position, size, shared);
        boolean held = false;
        try
        {
            held = lock.tryAcquire();
        }
        finally
        {
            if (!held)
            {
                forget(lock);
            }
        }
        return held ? lock : null;
    }

    private DssFileLock reserve(final long position, final long size, final boolean shared) throws IOException
    {
        if (position < 0 || size < 0)
        {
            throw new IllegalArgumentException("negative position or size: position=" + position + ", size=" + size +
                ", path=" + path);
        }
        if (position + size < 0)
        {
            throw new IllegalArgumentException("negative position + size: position=" + position + ", size=" + size +
                ", path=" + path);
        }
        ensureOpen();
        if (shared && !options.readable)
        {
            throw new NonReadableChannelException();
        }
        if (!shared && !options.writable)
        {
            throw new NonWritableChannelException();
        }
        final DssFileLock lock = fileSystem.fileLocks().reserve(this, lockKey(), position, size, shared, path);
        synchronized (locks)
        {
            locks.add(lock);
        }
        if (!isOpen())
        {
            forget(lock);
            throw new ClosedChannelException();
        }
        return lock;
    }

    /**
     * Release {@code lock} and drop it from this channel's locks.
     */
    final void forget(final DssFileLock lock)
    {
        lock.invalidate();
        synchronized (locks)
        {
            locks.remove(lock);
        }
    }

    /**
     * Release every lock taken through this channel; called as it closes.
     */
    final void releaseLocks()
    {
        final List<DssFileLock> held;
        synchronized (locks)
        {
            held = new ArrayList<>(locks);
            locks.clear();
        }
        for (final DssFileLock lock : held)
        {
            lock.invalidate();
        }
    }
}
