package io.respool.cluster.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The performance-data file read as HotSpot writes it: this test JVM's own file, files laid out by the test in both
 * byte orders, and files this reader must refuse rather than misread.
 */
class HotSpotPerfDataTest
{
    @Test
    void shouldReadTheHeapOfThisJvmFromItsOwnFile()
    {
        final long pid = ProcessHandle.current().pid();
        assumeTrue(!ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:-UsePerfData") &&
            Files.exists(Path.of("/proc/self/status")), "this JVM keeps no performance-data file, or there is no /proc");
        final Map<String, Long> counters = HotSpotPerfData.read(Path.of("/proc"), pid).orElseThrow();
        final JvmHeap heap = JvmHeap.of(counters).orElseThrow();
        final long max = Runtime.getRuntime().maxMemory();
        assertTrue(heap.oldMaxBytes() > 0 && heap.oldMaxBytes() <= 2 * max, heap + " against max " + max);
        assertTrue(heap.heapUsedBytes() > 0, heap.toString());
        assertTrue(heap.oldUsedBytes() <= heap.heapUsedBytes(), heap.toString());
    }

    @Test
    void shouldReadCountersInEitherByteOrder()
    {
        for (final ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN })
        {
            final ByteBuffer file = new PerfDataFile().order(order).heap(900L << 20, 1000L << 20, 5L << 20, 7).bytes();
            final JvmHeap heap = JvmHeap.of(HotSpotPerfData.parse(file).orElseThrow()).orElseThrow();
            assertEquals(new JvmHeap(900L << 20, 1000L << 20, 905L << 20, 7), heap, order.toString());
            assertEquals(90, heap.oldPercent());
        }
    }

    @Test
    void shouldRefuseAFileItDoesNotUnderstand()
    {
        final ByteBuffer wrongVersion = new PerfDataFile().majorVersion(1).heap(1, 2, 0, 0).bytes();
        assertEquals(Optional.empty(), HotSpotPerfData.parse(wrongVersion));

        final ByteBuffer notAccessible = new PerfDataFile().heap(1, 2, 0, 0).bytes();
        notAccessible.put(HotSpotPerfData.ACCESSIBLE_OFFSET, (byte)0);
        assertEquals(Optional.empty(), HotSpotPerfData.parse(notAccessible));

        final ByteBuffer wrongMagic = new PerfDataFile().heap(1, 2, 0, 0).bytes();
        wrongMagic.put(0, (byte)0);
        assertEquals(Optional.empty(), HotSpotPerfData.parse(wrongMagic));

        final ByteBuffer truncated = ByteBuffer.wrap(new PerfDataFile().heap(1, 2, 0, 0).bytes().array(), 0, 120).slice();
        assertEquals(Optional.empty(), HotSpotPerfData.parse(truncated), "an entry runs past the end of the file");

        final ByteBuffer noOldGeneration = new PerfDataFile().counter("sun.rt.createVmBeginTime", 1).bytes();
        assertEquals(Optional.empty(), JvmHeap.of(HotSpotPerfData.parse(noOldGeneration).orElseThrow()));
    }

    @Test
    void shouldFindTheFileThroughTheProcessRootUnderItsNamespacePid(@TempDir final Path proc) throws Exception
    {
        new PerfDataFile().heap(10, 100, 1, 0).writeFor(proc, 4242, 7);
        Files.writeString(proc.resolve("4242/status"), "Name:\tjava\nNSpid:\t4242\t7\n");
        assertEquals(10L, HotSpotPerfData.read(proc, 4242).orElseThrow().get("sun.gc.generation.1.space.0.used"),
            "a JVM in its own pid namespace names the file by its pid there");
        assertEquals(Optional.empty(), HotSpotPerfData.read(proc, 4343), "no such process");
    }
}
