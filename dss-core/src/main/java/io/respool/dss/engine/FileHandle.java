package io.respool.dss.engine;

import io.respool.blockdev.BlockDeviceException;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import static io.respool.dss.format.EntryVolumeLayout.auIndexOf;

/**
 * An open file. The data path: map the file offset to an allocation unit through the file's published extent map,
 * then copy straight between the caller's buffer and the device, with no metadata lock. Only a write that reaches
 * a hole (allocation) takes more than the node's shared {@code ioLock}. A write past the end zeroes nothing: it
 * copies its own bytes and raises the size, so writes of several threads or instances growing one file never
 * touch each other's bytes (dss-core/DESIGN.md, "Growing a file").
 */
final class FileHandle implements DssFile
{
    private static final ThreadLocal<UnsafeBuffer> WRAPPER = ThreadLocal.withInitial(UnsafeBuffer::new);

    private final Namespace namespace;
    private final FileSpace space;
    private final Coordinator coordinator;
    private final MetaLock metaLock;
    private final Node node;
    private final String path;
    private final boolean writable;
    private final boolean append;
    private final int auSize;
    private final AtomicLong position = new AtomicLong();
    private volatile boolean closed;

    FileHandle(final Namespace namespace, final FileSpace space, final Coordinator coordinator,
        final MetaLock metaLock, final Node node, final String path, final boolean writable, final boolean append)
    {
        this.namespace = namespace;
        this.space = space;
        this.coordinator = coordinator;
        this.metaLock = metaLock;
        this.node = node;
        this.path = path;
        this.writable = writable;
        this.append = append;
        this.auSize = space.auSize();
    }

    Node node()
    {
        return node;
    }

    @Override
    public String path()
    {
        return path;
    }

    @Override
    public int read(final long filePosition, final MutableDirectBuffer dst, final int index, final int length)
    {
        checkOpen();
        checkRange(filePosition, length);
        if (mayMiss(filePosition, length))
        {
            coordinator.refresh();
        }
        checkNotDeleted();
        node.ioLock.readLock().lock();
        try
        {
            final long size = node.size;
            if (filePosition >= size)
            {
                return length == 0 ? 0 : -1;
            }
            final int n = (int)Math.min(length, size - filePosition);
            final ExtentMap extents = node.extents;
            long at = filePosition;
            int done = 0;
            while (done < n)
            {
                final long fileAu = at / auSize;
                final int within = (int)(at - fileAu * auSize);
                final int chunk = Math.min(n - done, auSize - within);
                final long au = extents.lookup(fileAu);
                if (au == ExtentMap.HOLE)
                {
                    dst.setMemory(index + done, chunk, (byte)0);
                }
                else
                {
                    space.io(au).read(auIndexOf(au) * auSize + within, dst, index + done, chunk);
                }
                done += chunk;
                at += chunk;
            }
            return n;
        }
        catch (final BlockDeviceException ex)
        {
            throw ioError(ex);
        }
        finally
        {
            node.ioLock.readLock().unlock();
        }
    }

    /**
     * A read past the end or into a hole may be of data another instance wrote after this one last looked.
     */
    private boolean mayMiss(final long filePosition, final int length)
    {
        if (filePosition + length > node.size)
        {
            return true;
        }
        final ExtentMap extents = node.extents;
        for (long au = filePosition / auSize, last = (filePosition + Math.max(length, 1) - 1) / auSize; au <= last; au++)
        {
            if (extents.lookup(au) == ExtentMap.HOLE)
            {
                return true;
            }
        }
        return false;
    }

    private void checkNotDeleted()
    {
        if (node.deleted && !node.orphan)
        {
            throw new DssException(ErrorCode.NOT_FOUND, "file was deleted (by another instance): path=" + path +
                "; close this handle");
        }
    }

    @Override
    public int read(final ByteBuffer dst, final long filePosition)
    {
        final UnsafeBuffer wrapper = WRAPPER.get();
        wrapper.wrap(dst, dst.position(), dst.remaining());
        try
        {
            final int n = read(filePosition, wrapper, 0, dst.remaining());
            if (n > 0)
            {
                dst.position(dst.position() + n);
            }
            return n;
        }
        finally
        {
            wrapper.wrap(0, 0);
        }
    }

    @Override
    public int read(final ByteBuffer dst)
    {
        synchronized (position)
        {
            final int n = read(dst, position.get());
            if (n > 0)
            {
                position.addAndGet(n);
            }
            return n;
        }
    }

    @Override
    public void write(final long filePosition, final DirectBuffer src, final int index, final int length)
    {
        checkWritable();
        checkRange(filePosition, length);
        if (length == 0)
        {
            return;
        }
        final long end = filePosition + length;
        FileSpace.checkFileSize(end, path);
        checkNotDeleted();
        final FenceGate gate = coordinator.gate();
        node.ioLock.readLock().lock();
        try
        {
            ensureAllocated(filePosition, end, gate);
            // A patch of a block another instance may patch too is made under the volume-group lock: without it,
            // each could write back its stale copy of the other's bytes (dss-core/DESIGN.md, "Unaligned writes").
            final boolean patches = patchesBlocks(filePosition, length);
            if (patches)
            {
                coordinator.enter();
            }
            try
            {
                write(filePosition, src, index, length, end, gate, patches);
            }
            finally
            {
                if (patches)
                {
                    coordinator.exit();
                }
            }
        }
        catch (final BlockDeviceException ex)
        {
            throw ioError(ex);
        }
        finally
        {
            node.ioLock.readLock().unlock();
        }
    }

    private void write(
        final long filePosition, final DirectBuffer src, final int index, final int length, final long end,
        final FenceGate gate, final boolean patches)
    {
        if (!gate.tryEnter())
        {
            throw gate.refused("write to " + path);
        }
        try
        {
            copyIn(filePosition, src, index, length, patches ? coordinator::checkStillHeld : null);
            // Raise, never store: another thread's write or a SET_SIZE may have raised the size meanwhile. The flag
            // is set after the sizes: a size log clears it and then reads them, so it logs this raise or leaves the
            // flag set for the next one.
            final boolean grew = node.raiseSize(end);
            if (node.raiseWrittenSize(end) || grew)
            {
                node.sizeDirty = true;
            }
            node.updatedMs = System.currentTimeMillis();
        }
        finally
        {
            gate.exit();
        }
    }

    /**
     * @return true if the write reads, patches and rewrites a device block at one of its edges (direct I/O). An AU
     * starts on a block, so an edge is unaligned on the device exactly when it is in the file.
     */
    private boolean patchesBlocks(final long filePosition, final int length)
    {
        final ExtentMap extents = node.extents;
        final long end = filePosition + length;
        return space.io(extents.lookup(filePosition / auSize)).isReadModifyWrite(filePosition, 0) ||
            space.io(extents.lookup((end - 1) / auSize)).isReadModifyWrite(end, 0);
    }

    /**
     * Allocate the holes the write reaches. This is a metadata change of its own, made before the write enters the
     * fence gate: it may wait for the volume-group lock, which the coordination agent releases, and the agent closes
     * the gate by waiting for every write inside to leave (dss-core/DESIGN.md, "Lock order").
     */
    private void ensureAllocated(final long from, final long to, final FenceGate gate)
    {
        final long firstAu = from / auSize;
        final long lastAu = (to - 1) / auSize;
        final ExtentMap extents = node.extents;
        for (long au = firstAu; au <= lastAu; au++)
        {
            if (extents.lookup(au) == ExtentMap.HOLE)
            {
                if (gate.isClosed())
                {
                    throw gate.refused("write to " + path);
                }
                // Under a lease, durable before any data lands there: the allocation was then written under a valid
                // lease, so an instance that takes the lease over replays it and never gives these AUs to another
                // file. Under the flock nobody can take the lock before it is durable.
                space.allocateForWrite(node, au, lastAu, path);
                return;
            }
        }
    }

    private void copyIn(
        final long filePosition, final DirectBuffer src, final int index, final int length, final Runnable beforePatch)
    {
        final ExtentMap extents = node.extents;
        long at = filePosition;
        int done = 0;
        while (done < length)
        {
            final long fileAu = at / auSize;
            final int within = (int)(at - fileAu * auSize);
            final int chunk = Math.min(length - done, auSize - within);
            final long au = extents.lookup(fileAu);
            space.io(au).write(auIndexOf(au) * auSize + within, src, index + done, chunk, beforePatch);
            done += chunk;
            at += chunk;
        }
    }

    @Override
    public int write(final ByteBuffer src, final long filePosition)
    {
        final int n = src.remaining();
        final UnsafeBuffer wrapper = WRAPPER.get();
        wrapper.wrap(src, src.position(), n);
        try
        {
            write(filePosition, wrapper, 0, n);
            src.position(src.position() + n);
            return n;
        }
        finally
        {
            wrapper.wrap(0, 0);
        }
    }

    @Override
    public int write(final ByteBuffer src)
    {
        synchronized (position)
        {
            final long at = append ? node.size : position.get();
            final int n = write(src, at);
            position.set(at + n);
            return n;
        }
    }

    @Override
    public long position()
    {
        return position.get();
    }

    @Override
    public DssFile position(final long newPosition)
    {
        if (newPosition < 0)
        {
            throw new DssException(ErrorCode.INVALID_ARGUMENT, "negative position: path=" + path + ", position=" +
                newPosition);
        }
        position.set(newPosition);
        return this;
    }

    @Override
    public long size()
    {
        checkOpen();
        coordinator.refresh(); // another instance may have grown the file: one sector read when nothing changed
        return node.size;
    }

    @Override
    public void truncate(final long newSize)
    {
        checkWritable();
        node.ioLock.writeLock().lock();
        try
        {
            space.truncate(node, newSize, path);
        }
        catch (final BlockDeviceException ex)
        {
            throw ioError(ex);
        }
        finally
        {
            node.ioLock.writeLock().unlock();
        }
    }

    @Override
    public void allocate(final long offset, final long length, final boolean keepSize)
    {
        checkWritable();
        checkRange(offset, length);
        if (length == 0)
        {
            return;
        }
        final long end = offset + length;
        FileSpace.checkFileSize(end, path);
        node.ioLock.writeLock().lock();
        try
        {
            space.allocateForWrite(node, offset / auSize, (end - 1) / auSize, path);
            if (!keepSize && end > node.size)
            {
                space.truncate(node, end, path);
            }
        }
        catch (final BlockDeviceException ex)
        {
            throw ioError(ex);
        }
        finally
        {
            node.ioLock.writeLock().unlock();
        }
    }

    @Override
    public void flush()
    {
        checkOpen();
        checkNotDeleted();
        space.flush(node);
    }

    @Override
    public FileStat stat()
    {
        checkOpen();
        return namespace.stat(node);
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                space.logSizeIfDirty(node);
            }
            finally
            {
                namespace.release(node);
            }
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new DssException(ErrorCode.CLOSED, "file handle is closed: path=" + path);
        }
        metaLock.checkOpen();
    }

    private void checkWritable()
    {
        checkOpen();
        if (!writable)
        {
            throw new DssException(ErrorCode.INVALID_ARGUMENT, "file opened read-only: path=" + path +
                "; open it with OpenFlag.WRITE");
        }
    }

    private void checkRange(final long filePosition, final long length)
    {
        if (filePosition < 0 || length < 0)
        {
            throw new DssException(ErrorCode.INVALID_ARGUMENT, "negative position or length: path=" + path +
                ", position=" + filePosition + ", length=" + length);
        }
    }

    private DssException ioError(final BlockDeviceException ex)
    {
        return new DssException(ErrorCode.IO_ERROR, "I/O failed on " + path + ": " + ex.getMessage(), ex);
    }
}
