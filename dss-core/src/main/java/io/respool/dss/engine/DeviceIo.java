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
 */
final class DeviceIo
{
    private static final ThreadLocal<UnsafeBuffer> BOUNCE = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));

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
        final UnsafeBuffer bounce = bounce(span);
        device.read(start, bounce, 0, span);
        dst.putBytes(index, bounce, (int)(offset - start), length);
    }

    void write(final long offset, final DirectBuffer src, final int index, final int length)
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
            final UnsafeBuffer bounce = bounce(span);
            device.read(start, bounce, 0, alignment);
            device.read(start + span - alignment, bounce, span - alignment, alignment);
            bounce.putBytes((int)(offset - start), src, index, length);
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

    private static UnsafeBuffer bounce(final int length)
    {
        UnsafeBuffer buffer = BOUNCE.get();
        if (buffer.capacity() < length)
        {
            buffer = new UnsafeBuffer(new byte[Math.max(length, 64 * 1024)]);
            BOUNCE.set(buffer);
        }
        return buffer;
    }
}
