package io.respool.dss.nio;

import io.respool.dss.FileRangeLock;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * A lock on a range of a DSS file, held in this instance's {@link FileLockTable} and, across the instances of the
 * volume group, by an {@link OfdRangeLock} on the file's lock file (DISK) or a record on the entry volume
 * (SHARE_DISK). Valid until released or its channel closes; in SHARE_DISK also until this instance may have lost it
 * (its heartbeat late past half the expiry, or fenced), which {@link #isValid()} reports.
 */
final class DssFileLock extends FileLock
{
    private final FileLockTable table;
    private final FileLockTable.Key key;
    private FileRangeLock held;
    private boolean valid = true;

    DssFileLock(final FileChannel channel, final FileLockTable table, final FileLockTable.Key key,
        final long position, final long size, final boolean shared)
    {
        super(channel, position, size, shared);
        this.table = table;
        this.key = key;
    }

    FileLockTable.Key key()
    {
        return key;
    }

    /**
     * One attempt at the lock across instances; the range is already reserved in this instance.
     *
     * @return whether it is held now.
     */
    synchronized boolean tryAcquire() throws IOException
    {
        if (held == null && valid)
        {
            held = table.tryAcross(key, position(), size(), isShared());
        }
        return held != null;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public synchronized boolean isValid()
    {
        return valid && (held == null || held.isValid());
    }

    /**
     * @throws ClosedChannelException if the channel is closed, as the JDK does (closing it released the lock).
     */
    @Override
    public void release() throws IOException
    {
        if (!acquiredBy().isOpen())
        {
            throw new ClosedChannelException();
        }
        ((LockableChannel)acquiredBy()).forget(this);
    }

    /**
     * Drop the lock in both places; idempotent. Channels call it as they close.
     */
    void invalidate()
    {
        final boolean wasValid;
        synchronized (this)
        {
            wasValid = valid;
            valid = false;
            if (held != null)
            {
                held.release();
                held = null;
            }
        }
        if (wasValid)
        {
            table.remove(this);
        }
    }
}
