package io.respool.blockdev;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.file.Path;

/**
 * A device read and written with {@code pread}/{@code pwrite} on an {@code O_DIRECT} file descriptor, bypassing the
 * page cache. Offsets and lengths must be multiples of {@link #alignment()}: the logical sector size of a block
 * device, 4096 for an image file (safe for any file system). So is the memory address for {@code O_DIRECT}: a direct
 * caller buffer whose address plus index is aligned is read into or written from in place, anything else is copied
 * through this thread's {@link BounceBuffer}, {@link BounceBuffer#CAPACITY} bytes at a time.
 * <p>
 * An image file whose size is not a multiple of the alignment keeps its last partial unit out of reach of this
 * backend: use {@link Backend#MAPPED} for such a file.
 * <p>
 * Thread safety: any number of threads may call at once; {@link #close()} waits for calls in flight.
 */
final class DirectBlockDevice implements BlockDevice
{
    private final Path path;
    private final DeviceKind kind;
    private final int fd;
    private final long size;
    private final boolean readOnly;
    private final int alignment;
    private final int atomicWriteUnit;
    private final CloseGuard guard = new CloseGuard();

    /**
     * Take ownership of an {@code O_DIRECT} file descriptor.
     *
     * @param alignment       power of two, at most {@link BounceBuffer#ALIGNMENT}.
     * @param atomicWriteUnit unit written atomically: the logical sector size.
     */
    DirectBlockDevice(
        final Path path,
        final DeviceKind kind,
        final int fd,
        final long size,
        final boolean readOnly,
        final int alignment,
        final int atomicWriteUnit)
    {
        if (alignment <= 0 || alignment > BounceBuffer.ALIGNMENT || Integer.bitCount(alignment) != 1)
        {
            throw new BlockDeviceException(
                BlockDeviceException.Reason.IO_ERROR, path, -1,
                "unsupported sector size for direct I/O: path=" + path + ", alignment=" + alignment +
                "; expected a power of two up to " + BounceBuffer.ALIGNMENT +
                ", use a device with 512 or 4096 byte sectors");
        }

        this.path = path;
        this.kind = kind;
        this.fd = fd;
        this.size = size;
        this.readOnly = readOnly;
        this.alignment = alignment;
        this.atomicWriteUnit = atomicWriteUnit;
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
        return Backend.DIRECT;
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
     * {@inheritDoc}
     */
    @Override
    public int alignment()
    {
        return alignment;
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
            DeviceErrors.checkAligned(path, offset, length, alignment);
            final byte[] array = dst.byteArray();
            final long dstAddress = dst.addressOffset() + dstIndex;
            if (isUsableInPlace(array, dstAddress, alignment))
            {
                preadFully(dstAddress, length, offset);
            }
            else
            {
                final long bounce = BounceBuffer.current().address();
                long done = 0;
                while (done < length)
                {
                    final long chunk = Math.min(length - done, BounceBuffer.CAPACITY);
                    preadFully(bounce, chunk, offset + done);
                    UnsafeApi.copyMemory(null, bounce, array, dstAddress + done, chunk);
                    done += chunk;
                }
            }
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
            DeviceErrors.checkAligned(path, offset, length, alignment);
            final byte[] array = src.byteArray();
            final long srcAddress = src.addressOffset() + srcIndex;
            if (isUsableInPlace(array, srcAddress, alignment))
            {
                pwriteFully(srcAddress, length, offset);
            }
            else
            {
                final long bounce = BounceBuffer.current().address();
                long done = 0;
                while (done < length)
                {
                    final long chunk = Math.min(length - done, BounceBuffer.CAPACITY);
                    UnsafeApi.copyMemory(array, srcAddress + done, null, bounce, chunk);
                    pwriteFully(bounce, chunk, offset + done);
                    done += chunk;
                }
            }
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * A block device is asked to write zeroes ({@code BLKZEROOUT}, which may unmap thinly provisioned blocks); an
     * image file gets a hole punched ({@code fallocate(PUNCH_HOLE | KEEP_SIZE)}). Where neither is supported,
     * zeros are written.
     */
    @Override
    public void zero(final long offset, final long length)
    {
        enter();
        try
        {
            checkWritable(offset, "zero");
            DeviceErrors.checkRange(path, offset, length, size);
            DeviceErrors.checkAligned(path, offset, length, alignment);
            if (length > 0)
            {
                final boolean zeroed = DeviceKind.BLOCK_DEVICE == kind ?
                    blockZeroOut(offset, length) : punchHole(offset, length);
                if (!zeroed)
                {
                    writeZeros(offset, length);
                }
            }
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * {@code fdatasync}: for a block device this also flushes the device's volatile write cache.
     */
    @Override
    public void flush()
    {
        enter();
        try
        {
            fdatasync(0, size);
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * Flushes everything with {@code fdatasync}: there is no cheaper range flush for direct I/O.
     */
    @Override
    public void flush(final long offset, final long length)
    {
        enter();
        try
        {
            DeviceErrors.checkRange(path, offset, length, size);
            fdatasync(offset, length);
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * Wait for calls in flight, then close the file descriptor. Does not flush. Idempotent.
     */
    @Override
    public void close()
    {
        if (guard.closeAndAwait())
        {
            LibC.close(fd);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "DirectBlockDevice{path=" + path + ", kind=" + kind + ", size=" + size +
            ", alignment=" + alignment + ", readOnly=" + readOnly + '}';
    }

    /**
     * @return true if the memory is native (not a heap array) and its address is aligned for {@code O_DIRECT}.
     */
    static boolean isUsableInPlace(final byte[] array, final long address, final int alignment)
    {
        return array == null && (address & (alignment - 1)) == 0;
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

    private void preadFully(final long address, final long length, final long offset)
    {
        long done = 0;
        while (done < length)
        {
            final long n = LibC.pread(fd, address + done, length - done, offset + done);
            if (n > 0)
            {
                done += n;
            }
            else if (0 == n)
            {
                throw DeviceErrors.unexpectedEnd(path, "pread", offset, length, done);
            }
            else
            {
                final int errno = LibC.errno();
                if (LibC.EINTR != errno)
                {
                    throw DeviceErrors.ioError(path, "pread", offset + done, length - done, errno);
                }
            }
        }
    }

    private void pwriteFully(final long address, final long length, final long offset)
    {
        long done = 0;
        while (done < length)
        {
            final long n = LibC.pwrite(fd, address + done, length - done, offset + done);
            if (n > 0)
            {
                done += n;
            }
            else if (0 == n)
            {
                throw DeviceErrors.unexpectedEnd(path, "pwrite", offset, length, done);
            }
            else
            {
                final int errno = LibC.errno();
                if (LibC.EINTR != errno)
                {
                    throw DeviceErrors.ioError(path, "pwrite", offset + done, length - done, errno);
                }
            }
        }
    }

    private boolean blockZeroOut(final long offset, final long length)
    {
        final long[] range = { offset, length };
        while (true)
        {
            if (0 == LibC.ioctl(fd, LibC.BLKZEROOUT, range))
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
                throw DeviceErrors.ioError(path, "ioctl(BLKZEROOUT)", offset, length, errno);
            }
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

    /**
     * Write zeros over an aligned, checked range through this thread's bounce buffer: the fallback of
     * {@link #zero(long, long)}, package-private for tests.
     */
    void writeZeros(final long offset, final long length)
    {
        final long bounce = BounceBuffer.current().address();
        UnsafeApi.setMemory(bounce, BounceBuffer.CAPACITY, (byte)0);
        long done = 0;
        while (done < length)
        {
            final long chunk = Math.min(length - done, BounceBuffer.CAPACITY);
            pwriteFully(bounce, chunk, offset + done);
            done += chunk;
        }
    }

    private void fdatasync(final long offset, final long length)
    {
        while (0 != LibC.fdatasync(fd))
        {
            final int errno = LibC.errno();
            if (LibC.EINTR != errno)
            {
                throw DeviceErrors.ioError(path, "fdatasync", offset, length, errno);
            }
        }
    }
}
