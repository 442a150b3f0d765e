package io.respool.cli.dms;

import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatEvent;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code dmscmd stat}'s output of a statistics file: which peers the node reaches over which transport, as node
 * lists rather than the bitmaps the file holds; each reform step's barrier, in milliseconds.
 */
class StatCommandTest
{
    @Test
    void shouldShowWhichPeersUseWhichTransport()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[StatsFileDescriptor.FILE_LENGTH]);
        buffer.putLong(StatsFileDescriptor.MAGIC_OFFSET, StatsFileDescriptor.MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StatsFileDescriptor.VERSION_OFFSET, StatsFileDescriptor.CURRENT_VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StatsFileDescriptor.NODE_ID_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StatsFileDescriptor.COUNTER_SLOTS_OFFSET, StatsFileDescriptor.COUNTER_SLOTS,
            ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(StatsFileDescriptor.counterOffset(StatCounter.PEERS_OVER_IPC.id()), 0b110,
            ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(StatsFileDescriptor.counterOffset(StatCounter.PEERS_OVER_UDP.id()), 1L << 63,
            ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(StatsFileDescriptor.counterOffset(StatCounter.DRIVER_RECONNECTS.id()), 2,
            ByteOrder.LITTLE_ENDIAN);
        final StringWriter out = new StringWriter();

        StatCommand.print(new PrintWriter(out, true), StatsReader.read(buffer, "test"), new File("dms-stat.dat"));

        final String text = out.toString();
        assertTrue(text.contains("\n  transport to peers now                        ipc [1, 2], udp [63]\n"), text);
        assertTrue(text.contains("  media driver reconnects                                     2\n"), text);
        assertFalse(text.contains("bitmap"), text);
        assertEquals("[]", StatCommand.nodes(0));
    }

    @Test
    void shouldListTheBarrierOfEachReformStepTakenInMilliseconds()
    {
        final UnsafeBuffer buffer = file(StatsFileDescriptor.CURRENT_VERSION, StatsFileDescriptor.EVENT_SLOTS);
        putEvent(buffer, StatEvent.REFORM_STEP, 5, 1_000_000, 4_000_000, 4_200_000);
        putEvent(buffer, StatEvent.REFORM_STEP_START, 2, 100_000, 300_000, 310_000);
        putEvent(buffer, StatEvent.REFORM_STEP_REBUILD, 3, 1_500_000, 4_000_000, 4_200_000);
        buffer.putLong(StatsFileDescriptor.counterOffset(StatCounter.REFORM_STEP_RESENDS.id()), 4,
            ByteOrder.LITTLE_ENDIAN);

        final String text = print(buffer);

        assertTrue(text.contains(" layout=2\n"), text);
        assertTrue(text.contains("\n  reform step barriers (ms)                     count       p50       p99       max\n" +
            "    START                                           2      0.10      0.30      0.31\n" +
            "    REBUILD                                         3      1.50      4.00      4.20\n"), text);
        assertFalse(text.contains("DEMOTE"), "a step never taken is left out: " + text);
        assertFalse(text.contains("reform step REBUILD barrier"), "steps are not in the table in us: " + text);
        assertTrue(text.contains("\n  reform step barrier, all (reformer)               5 "), text);
        assertTrue(text.contains("\n  reform steps resent (reformer)                              4\n"), text);
    }

    @Test
    void shouldShowWhatALayout1FileDoesNotHold()
    {
        final UnsafeBuffer buffer = file(1, StatsFileDescriptor.V1_EVENT_SLOTS);
        putEvent(buffer, StatEvent.REFORM_STEP, 5, 1_000_000, 4_000_000, 4_200_000);

        final String text = print(buffer);

        assertTrue(text.contains(" layout=1\n"), text);
        assertTrue(text.contains("\n  rebuild batches resent                                      - (not in a layout 1 file)\n"), text);
        assertTrue(text.contains("\n  reform step barriers (ms)                - (not in a layout 1 file)\n"), text);
    }

    private static UnsafeBuffer file(final int version, final int eventSlots)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[(int)StatsFileDescriptor.fileLength(
            StatsFileDescriptor.COUNTER_SLOTS, eventSlots)]);
        buffer.putLong(StatsFileDescriptor.MAGIC_OFFSET, StatsFileDescriptor.MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StatsFileDescriptor.VERSION_OFFSET, version, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StatsFileDescriptor.COUNTER_SLOTS_OFFSET, StatsFileDescriptor.COUNTER_SLOTS,
            ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StatsFileDescriptor.EVENT_SLOTS_OFFSET, eventSlots, ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }

    private static void putEvent(final UnsafeBuffer buffer, final StatEvent event, final long count, final long p50,
        final long p99, final long max)
    {
        final int offset = StatsFileDescriptor.eventOffset(event.id());
        buffer.putLong(offset + StatsFileDescriptor.EVENT_COUNT_OFFSET, count, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + StatsFileDescriptor.EVENT_P50_OFFSET, p50, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + StatsFileDescriptor.EVENT_P99_OFFSET, p99, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + StatsFileDescriptor.EVENT_MAX_OFFSET, max, ByteOrder.LITTLE_ENDIAN);
    }

    private static String print(final UnsafeBuffer buffer)
    {
        final StringWriter out = new StringWriter();
        StatCommand.print(new PrintWriter(out, true), StatsReader.read(buffer, "test"), new File("dms-stat.dat"));
        return out.toString();
    }
}
