package io.respool.blockdev;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.file.Path;

/**
 * A fixed-size byte-addressable device: an image file or a raw block device.
 * <p>
 * Durability is explicit: a {@link #write} or {@link #zero} is visible to readers of this device (and, through the
 * page cache, to other processes on the host) when it returns, but it is <b>durable</b> only after a
 * {@link #flush} that covers it has returned.
 * <p>
 * Alignment: {@link #alignment()} is the granularity that offsets and lengths must respect; a call that does not is
 * rejected with {@link BlockDeviceException.Reason#MISALIGNED} and changes nothing. Buffers may be anywhere: a backend
 * that needs aligned memory copies through its own aligned buffer.
 * <p>
 * Thread safety: reads, writes, zeroing and flushes may be called from many threads at once; callers order
 * overlapping writes themselves.
 */
public interface BlockDevice extends AutoCloseable
{
    /**
     * @return the path this device was opened from.
     */
    Path path();

    /**
     * @return what the path is: a regular image file or a block device.
     */
    DeviceKind kind();

    /**
     * @return how I/O is done: memory-mapped or direct.
     */
    Backend backend();

    /**
     * @return size of the device in bytes.
     */
    long size();

    /**
     * @return alignment in bytes of offsets and lengths for {@link #read}, {@link #write} and {@link #zero}:
     * 1 for a mapped image, the logical sector size for direct I/O.
     */
    int alignment();

    /**
     * @return the unit the device writes atomically (its logical sector size, 512 for an image file): a torn write
     * never splits one such aligned unit.
     */
    int atomicWriteUnit();

    /**
     * Read {@code length} bytes at {@code offset} into {@code dst} at {@code dstIndex}.
     *
     * @throws BlockDeviceException if the range is outside the device, misaligned, or the read fails.
     */
    void read(long offset, MutableDirectBuffer dst, int dstIndex, int length);

    /**
     * Write {@code length} bytes from {@code src} at {@code srcIndex} to {@code offset}. Not durable until flushed.
     *
     * @throws BlockDeviceException if the range is outside the device, misaligned, read-only, or the write fails.
     */
    void write(long offset, DirectBuffer src, int srcIndex, int length);

    /**
     * Make a range read as zeros, cheaply where the backend can: punch a hole in an image file, ask a block device to
     * write zeroes. Not durable until flushed.
     */
    void zero(long offset, long length);

    /**
     * Give a range of an image file its own space on the host file system ({@code fallocate}, keeping the size and
     * every byte already there), so that later writes into it cannot fail for a full host file system. A hole
     * {@link #zero} punches gives the space back: reserve again after zeroing. Nothing to do on a block device, or
     * where the host file system cannot reserve (then nothing is promised).
     *
     * @throws BlockDeviceException IO_ERROR if the host file system has not that much space left.
     */
    default void reserve(final long offset, final long length)
    {
    }

    /**
     * Make every write and zero that returned before this call durable.
     */
    void flush();

    /**
     * Make writes in a range durable; backends that cannot flush a range flush everything.
     */
    void flush(long offset, long length);

    /**
     * @return true if opened read-only.
     */
    boolean isReadOnly();

    /**
     * Unmap or close. Does not flush: call {@link #flush()} first for durability. Idempotent.
     */
    @Override
    void close();

    /**
     * What a path is.
     */
    enum DeviceKind
    {
        IMAGE_FILE, BLOCK_DEVICE
    }

    /**
     * How I/O reaches the device.
     */
    enum Backend
    {
        /** Memory-mapped with {@code mmap(MAP_SHARED)}, flushed with {@code msync}. Default for image files. */
        MAPPED,
        /** {@code O_DIRECT} {@code pread}/{@code pwrite}, flushed with {@code fdatasync}. Default for block devices. */
        DIRECT
    }
}
