package io.respool.cluster.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** A driver whose instance runs as a given pid. */
    private record FixedPid(long pid) implements ResourceDriver
    {
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
