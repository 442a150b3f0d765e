package io.respool.blockdev;

import io.respool.blockdev.BlockDeviceException.Reason;

import java.nio.file.Path;

/**
 * Checks shared by the backends and the {@link BlockDeviceException}s they throw, so every message has the same
 * {@code "what failed: name=value, ..."} shape followed by what to do.
 */
final class DeviceErrors
{
    private DeviceErrors()
    {
    }

    static BlockDeviceException closed(final Path path)
    {
        return new BlockDeviceException(
            Reason.CLOSED, path, -1,
            "block device is closed: path=" + path + "; open it again with BlockDevices.open");
    }

    static BlockDeviceException readOnly(final Path path, final long offset, final String operation)
    {
        return new BlockDeviceException(
            Reason.READ_ONLY, path, offset,
            operation + " on read-only block device: path=" + path + ", offset=" + offset +
            "; open it with OpenOptions.readOnly(false) to change it");
    }

    /**
     * Check that {@code [offset, offset + length)} lies within a device of {@code size} bytes.
     *
     * @throws BlockDeviceException with {@link Reason#OUT_OF_RANGE} if it does not.
     */
    static void checkRange(final Path path, final long offset, final long length, final long size)
    {
        if (offset < 0 || length < 0 || offset > size || length > size - offset)
        {
            throw new BlockDeviceException(
                Reason.OUT_OF_RANGE, path, offset,
                "I/O outside the block device: path=" + path + ", offset=" + offset + ", length=" + length +
                ", size=" + size + "; keep offset >= 0, length >= 0 and offset + length <= size");
        }
    }

    /**
     * Check that offset and length are multiples of {@code alignment}, a power of two.
     *
     * @throws BlockDeviceException with {@link Reason#MISALIGNED} if they are not.
     */
    static void checkAligned(final Path path, final long offset, final long length, final int alignment)
    {
        if (((offset | length) & (alignment - 1)) != 0)
        {
            throw new BlockDeviceException(
                Reason.MISALIGNED, path, offset,
                "misaligned I/O for direct block device: path=" + path + ", offset=" + offset + ", length=" + length +
                ", alignment=" + alignment + "; use multiples of the alignment, or the MAPPED backend for an image");
        }
    }

    /**
     * Check that {@code [index, index + length)} lies within a caller's buffer, since the copies below bypass the
     * buffer's own bounds checks.
     *
     * @throws IndexOutOfBoundsException if it does not.
     */
    static void checkBuffer(final int capacity, final int index, final int length)
    {
        if (index < 0 || length < 0 || index > capacity - length)
        {
            throw new IndexOutOfBoundsException(
                "buffer range outside buffer: index=" + index + ", length=" + length + ", capacity=" + capacity +
                "; pass a range within the buffer");
        }
    }

    /**
     * {@code fallocate(0)} over a range of an image file: allocates what is a hole, keeps what is there. A host
     * file system that cannot is left as it is.
     */
    static void reserve(final int fd, final Path path, final long offset, final long length)
    {
        while (0 != LibC.fallocate(fd, 0, offset, length))
        {
            final int errno = LibC.errno();
            if (LibC.EOPNOTSUPP == errno || LibC.ENOSYS == errno)
            {
                return;
            }
            if (LibC.EINTR != errno)
            {
                throw ioError(path, "fallocate", offset, length, errno);
            }
        }
    }

    static BlockDeviceException ioError(
        final Path path, final String operation, final long offset, final long length, final int errno)
    {
        return new BlockDeviceException(
            Reason.IO_ERROR, path, offset,
            operation + " failed: path=" + path + ", offset=" + offset + ", length=" + length +
            ", error=" + LibC.describe(errno) + "; check the device and the kernel log (dmesg)");
    }

    static BlockDeviceException unexpectedEnd(
        final Path path, final String operation, final long offset, final long length, final long done)
    {
        return new BlockDeviceException(
            Reason.IO_ERROR, path, offset,
            operation + " reached end of device early: path=" + path + ", offset=" + offset + ", length=" + length +
            ", transferred=" + done + "; the file may have been truncated by another process, reopen it");
    }

    static long roundDown(final long value, final long alignment)
    {
        return value & -alignment;
    }

    static long roundUp(final long value, final long alignment)
    {
        return (value + alignment - 1) & -alignment;
    }
}
