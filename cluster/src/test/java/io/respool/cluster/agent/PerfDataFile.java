package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.respool.cluster.agent.HotSpotPerfData.*;

/** Writes a HotSpot performance-data file as the JVM lays it out, with long counters and one string (a byte vector). */
final class PerfDataFile
{
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private int majorVersion = SUPPORTED_MAJOR_VERSION;

    PerfDataFile counter(final String name, final long value)
    {
        counters.put(name, value);
        return this;
    }

    PerfDataFile order(final ByteOrder order)
    {
        this.order = order;
        return this;
    }

    PerfDataFile majorVersion(final int majorVersion)
    {
        this.majorVersion = majorVersion;
        return this;
    }

    /** A heap of old generation {@code oldUsed} of {@code oldMax} bytes and {@code young} bytes of eden in use. */
    PerfDataFile heap(final long oldUsed, final long oldMax, final long young, final long fullCollections)
    {
        return counter("sun.gc.generation.0.maxCapacity", oldMax / 2)
            .counter("sun.gc.generation.0.space.0.used", young)
            .counter("sun.gc.generation.1.maxCapacity", oldMax)
            .counter("sun.gc.generation.1.space.0.used", oldUsed)
            .counter("sun.gc.generation.1.space.0.maxCapacity", oldMax)
            .counter("sun.gc.collector.1.invocations", fullCollections);
    }

    ByteBuffer bytes()
    {
        final ByteBuffer b = ByteBuffer.allocate(32768).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, MAGIC);
        b.order(order);
        b.put(BYTE_ORDER_OFFSET, order == ByteOrder.BIG_ENDIAN ? BIG_ENDIAN : (byte)1);
        b.put(MAJOR_VERSION_OFFSET, (byte)majorVersion);
        b.put(ACCESSIBLE_OFFSET, (byte)1);
        b.putInt(ENTRY_OFFSET_OFFSET, PROLOGUE_LENGTH);
        b.putInt(NUM_ENTRIES_OFFSET, counters.size() + 1);
        int entry = PROLOGUE_LENGTH;
        entry = putEntry(b, entry, "sun.rt.javaCommand", (byte)'B', "io.respool.Node".getBytes(StandardCharsets.US_ASCII));
        for (final Map.Entry<String, Long> c : counters.entrySet())
        {
            final byte[] value = new byte[Long.BYTES];
            ByteBuffer.wrap(value).order(order).putLong(c.getValue());
            entry = putEntry(b, entry, c.getKey(), TYPE_LONG, value);
        }
        return b;
    }

    private static int putEntry(final ByteBuffer b, final int entry, final String name, final byte type, final byte[] value)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        final int nameOffset = ENTRY_HEADER_LENGTH;
        final int dataOffset = (nameOffset + nameBytes.length + 1 + 7) & ~7;
        final int length = dataOffset + value.length;
        b.putInt(entry + ENTRY_LENGTH_OFFSET, length);
        b.putInt(entry + ENTRY_NAME_OFFSET_OFFSET, nameOffset);
        b.putInt(entry + ENTRY_VECTOR_LENGTH_OFFSET, type == TYPE_LONG ? 0 : value.length);
        b.put(entry + ENTRY_DATA_TYPE_OFFSET, type);
        b.putInt(entry + ENTRY_DATA_OFFSET_OFFSET, dataOffset);
        b.put(entry + nameOffset, nameBytes);
        b.put(entry + dataOffset, value);
        return entry + length;
    }

    /**
     * Lays the file out for process {@code pid} under a {@code /proc} copy, in the process's own /tmp and named by its
     * pid in its own namespace, {@code nsPid} (the same as {@code pid} unless the status file says otherwise).
     */
    void writeFor(final Path procRoot, final long pid, final long nsPid) throws IOException
    {
        final Path dir = Files.createDirectories(procRoot.resolve(Long.toString(pid)).resolve("root/tmp/hsperfdata_node"));
        Files.write(dir.resolve(Long.toString(nsPid)), bytes().array());
    }
}
