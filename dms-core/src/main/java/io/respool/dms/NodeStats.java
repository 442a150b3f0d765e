package io.respool.dms;

import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.util.concurrent.TimeUnit;

import static io.respool.dms.stat.StatsFileDescriptor.*;

/**
 * A node's counters and latency histograms, kept in a mapped file in the node directory so that
 * {@code dmscmd stat} can read them while the node runs. Single writer: the node agent thread records events and
 * writes counters (ordered stores); {@link #publish} copies histogram summaries under a seqlock.
 */
final class NodeStats implements AutoCloseable
{
    private final File file;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final Histogram[] histograms = new Histogram[StatEvent.values().length];
    /** Each histogram's count when last published: one unchanged since is not summarised again. */
    private final long[] publishedCounts = new long[StatEvent.values().length];
    private final long[] local = new long[COUNTER_SLOTS];

    NodeStats(final File file, final int nodeId, final int membershipVersion)
    {
        this.file = file;
        this.mapped = IoUtil.mapNewFile(file, FILE_LENGTH);
        this.buffer = new UnsafeBuffer(mapped);
        buffer.putLong(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(NODE_ID_OFFSET, nodeId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(PID_OFFSET, ProcessHandle.current().pid(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(START_EPOCH_MS_OFFSET, System.currentTimeMillis(), ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MEMBERSHIP_VERSION_OFFSET, membershipVersion, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(COUNTER_SLOTS_OFFSET, COUNTER_SLOTS, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(EVENT_SLOTS_OFFSET, EVENT_SLOTS, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < histograms.length; i++)
        {
            histograms[i] = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
        }
        // Version is written last: a reader that sees it sees a complete header.
        buffer.putIntVolatile(VERSION_OFFSET, CURRENT_VERSION);
    }

    File file()
    {
        return file;
    }

    /** The membership epoch in the file's header: a reform moved on. */
    void membershipVersion(final int version)
    {
        buffer.putIntVolatile(MEMBERSHIP_VERSION_OFFSET, version);
    }

    void increment(final StatCounter counter)
    {
        add(counter, 1);
    }

    void add(final StatCounter counter, final long delta)
    {
        final int id = counter.id();
        final long value = local[id] + delta;
        local[id] = value;
        buffer.putLongOrdered(counterOffset(id), value);
    }

    void set(final StatCounter counter, final long value)
    {
        local[counter.id()] = value;
        buffer.putLongOrdered(counterOffset(counter.id()), value);
    }

    long get(final StatCounter counter)
    {
        return local[counter.id()];
    }

    void record(final StatEvent event, final long durationNs)
    {
        final Histogram histogram = histograms[event.id()];
        histogram.recordValue(Math.max(0, Math.min(durationNs, histogram.getHighestTrackableValue())));
    }

    /**
     * Write each histogram's summary into the file under the seqlock.
     */
    void publish()
    {
        final long seq = buffer.getLong(SEQLOCK_OFFSET);
        buffer.putLongOrdered(SEQLOCK_OFFSET, seq + 1);
        java.lang.invoke.VarHandle.releaseFence();
        for (final StatEvent event : StatEvent.values())
        {
            final Histogram h = histograms[event.id()];
            final int offset = eventOffset(event.id());
            final long count = h.getTotalCount();
            if (count == publishedCounts[event.id()])
            {
                // its summary in the file is current (the file starts zero): the percentiles scan every bucket
                continue;
            }
            publishedCounts[event.id()] = count;
            buffer.putLong(offset + EVENT_COUNT_OFFSET, count, ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_MIN_OFFSET, count == 0 ? 0 : h.getMinValue(), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_P50_OFFSET, h.getValueAtPercentile(50), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_P90_OFFSET, h.getValueAtPercentile(90), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_P99_OFFSET, h.getValueAtPercentile(99), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_P999_OFFSET, h.getValueAtPercentile(99.9), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_MAX_OFFSET, h.getMaxValue(), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + EVENT_MEAN_OFFSET, (long)h.getMean(), ByteOrder.LITTLE_ENDIAN);
        }
        buffer.putLongOrdered(SEQLOCK_OFFSET, seq + 2);
        buffer.putLongOrdered(LAST_UPDATE_EPOCH_MS_OFFSET, System.currentTimeMillis());
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
