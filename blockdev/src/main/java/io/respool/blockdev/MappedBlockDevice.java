package io.respool.blockdev;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.file.Path;

/**
 * A device mapped whole with one {@code mmap(MAP_SHARED | MAP_NORESERVE)}, read and written by copying between the
 * mapping and the caller's buffer with {@link UnsafeApi#copyMemory(Object, long, Object, long, long)}, so heap and
 * direct buffers both work and nothing allocates. Sparse images of several TiB map fine in the 64-bit address space;
 * only touched pages take memory.
 * <p>
 * A write into a sparse hole when the host file system is full, or any access past the end of a file truncated by
 * someone else, raises {@code SIGBUS}; HotSpot turns that into an {@link InternalError}, which is rethrown as
 * {@link BlockDeviceException.Reason#IO_ERROR}.
 * <p>
 * Atomicity: {@link #atomicWriteUnit()} is 512 (or the device's logical sector) against power loss, because the
 * kernel writes whole pages back; a crash of this process in the middle of a copy can leave any prefix of it in the
 * page cache.
 * <p>
 * Thread safety: any number of threads may call at once; {@link #close()} waits for calls in flight.
 */
final class MappedBlockDevice implements BlockDevice
{
    /** Copies are cut into pieces of this size so a huge copy does not hold off a safepoint for long. */
    private static final long COPY_CHUNK = 1024 * 1024;
    private static final long PAGE_SIZE = UnsafeApi.pageSize();

    private final Path path;
    private final DeviceKind kind;
    private final int fd;
    private final long size;
    private final long mappedLength;
    private final long address;
    private final boolean readOnly;
    private final int atomicWriteUnit;
    private final CloseGuard guard = new CloseGuard();

    /**
     * Map an open file descriptor; on failure the caller still owns and must close {@code fd}.
     */
    MappedBlockDevice(
        final Path path,
        final DeviceKind kind,
        final int fd,
        final long size,
        final boolean readOnly,
        final int atomicWriteUnit)
    {
        this.path = path;
        this.kind = kind;
        this.fd = fd;
        this.size = size;
        this.readOnly = readOnly;
        this.atomicWriteUnit = atomicWriteUnit;
        this.mappedLength = DeviceErrors.roundUp(size, PAGE_SIZE);

        if (0 == size)
        {
            address = 0;
        }
        else
        {
            final int prot = readOnly ? LibC.PROT_READ : LibC.PROT_READ | LibC.PROT_WRITE;
            final long mapped = LibC.mmap(0, mappedLength, prot, LibC.MAP_SHARED | LibC.MAP_NORESERVE, fd, 0);
            if (LibC.MAP_FAILED == mapped)
            {
                final int errno = LibC.errno();
                throw new BlockDeviceException(
                    BlockDeviceException.Reason.IO_ERROR, path, -1,
                    "mmap failed: path=" + path + ", length=" + mappedLength + ", readOnly=" + readOnly +
                    ", error=" + LibC.describe(errno) +
                    "; check ulimit -v and vm.max_map_count, or open with OpenOptions.backend(Backend.DIRECT)");
            }
            address = mapped;
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Path path()
    {
        return path;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DeviceKind kind()
    {
        return kind;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Backend backend()
    {
        return Backend.MAPPED;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long size()
    {
        return size;
    }

    /**
     * @return 1: a mapping takes any offset and length.
     */
    @Override
    public int alignment()
    {
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int atomicWriteUnit()
    {
        return atomicWriteUnit;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isReadOnly()
    {
        return readOnly;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void read(final long offset, final MutableDirectBuffer dst, final int dstIndex, final int length)
    {
        DeviceErrors.checkBuffer(dst.capacity(), dstIndex, length);
        enter();
        try
        {
            DeviceErrors.checkRange(path, offset, length, size);
            copy(null, address + offset, dst.byteArray(), dst.addressOffset() + dstIndex, length, offset, "read");
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void write(final long offset, final DirectBuffer src, final int srcIndex, final int length)
    {
        DeviceErrors.checkBuffer(src.capacity(), srcIndex, length);
        enter();
        try
        {
            checkWritable(offset, "write");
            DeviceErrors.checkRange(path, offset, length, size);
            copy(src.byteArray(), src.addressOffset() + srcIndex, null, address + offset, length, offset, "write");
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * Punch a hole over the whole pages inside the range (the file system frees their blocks and the mapping reads
     * zeros) and write zeros over the partial pages at its edges. Where the file system cannot punch holes, write
     * zeros over the whole range.
     */
    @Override
    public void zero(final long offset, final long length)
    {
        enter();
        try
        {
            checkWritable(offset, "zero");
            DeviceErrors.checkRange(path, offset, length, size);
            final long end = offset + length;
            final long innerStart = DeviceErrors.roundUp(offset, PAGE_SIZE);
            final long innerEnd = DeviceErrors.roundDown(end, PAGE_SIZE);
            if (innerEnd > innerStart)
            {
                fill(offset, innerStart - offset);
                fill(innerEnd, end - innerEnd);
                if (!punchHole(innerStart, innerEnd - innerStart))
                {
                    fill(innerStart, innerEnd - innerStart);
                }
            }
            else
            {
                fill(offset, length);
            }
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * {@code msync(MS_SYNC)} of the whole mapping; the kernel writes back only dirty pages, so this is cheap on a
     * large, mostly clean mapping.
     */
    @Override
    public void flush()
    {
        enter();
        try
        {
            sync(0, mappedLength, 0, size);
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * {@code msync(MS_SYNC)} of the pages that enclose the range.
     */
    @Override
    public void flush(final long offset, final long length)
    {
        enter();
        try
        {
            DeviceErrors.checkRange(path, offset, length, size);
            if (length > 0)
            {
                final long start = DeviceErrors.roundDown(offset, PAGE_SIZE);
                sync(start, DeviceErrors.roundUp(offset + length, PAGE_SIZE) - start, offset, length);
            }
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * Wait for calls in flight, then unmap and close the file descriptor. Does not flush. Idempotent.
     */
    @Override
    public void close()
    {
        if (guard.closeAndAwait())
        {
            try
            {
                if (0 != address && 0 != LibC.munmap(address, mappedLength))
                {
                    throw DeviceErrors.ioError(path, "munmap", 0, mappedLength, LibC.errno());
                }
            }
            finally
            {
                LibC.close(fd);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "MappedBlockDevice{path=" + path + ", kind=" + kind + ", size=" + size + ", readOnly=" + readOnly + '}';
    }

    private void enter()
    {
        if (!guard.enter())
        {
            throw DeviceErrors.closed(path);
        }
    }

    private void checkWritable(final long offset, final String operation)
    {
        if (readOnly)
        {
            throw DeviceErrors.readOnly(path, offset, operation);
        }
    }

    private void copy(
        final Object srcObject,
        final long srcOffset,
        final Object dstObject,
        final long dstOffset,
        final long length,
        final long deviceOffset,
        final String operation)
    {
        try
        {
            long done = 0;
            while (done < length)
            {
                final long chunk = Math.min(length - done, COPY_CHUNK);
                UnsafeApi.copyMemory(srcObject, srcOffset + done, dstObject, dstOffset + done, chunk);
                collectAccessFault();
                done += chunk;
            }
        }
        catch (final InternalError ex)
        {
            throw mappedAccessFault(operation, deviceOffset, length, ex);
        }
    }

    /**
     * Make a {@code SIGBUS} from the copy just done surface here, inside the caller's {@code try}; call it straight
     * after each copy, before any loop back-edge.
     * <p>
     * HotSpot 17 does not throw the {@link InternalError} at a faulting {@code Unsafe} copy in compiled code: it marks
     * the thread and throws at the thread's next return from a runtime call made from Java code, or at a safepoint
     * poll that happens to be armed. Measured: thrown at a poll on this method's loop back-edge, it escaped the
     * {@code catch} below; left alone, it surfaced later in the caller's code. Returns from native methods (JNA,
     * {@code Thread.holdsLock}) do not deliver it. A {@code multianewarray} with a zero first dimension is a runtime
     * call in the interpreter, C1 and C2 alike (C2 expands it inline only for small positive constant dimensions),
     * and its return delivers the error at a call site, where the exception table applies. Cost: one runtime call
     * and one 16-byte array per copy.
     */
    @SuppressWarnings("unused")
    private static void collectAccessFault()
    {
        final byte[][] unused = new byte[0][0];
    }

    private void fill(final long offset, final long length)
    {
        try
        {
            long done = 0;
            while (done < length)
            {
                final long chunk = Math.min(length - done, COPY_CHUNK);
                UnsafeApi.setMemory(address + offset + done, chunk, (byte)0);
                collectAccessFault();
                done += chunk;
            }
        }
        catch (final InternalError ex)
        {
            throw mappedAccessFault("zero", offset, length, ex);
        }
    }

    @Override
    public void reserve(final long offset, final long length)
    {
        enter();
        try
        {
            checkWritable(offset, "reserve");
            DeviceErrors.checkRange(path, offset, length, size);
            if (length > 0 && DeviceKind.BLOCK_DEVICE != kind)
            {
                DeviceErrors.reserve(fd, path, offset, length);
            }
        }
        finally
        {
            guard.exit();
        }
    }

    private boolean punchHole(final long offset, final long length)
    {
        while (true)
        {
            if (0 == LibC.fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, offset, length))
            {
                return true;
            }

            final int errno = LibC.errno();
            if (LibC.EINTR != errno)
            {
                if (LibC.EOPNOTSUPP == errno || LibC.ENOSYS == errno)
                {
                    return false;
                }
                throw DeviceErrors.ioError(path, "fallocate(PUNCH_HOLE)", offset, length, errno);
            }
        }
    }

    private void sync(final long mapOffset, final long mapLength, final long offset, final long length)
    {
        if (0 != address && 0 != LibC.msync(address + mapOffset, mapLength, LibC.MS_SYNC))
        {
            throw DeviceErrors.ioError(path, "msync", offset, length, LibC.errno());
        }
    }

    private BlockDeviceException mappedAccessFault(
        final String operation, final long offset, final long length, final InternalError cause)
    {
        return new BlockDeviceException(
            BlockDeviceException.Reason.IO_ERROR, path, offset,
            operation + " through mapping faulted (SIGBUS): path=" + path + ", offset=" + offset +
            ", length=" + length +
            ", size=" + size + "; the host file system may be full (free space, or use a preallocated image) or the " +
            "file was truncated by another process (reopen it)", cause);
    }
}
