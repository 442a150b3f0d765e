package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A block device in memory for unit tests of what writes to one: it counts writes and flushes, and fails the next
 * write on request, as a dying disk would.
 */
final class MemoryBlockDevice implements BlockDevice
{
    final UnsafeBuffer bytes;
    private final int alignment;
    private final int atomicWriteUnit;
    int writes;
    int flushes;
    boolean failWrites;

    MemoryBlockDevice(final int size, final int alignment, final int atomicWriteUnit)
    {
        this.bytes = new UnsafeBuffer(new byte[size]);
        this.alignment = alignment;
        this.atomicWriteUnit = atomicWriteUnit;
    }

    @Override
    public Path path()
    {
        return Path.of("/memory");
    }

    @Override
    public DeviceKind kind()
    {
        return DeviceKind.IMAGE_FILE;
    }

    @Override
    public Backend backend()
    {
        return Backend.MAPPED;
    }

    @Override
    public long size()
    {
        return bytes.capacity();
    }

    @Override
    public int alignment()
    {
        return alignment;
    }

    @Override
    public int atomicWriteUnit()
    {
        return atomicWriteUnit;
    }

    @Override
    public void read(final long offset, final MutableDirectBuffer dst, final int dstIndex, final int length)
    {
        dst.putBytes(dstIndex, bytes, (int)offset, length);
    }

    @Override
    public void write(final long offset, final DirectBuffer src, final int srcIndex, final int length)
    {
        if (failWrites)
        {
            throw new UncheckedIOException(new java.io.IOException("injected write failure at offset " + offset));
        }
        bytes.putBytes((int)offset, src, srcIndex, length);
        writes++;
    }

    @Override
    public void zero(final long offset, final long length)
    {
        bytes.setMemory((int)offset, (int)length, (byte)0);
    }

    @Override
    public void flush()
    {
        flushes++;
    }

    @Override
    public void flush(final long offset, final long length)
    {
        flushes++;
    }

    @Override
    public boolean isReadOnly()
    {
        return false;
    }

    @Override
    public void close()
    {
    }
}
