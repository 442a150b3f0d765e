package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * File data I/O on one volume at any offset and length. A mapped device takes anything as is. A direct-I/O device
 * takes only whole aligned blocks, so an unaligned read goes through an aligned bounce buffer and an unaligned
 * write reads, patches and rewrites the blocks it touches. Such a read-modify-write holds this device's write lock,
 * and every other write its read lock, so a patch never writes back a stale copy of a block another thread wrote.
 * Other instances are kept out by the volume-group lock, which the caller of a file-data patch holds
 * ({@link #isReadModifyWrite}; dss-core/DESIGN.md, "Unaligned writes").
 */
final class DeviceIo
{
    private static final ThreadLocal<UnsafeBuffer> BOUNCE = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));
    /** A patch's own: the check run between its read and its write reads sectors through {@link #BOUNCE}. */
    private static final ThreadLocal<UnsafeBuffer> PATCH = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));

    private final BlockDevice device;
    private final int alignment;
    private final ReentrantReadWriteLock blockLock = new ReentrantReadWriteLock();

    DeviceIo(final BlockDevice device)
    {
        this.device = device;
        this.alignment = device.alignment();
    }

    BlockDevice device()
    {
        return device;
    }

    void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
    {
        if (isAligned(offset, length))
        {
            device.read(offset, dst, index, length);
            return;
        }
        final long start = offset - offset % alignment;
        final int span = (int)(alignUp(offset + length) - start);
        final UnsafeBuffer bounce = bounce(BOUNCE, span);
        device.read(start, bounce, 0, span);
        dst.putBytes(index, bounce, (int)(offset - start), length);
    }

    /**
     * @return true if a write of this range must read, patch and rewrite a block at an edge (direct I/O only).
     */
    boolean isReadModifyWrite(final long offset, final long length)
    {
        return alignment > 1 && !isAligned(offset, length);
    }

    void write(final long offset, final DirectBuffer src, final int index, final int length)
    {
        write(offset, src, index, length, null);
    }

    /**
     * Write, and if the write patches a block, run {@code beforePatch} between reading the blocks and writing them
     * back: the last moment to find out that the volume-group lock the patch relies on may be another instance's.
     */
    void write(
        final long offset, final DirectBuffer src, final int index, final int length, final Runnable beforePatch)
    {
        if (alignment == 1)
        {
            device.write(offset, src, index, length);
            return;
        }
        if (isAligned(offset, length))
        {
            blockLock.readLock().lock();
            try
            {
                device.write(offset, src, index, length);
            }
            finally
            {
                blockLock.readLock().unlock();
            }
            return;
        }
        blockLock.writeLock().lock();
        try
        {
            final long start = offset - offset % alignment;
            final int span = (int)(alignUp(offset + length) - start);
            final UnsafeBuffer bounce = bounce(PATCH, span);
            device.read(start, bounce, 0, alignment);
            device.read(start + span - alignment, bounce, span - alignment, alignment);
            bounce.putBytes((int)(offset - start), src, index, length);
            if (beforePatch != null)
            {
                beforePatch.run();
            }
            device.write(start, bounce, 0, span);
        }
        finally
        {
            blockLock.writeLock().unlock();
        }
    }

    /**
     * Zero a range, durably (the record that relies on the zeros may be durable before any later flush); a direct
     * device's unaligned edges are written as zeros through {@link #write}.
     */
    void zero(final long offset, final long length)
    {
        zeroUnflushed(offset, length);
        device.flush(offset, length);
    }

    private void zeroUnflushed(final long offset, final long length)
    {
        if (alignment == 1 || isAligned(offset, length))
        {
            device.zero(offset, length);
            return;
        }
        final long innerStart = alignUp(offset);
        final long innerEnd = (offset + length) - (offset + length) % alignment;
        if (innerStart >= innerEnd)
        {
            writeZeros(offset, (int)length);
            return;
        }
        writeZeros(offset, (int)(innerStart - offset));
        device.zero(innerStart, innerEnd - innerStart);
        writeZeros(innerEnd, (int)(offset + length - innerEnd));
    }

    private void writeZeros(final long offset, final int length)
    {
        if (length > 0)
        {
            write(offset, new UnsafeBuffer(new byte[length]), 0, length);
        }
    }

    private boolean isAligned(final long offset, final long length)
    {
        return offset % alignment == 0 && length % alignment == 0;
    }

    private long alignUp(final long value)
    {
        return (value + alignment - 1) / alignment * alignment;
    }

    private static UnsafeBuffer bounce(final ThreadLocal<UnsafeBuffer> buffers, final int length)
    {
        UnsafeBuffer buffer = buffers.get();
        if (buffer.capacity() < length)
        {
            buffer = new UnsafeBuffer(new byte[Math.max(length, 64 * 1024)]);
            buffers.set(buffer);
        }
        return buffer;
    }
}
