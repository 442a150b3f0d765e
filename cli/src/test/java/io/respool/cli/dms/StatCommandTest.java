package io.respool.cli.dms;

import io.respool.dms.stat.StatCounter;
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
 * lists rather than the bitmaps the file holds.
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
}
