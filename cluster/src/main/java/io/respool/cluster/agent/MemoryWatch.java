package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Seed 002: a primary ran out of memory, stopped reporting and was kicked out with nothing said before. This reads
 * the host's {@code MemAvailable}, each node process's {@code VmRSS} from {@code /proc}, and the heap of each node
 * process that is a HotSpot JVM ({@link HotSpotPerfData}) every {@code memory_check_interval_ms}, and raises an
 * alarm (a key-event log line, a counter, a state {@code query} shows) when one crosses its threshold, and a
 * cleared line when it comes back, so the shortage is reported while the agent still runs. Single writer: the
 * agent's thread.
 */
final class MemoryWatch
{
    /**
     * Readings in a row above the heap threshold that raise the alarm without a full collection between them: an old
     * generation that fills slowly towards its next collection passes the threshold for a moment, a heap that holds
     * that much live data stays there.
     */
    static final int HEAP_HIGH_READINGS = 3;

    private final Path procRoot;
    private final AgentLog log;
    private long nextMs;
    private long totalKb = -1;
    private long availableKb = -1;
    private boolean hostAlarm;
    private long alarms;
    private final Map<Integer, Long> rssKb = new HashMap<>();
    private final Map<Integer, Boolean> rssAlarm = new HashMap<>();
    private final Map<Integer, HeapWatch> heaps = new HashMap<>();

    MemoryWatch(final Path procRoot, final AgentLog log)
    {
        this.procRoot = procRoot;
        this.log = log;
    }

    int doWork(final long nowMs, final AgentSettings settings, final Iterable<InstanceSupervisor> instances)
    {
        if (nowMs - nextMs < 0)
        {
            return 0;
        }
        nextMs = nowMs + settings.memoryCheckIntervalMs();
        final Map<String, Long> info = meminfo();
        totalKb = info.getOrDefault("MemTotal", -1L);
        availableKb = info.getOrDefault("MemAvailable", -1L);
        if (totalKb > 0 && availableKb >= 0)
        {
            final boolean low = availableKb * 100 < totalKb * settings.memoryAvailableMinPercent();
            if (low != hostAlarm)
            {
                hostAlarm = low;
                final String text = "host MemAvailable " + availableKb / 1024 + " MiB, threshold " +
                    settings.memoryAvailableMinPercent() + "% of MemTotal " + totalKb / 1024 + " MiB";
                alarm(low, 0, text);
            }
        }
        for (final InstanceSupervisor s : instances)
        {
            final int id = s.instance().cmInstanceId();
            final long pid = s.pid();
            final long rss = pid > 0 ? rssKb(pid) : -1;
            rssKb.put(id, rss);
            final long maxKb = rssLimitKb(settings);
            final boolean high = rss >= 0 && maxKb > 0 && rss > maxKb;
            if (high != rssAlarm.getOrDefault(id, false))
            {
                rssAlarm.put(id, high);
                alarm(high, id, "res(" + s.resource().name() + ") pid " + pid + " resident " + rss / 1024 + " MiB, threshold " +
                    maxKb / 1024 + " MiB");
            }
            watchHeap(s, pid, settings.memoryHeapMaxPercent());
        }
        return 1;
    }

    private void watchHeap(final InstanceSupervisor s, final long pid, final int maxPercent)
    {
        final int id = s.instance().cmInstanceId();
        final HeapWatch watch = heaps.computeIfAbsent(id, x -> new HeapWatch());
        final JvmHeap heap = pid > 0 ?
            HotSpotPerfData.read(procRoot, pid).flatMap(JvmHeap::of).orElse(null) : null;
        if (watch.pid != pid)
        {
            // another process, or none: what was seen of the one before says nothing of this one
            if (watch.alarm)
            {
                alarm(false, id, "res(" + s.resource().name() + ") pid " + watch.pid + " heap no longer watched: " +
                    (pid > 0 ? "replaced by pid " + pid : "the process is gone"));
            }
            watch.reset(pid);
        }
        if (heap == null)
        {
            return; // not a HotSpot JVM, or its file not readable this time: keep what was seen
        }
        final boolean above = maxPercent > 0 && heap.oldPercent() > maxPercent;
        final boolean collectedSince = watch.heap != null && heap.fullCollections() > watch.heap.fullCollections();
        watch.highReadings = above ? watch.highReadings + 1 : 0;
        watch.heap = heap;
        final boolean high = above && (collectedSince || watch.highReadings >= HEAP_HIGH_READINGS);
        if (high != watch.alarm && (high || !above))
        {
            watch.alarm = high;
            final String why;
            if (!high)
            {
                why = "";
            }
            else if (collectedSince)
            {
                why = ", still above after a full collection";
            }
            else
            {
                why = ", above for " + watch.highReadings + " readings in a row";
            }
            alarm(high, id, "res(" + s.resource().name() + ") pid " + pid + " heap: old generation " +
                mib(heap.oldUsedBytes()) + " MiB of " + mib(heap.oldMaxBytes()) + " MiB (" + heap.oldPercent() +
                "%), threshold " + maxPercent + "%, " + heap.fullCollections() + " full collections" + why);
        }
    }

    private static long mib(final long bytes)
    {
        return bytes >> 20;
    }

    private long rssLimitKb(final AgentSettings settings)
    {
        long limit = settings.memoryRssMaxMb() > 0 ? settings.memoryRssMaxMb() * 1024L : 0;
        if (settings.memoryRssMaxPercent() > 0 && totalKb > 0)
        {
            final long byPercent = totalKb * settings.memoryRssMaxPercent() / 100;
            limit = limit == 0 ? byPercent : Math.min(limit, byPercent);
        }
        return limit;
    }

    private void alarm(final boolean raised, final int instanceId, final String text)
    {
        if (raised)
        {
            alarms++;
            log.keyEvent("KEY_EVENT_MEMORY_ALARM", instanceId, "memory alarm raised: " + text);
        }
        else
        {
            log.keyEvent("KEY_EVENT_MEMORY_ALARM", instanceId, "memory alarm cleared: " + text);
        }
    }

    private Map<String, Long> meminfo()
    {
        final Map<String, Long> out = new HashMap<>();
        try
        {
            for (final String line : Files.readAllLines(procRoot.resolve("meminfo")))
            {
                final String[] f = line.split("[:\\s]+");
                if (f.length >= 2)
                {
                    out.put(f[0], Long.parseLong(f[1]));
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // no /proc/meminfo: no host reading, no alarm
        }
        return out;
    }

    private long rssKb(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(procRoot.resolve(Long.toString(pid)).resolve("status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.split("\\s+")[1]);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // the process just exited
        }
        return -1;
    }

    boolean hostAlarm()
    {
        return hostAlarm;
    }

    boolean rssAlarm(final int cmInstanceId)
    {
        return rssAlarm.getOrDefault(cmInstanceId, false);
    }

    long rssKbOf(final int cmInstanceId)
    {
        return rssKb.getOrDefault(cmInstanceId, -1L);
    }

    /**
     * @param cmInstanceId an instance.
     * @return its JVM's heap at the last reading, or null if it is not read (no process, or not a HotSpot JVM).
     */
    JvmHeap heapOf(final int cmInstanceId)
    {
        final HeapWatch watch = heaps.get(cmInstanceId);
        return watch == null ? null : watch.heap;
    }

    boolean heapAlarm(final int cmInstanceId)
    {
        final HeapWatch watch = heaps.get(cmInstanceId);
        return watch != null && watch.alarm;
    }

    long alarms()
    {
        return alarms;
    }

    long totalKb()
    {
        return totalKb;
    }

    long availableKb()
    {
        return availableKb;
    }

    /** What one instance's heap watch remembers between readings. */
    private static final class HeapWatch
    {
        long pid;
        JvmHeap heap;
        int highReadings;
        boolean alarm;

        void reset(final long newPid)
        {
            pid = newPid;
            heap = null;
            highReadings = 0;
            alarm = false;
        }
    }
}
