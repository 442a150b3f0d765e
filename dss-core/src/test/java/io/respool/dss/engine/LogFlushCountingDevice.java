package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A volume that counts the flushes that reach the redo log region (AU 1 on, {@code logLength} bytes), and passes
 * everything to the real device: how a test sees which writes waited for the log.
 */
final class LogFlushCountingDevice implements BlockDevice
{
    private final BlockDevice device;
    private final long logOffset;
    private final long logEnd;
    private final AtomicLong logFlushes = new AtomicLong();

    LogFlushCountingDevice(final BlockDevice device, final long logOffset, final long logLength)
    {
        this.device = device;
        this.logOffset = logOffset;
        this.logEnd = logOffset + logLength;
    }

    long logFlushes()
    {
        return logFlushes.get();
    }

    @Override
    public Path path()
    {
        return device.path();
    }

    @Override
    public DeviceKind kind()
    {
        return device.kind();
    }

    @Override
    public Backend backend()
    {
        return device.backend();
    }

    @Override
    public long size()
    {
        return device.size();
    }

    @Override
    public int alignment()
    {
        return device.alignment();
    }

    @Override
    public int atomicWriteUnit()
    {
        return device.atomicWriteUnit();
    }

    @Override
    public void read(final long offset, final MutableDirectBuffer dst, final int dstIndex, final int length)
    {
        device.read(offset, dst, dstIndex, length);
    }

    @Override
    public void write(final long offset, final DirectBuffer src, final int srcIndex, final int length)
    {
        device.write(offset, src, srcIndex, length);
    }

    @Override
    public void zero(final long offset, final long length)
    {
        device.zero(offset, length);
    }

    @Override
    public void reserve(final long offset, final long length)
    {
        device.reserve(offset, length);
    }

    @Override
    public void flush()
    {
        logFlushes.incrementAndGet();
        device.flush();
    }

    @Override
    public void flush(final long offset, final long length)
    {
        if (offset < logEnd && offset + length > logOffset)
        {
            logFlushes.incrementAndGet();
        }
        device.flush(offset, length);
    }

    @Override
    public boolean isReadOnly()
    {
        return device.isReadOnly();
    }

    @Override
    public void close()
    {
        device.close();
    }
}
