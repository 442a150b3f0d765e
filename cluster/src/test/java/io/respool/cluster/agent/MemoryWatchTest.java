package io.respool.cluster.agent;

import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Seed 002's lesson: the host's MemAvailable falling below its threshold raises one key-event alarm, counted and
 * shown in the state, and a cleared line when it recovers; read from a {@code /proc} laid out by the test.
 */
class MemoryWatchTest
{
    @TempDir
    Path proc;

    @Test
    void shouldRaiseCountAndClearHostMemoryAlarm() throws IOException
    {
        final List<String> log = new ArrayList<>();
        final MemoryWatch watch = new MemoryWatch(proc, new AgentLog(log::add, () -> 0L));
        final AgentSettings settings = AgentSettings.conclude(Map.of("memory_available_min_percent", "10",
            "memory_check_interval_ms", "1000"));
        meminfo(8_000_000, 2_000_000);
        assertEquals(1, watch.doWork(0, settings, List.of()));
        assertFalse(watch.hostAlarm());
        meminfo(8_000_000, 700_000);
        assertEquals(0, watch.doWork(999, settings, List.of()), "not due before the interval");
        assertEquals(1, watch.doWork(1000, settings, List.of()));
        assertTrue(watch.hostAlarm());
        assertEquals(1, watch.alarms());
        assertEquals(List.of("[KeyEvent: KEY_EVENT_MEMORY_ALARM] [Instance: 0] [Details: memory alarm raised: host " +
            "MemAvailable 683 MiB, threshold 10% of MemTotal 7812 MiB]"), tail(log));
        watch.doWork(2000, settings, List.of());
        assertEquals(1, watch.alarms(), "raised once while it lasts");
        meminfo(8_000_000, 4_000_000);
        watch.doWork(3000, settings, List.of());
        assertFalse(watch.hostAlarm());
        assertTrue(log.get(log.size() - 1).endsWith("memory alarm cleared: host MemAvailable 3906 MiB, threshold 10% " +
            "of MemTotal 7812 MiB]"), log.toString());
    }

    @Test
    void shouldRaiseAlarmWhenNodeProcessResidentSizePassesItsThreshold() throws IOException
    {
        final List<String> log = new ArrayList<>();
        final AgentLog agentLog = new AgentLog(log::add, () -> 0L);
        final MemoryWatch watch = new MemoryWatch(proc, agentLog);
        final ResourceInstance inst = new ResourceInstance(1, 0, 6001, List.of(), List.of("node"), List.of(), "");
        final ResourceDefinition res = new ResourceDefinition("dms_res", ResourceType.DN, "", 1, 10, 1, 1, 5, 30,
            List.of(inst));
        final InstanceSupervisor node = new InstanceSupervisor(res, inst, new FixedPid(4242), null, agentLog, id ->
        {
        }, 5);
        final AgentSettings settings = AgentSettings.conclude(Map.of("memory_rss_max_mb", "1024"));
        meminfo(8_000_000, 4_000_000);
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242").resolve("status"), "Name:\tjava\nVmRSS:\t  900000 kB\n");
        watch.doWork(0, settings, List.of(node));
        assertFalse(watch.rssAlarm(6001));
        assertEquals(900_000, watch.rssKbOf(6001));
        Files.writeString(proc.resolve("4242").resolve("status"), "Name:\tjava\nVmRSS:\t 1200000 kB\n");
        watch.doWork(1000, settings, List.of(node));
        assertTrue(watch.rssAlarm(6001));
        assertEquals(1, watch.alarms());
        assertTrue(log.get(log.size() - 1).endsWith("[KeyEvent: KEY_EVENT_MEMORY_ALARM] [Instance: 6001] [Details: " +
            "memory alarm raised: res(dms_res) pid 4242 resident 1171 MiB, threshold 1024 MiB]"), log.toString());
    }

    @Test
    void shouldRaiseHeapAlarmWhenTheOldGenerationStaysFullAndClearItWhenItEmpties() throws IOException
    {
        final List<String> log = new ArrayList<>();
        final AgentLog agentLog = new AgentLog(log::add, () -> 0L);
        final MemoryWatch watch = new MemoryWatch(proc, agentLog);
        final FixedPid driver = new FixedPid(4242);
        final List<InstanceSupervisor> nodes = List.of(node(driver, agentLog));
        final AgentSettings settings = AgentSettings.defaults();
        assertEquals(90, settings.memoryHeapMaxPercent());
        meminfo(8_000_000, 4_000_000);
        heap(4242, 500, 0);
        watch.doWork(0, settings, nodes);
        assertEquals(new JvmHeap(500L << 20, 1000L << 20, 501L << 20, 0), watch.heapOf(6001));
        assertFalse(watch.heapAlarm(6001));

        heap(4242, 950, 0);
        watch.doWork(1000, settings, nodes);
        watch.doWork(2000, settings, nodes);
        assertFalse(watch.heapAlarm(6001), "an old generation filling towards its next collection passes by");
        watch.doWork(3000, settings, nodes);
        assertTrue(watch.heapAlarm(6001));
        assertEquals(1, watch.alarms());
        assertTrue(log.get(log.size() - 1).endsWith("[Instance: 6001] [Details: memory alarm raised: res(dms_res) " +
            "pid 4242 heap: old generation 950 MiB of 1000 MiB (95%), threshold 90%, 0 full collections, above for " +
            "3 readings in a row]"), log.toString());

        heap(4242, 400, 1);
        watch.doWork(4000, settings, nodes);
        assertFalse(watch.heapAlarm(6001));
        assertTrue(log.get(log.size() - 1).contains("memory alarm cleared: res(dms_res) pid 4242 heap: old generation " +
            "400 MiB"), log.toString());

        heap(4242, 930, 1);
        watch.doWork(5000, settings, nodes);
        assertFalse(watch.heapAlarm(6001));
        heap(4242, 940, 2);
        watch.doWork(6000, settings, nodes);
        assertTrue(watch.heapAlarm(6001), "still above the threshold after a full collection: live data");
        assertTrue(log.get(log.size() - 1).endsWith("2 full collections, still above after a full collection]"),
            log.toString());
        assertEquals(2, watch.alarms());

        driver.pid = 4343; // restarted: the new process's heap is its own
        heap(4343, 100, 0);
        watch.doWork(7000, settings, nodes);
        assertFalse(watch.heapAlarm(6001));
        assertEquals(100L << 20, watch.heapOf(6001).oldUsedBytes());
        assertTrue(log.get(log.size() - 1).endsWith("memory alarm cleared: res(dms_res) pid 4242 heap no longer " +
            "watched: replaced by pid 4343]"), log.toString());
    }

    @Test
    void shouldRaiseHeapAlarmForARealJvmWhoseOldGenerationIsFullOfLiveData() throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc on this system");
        final List<String> log = new ArrayList<>();
        final AgentLog agentLog = new AgentLog(log::add, () -> 0L);
        final MemoryWatch watch = new MemoryWatch(Path.of("/proc"), agentLog);
        try (ChildProcess filler = ChildJvm.of(HeapFiller.class).name("heap filler")
            .jvmArgs("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1").args("95").start())
        {
            filler.awaitLine("READY", line -> line.startsWith("READY"), Duration.ofSeconds(60));
            final List<InstanceSupervisor> nodes = List.of(node(new FixedPid(filler.pid()), agentLog));
            for (int reading = 0; reading < MemoryWatch.HEAP_HIGH_READINGS; reading++)
            {
                watch.doWork(reading * 1000L, AgentSettings.defaults(), nodes);
            }
            final JvmHeap heap = watch.heapOf(6001);
            assertTrue(heap != null && heap.oldPercent() >= 90, "read from the JVM's own file: " + heap);
            assertTrue(heap.fullCollections() > 0, heap.toString());
            assertTrue(watch.heapAlarm(6001), log.toString());
        }
    }

    private static InstanceSupervisor node(final ResourceDriver driver, final AgentLog agentLog)
    {
        final ResourceInstance inst = new ResourceInstance(1, 0, 6001, List.of(), List.of("node"), List.of(), "");
        final ResourceDefinition res = new ResourceDefinition("dms_res", ResourceType.DN, "", 1, 10, 1, 1, 5, 30,
            List.of(inst));
        return new InstanceSupervisor(res, inst, driver, null, agentLog, id -> {}, 5);
    }

    private void heap(final long pid, final long oldUsedMib, final long fullCollections) throws IOException
    {
        new PerfDataFile().heap(oldUsedMib << 20, 1000L << 20, 1L << 20, fullCollections).writeFor(proc, pid, pid);
    }

    /** A driver whose instance runs as a given pid, which the test may change. */
    private static final class FixedPid implements ResourceDriver
    {
        private long pid;

        FixedPid(final long pid)
        {
            this.pid = pid;
        }

        @Override
        public long pid()
        {
            return pid;
        }

        @Override
        public RunningOp start(final long nowMs)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public RunningOp check(final long nowMs)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public RunningOp stop(final StopMode mode, final long nowMs)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public RunningOp clean(final long nowMs)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public String failureDetail()
        {
            return "";
        }
    }

    @Test
    void shouldRefuseUnknownOrOutOfRangeSettings()
    {
        assertEquals("unknown agent setting: key=memory_min, known: " + AgentSettings.names(),
            message(() -> AgentSettings.conclude(Map.of("memory_min", "1"))));
        assertEquals("out of range: key=memory_rss_max_percent, value=101, range=0..100",
            message(() -> AgentSettings.conclude(Map.of("memory_rss_max_percent", "101"))));
        assertEquals(10, AgentSettings.defaults().memoryAvailableMinPercent());
    }

    private void meminfo(final long totalKb, final long availableKb) throws IOException
    {
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       " + totalKb + " kB\nMemFree:        1000 kB\n" +
            "MemAvailable:   " + availableKb + " kB\n");
    }

    private static List<String> tail(final List<String> log)
    {
        final List<String> out = new ArrayList<>();
        for (final String l : log)
        {
            out.add(l.substring(l.indexOf("[KeyEvent")));
        }
        return out;
    }

    private static String message(final Runnable r)
    {
        try
        {
            r.run();
        }
        catch (final AgentConfigException ex)
        {
            return ex.getMessage();
        }
        throw new AssertionError("no exception");
    }
}
