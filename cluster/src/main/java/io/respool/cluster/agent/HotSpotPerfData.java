package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The scalar {@code long} counters of a HotSpot JVM's performance-data file ({@code /tmp/hsperfdata_<user>/<pid>},
 * what {@code jstat} reads): the heap of a node process seen from outside it, without attaching to it or running
 * anything in it, so a process short of memory (or not answering) still shows its figures. The layout is HotSpot's
 * {@code PerfDataPrologue} and {@code PerfDataEntry} (perfMemory.hpp), version 2.
 */
final class HotSpotPerfData
{
    /** The first four bytes of the file, in this order whatever the byte order of the rest. */
    static final int MAGIC = 0xcafec0c0;
    static final int BYTE_ORDER_OFFSET = 4;
    static final int MAJOR_VERSION_OFFSET = 5;
    static final int ACCESSIBLE_OFFSET = 7;
    static final int ENTRY_OFFSET_OFFSET = 24;
    static final int NUM_ENTRIES_OFFSET = 28;
    static final int PROLOGUE_LENGTH = 32;

    static final int ENTRY_LENGTH_OFFSET = 0;
    static final int ENTRY_NAME_OFFSET_OFFSET = 4;
    static final int ENTRY_VECTOR_LENGTH_OFFSET = 8;
    static final int ENTRY_DATA_TYPE_OFFSET = 12;
    static final int ENTRY_DATA_OFFSET_OFFSET = 16;
    static final int ENTRY_HEADER_LENGTH = 20;

    static final byte BIG_ENDIAN = 0;
    static final byte TYPE_LONG = 'J';
    static final int SUPPORTED_MAJOR_VERSION = 2;

    private HotSpotPerfData()
    {
    }

    /**
     * @param procRoot {@code /proc}, or a copy laid out by a test.
     * @param pid      the process, as this host's {@code /proc} numbers it.
     * @return its counters, or empty if it has no readable performance-data file (not a HotSpot JVM, started with
     * {@code -XX:-UsePerfData}, exited, or a file this reader does not understand).
     */
    static Optional<Map<String, Long>> read(final Path procRoot, final long pid)
    {
        final Path processDir = procRoot.resolve(Long.toString(pid));
        // through the process's own root and with its own pid, so a JVM in a container is found too
        final Path tmp = processDir.resolve("root").resolve("tmp");
        final String fileName = Long.toString(namespacePid(processDir, pid));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*"))
        {
            for (final Path dir : dirs)
            {
                final Path file = dir.resolve(fileName);
                if (Files.isRegularFile(file))
                {
                    return parse(ByteBuffer.wrap(Files.readAllBytes(file)));
                }
            }
        }
        catch (final IOException ex)
        {
            // no such process, or its root is not readable by this user: no heap figures
        }
        return Optional.empty();
    }

    /**
     * @param file the file's bytes.
     * @return its scalar long counters by name, or empty if it is not a version-2 file ready to be read.
     */
    static Optional<Map<String, Long>> parse(final ByteBuffer file)
    {
        if (file.capacity() < PROLOGUE_LENGTH || file.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC ||
            file.get(MAJOR_VERSION_OFFSET) != SUPPORTED_MAJOR_VERSION || file.get(ACCESSIBLE_OFFSET) == 0)
        {
            return Optional.empty();
        }
        final ByteBuffer buffer = file.order(file.get(BYTE_ORDER_OFFSET) == BIG_ENDIAN ?
            ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        final Map<String, Long> counters = new HashMap<>();
        int entry = buffer.getInt(ENTRY_OFFSET_OFFSET);
        final int entries = buffer.getInt(NUM_ENTRIES_OFFSET);
        for (int i = 0; i < entries; i++)
        {
            if (entry < PROLOGUE_LENGTH || entry + ENTRY_HEADER_LENGTH > buffer.capacity())
            {
                return Optional.empty();
            }
            final int length = buffer.getInt(entry + ENTRY_LENGTH_OFFSET);
            if (length < ENTRY_HEADER_LENGTH || entry + length > buffer.capacity())
            {
                return Optional.empty();
            }
            final int dataOffset = buffer.getInt(entry + ENTRY_DATA_OFFSET_OFFSET);
            if (buffer.get(entry + ENTRY_DATA_TYPE_OFFSET) == TYPE_LONG &&
                buffer.getInt(entry + ENTRY_VECTOR_LENGTH_OFFSET) == 0 && dataOffset + Long.BYTES <= length)
            {
                final String name = name(buffer, entry + buffer.getInt(entry + ENTRY_NAME_OFFSET_OFFSET), entry + length);
                counters.put(name, buffer.getLong(entry + dataOffset));
            }
            entry += length;
        }
        return Optional.of(counters);
    }

    private static String name(final ByteBuffer buffer, final int start, final int limit)
    {
        int end = start;
        while (end < limit && buffer.get(end) != 0)
        {
            end++;
        }
        final byte[] bytes = new byte[end - start];
        buffer.get(start, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** The last {@code NSpid} of the process's status: its pid in its own namespace, the file's name. */
    private static long namespacePid(final Path processDir, final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(processDir.resolve("status")))
            {
                if (line.startsWith("NSpid:"))
                {
                    final String[] fields = line.trim().split("\\s+");
                    return Long.parseLong(fields[fields.length - 1]);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // fall back on the host's pid
        }
        return pid;
    }
}
