package io.respool.dms.stat;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.respool.dms.stat.StatsFileDescriptor.*;

/**
 * Reads a running (or just stopped) node's statistics file from any process, in the manner of AeronStat.
 */
public final class StatsReader
{
    private StatsReader()
    {
    }

    /**
     * One event's latency summary, in nanoseconds.
     *
     * @param event the event.
     * @param count how many.
     * @param min   smallest.
     * @param p50   median.
     * @param p90   90th percentile.
     * @param p99   99th percentile.
     * @param p999  99.9th percentile.
     * @param max   largest.
     * @param mean  mean.
     */
    public record EventSummary(StatEvent event, long count, long min, long p50, long p90, long p99, long p999,
        long max, long mean)
    {
    }

    /**
     * A consistent copy of a node's statistics.
     *
     * @param version           the file's layout version.
     * @param nodeId            node id.
     * @param pid               the node's process id.
     * @param startEpochMs      when it started.
     * @param lastUpdateEpochMs when the summaries were last written.
     * @param membershipVersion membership version.
     * @param counters          counter values by {@link StatCounter#id()}, as many as the file's writer knew.
     * @param events            event summaries, of the events the file's writer knew.
     */
    public record Snapshot(int version, int nodeId, long pid, long startEpochMs, long lastUpdateEpochMs, int membershipVersion,
        long[] counters, List<EventSummary> events)
    {
        /**
         * @param counter a counter.
         * @return its value, 0 if the file has none ({@link #has}).
         */
        public long counter(final StatCounter counter)
        {
            return has(counter) ? counters[counter.id()] : 0;
        }

        /**
         * @param counter a counter.
         * @return whether the file holds it: a version-1 file has no counter after {@link StatCounter#DRIVER_RECONNECTS}.
         */
        public boolean has(final StatCounter counter)
        {
            return counter.id() < counters.length;
        }

        /**
         * @param event an event.
         * @return its summary.
         */
        public EventSummary event(final StatEvent event)
        {
            for (final EventSummary summary : events)
            {
                if (summary.event() == event)
                {
                    return summary;
                }
            }
            return new EventSummary(event, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /**
     * Read a stats file.
     *
     * @param file the file ({@code <node dir>/dms-stat.dat}).
     * @return a consistent snapshot.
     * @throws IllegalStateException if the file is not a stats file of a supported version.
     */
    public static Snapshot read(final File file)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "dms stats");
        try
        {
            return read(new UnsafeBuffer(mapped), file.getPath());
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Read a mapped stats buffer.
     *
     * @param buffer the mapped file.
     * @param name   its name for error messages.
     * @return a consistent snapshot.
     */
    public static Snapshot read(final UnsafeBuffer buffer, final String name)
    {
        checkHeader(buffer, name);
        final int version = buffer.getInt(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int counterSlots = buffer.getInt(COUNTER_SLOTS_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int eventSlots = buffer.getInt(EVENT_SLOTS_OFFSET, ByteOrder.LITTLE_ENDIAN);
        // a version-1 writer left the slots after its last counter and event zero: they are not ours to label
        final int counterCount = Math.min(counterSlots, version == 1 ? V1_COUNTERS : StatCounter.values().length);
        final int eventCount = Math.min(eventSlots, version == 1 ? V1_EVENTS : StatEvent.values().length);
        final long[] counters = new long[counterCount];
        for (int i = 0; i < counters.length; i++)
        {
            counters[i] = buffer.getLongVolatile(counterOffset(i));
        }

        List<EventSummary> events = List.of();
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            final long before = buffer.getLongVolatile(SEQLOCK_OFFSET);
            if ((before & 1) != 0)
            {
                Thread.onSpinWait();
                continue;
            }
            final List<EventSummary> read = new ArrayList<>();
            for (int i = 0; i < eventCount; i++)
            {
                final int offset = eventOffset(counterSlots, i);
                read.add(new EventSummary(StatEvent.get(i),
                    buffer.getLong(offset + EVENT_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_MIN_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_P50_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_P90_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_P99_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_P999_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_MAX_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(offset + EVENT_MEAN_OFFSET, ByteOrder.LITTLE_ENDIAN)));
            }
            java.lang.invoke.VarHandle.acquireFence();
            if (buffer.getLongVolatile(SEQLOCK_OFFSET) == before)
            {
                events = read;
                break;
            }
        }

        return new Snapshot(
            version,
            buffer.getInt(NODE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(PID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(START_EPOCH_MS_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLongVolatile(LAST_UPDATE_EPOCH_MS_OFFSET),
            buffer.getInt(MEMBERSHIP_VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN),
            counters, events);
    }
}
