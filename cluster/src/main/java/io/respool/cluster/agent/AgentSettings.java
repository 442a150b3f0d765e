package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's settings, in {@code <agent_dir>/cm_agent.conf} as {@code name = value} lines (CM's
 * {@code cm_agent.conf} shape; {@code cmctl set --param --agent -k name=value} edits it and the agent reloads it
 * within a second). Every setting has a default; {@link #conclude} checks the ranges once and names the key.
 *
 * @param loopIntervalMs            agent duty cycle.
 * @param stateWriteIntervalMs      how often the state file is rewritten even without a change.
 * @param restartStableChecks       consecutive online checks after which the restart count is cleared (CM: 5).
 * @param memoryCheckIntervalMs     how often memory is read.
 * @param memoryAvailableMinPercent alarm when the host's MemAvailable is below this percent of MemTotal.
 * @param memoryRssMaxPercent       alarm when a node process's resident size is above this percent of MemTotal.
 * @param memoryRssMaxMb            alarm when a node process's resident size is above this many MiB (0 = off).
 * @param memoryHeapMaxPercent      alarm when a node JVM's old generation stays above this percent of its maximum
 *                                  (after a full collection, or for three checks in a row; 0 = off).
 */
public record AgentSettings(int loopIntervalMs, int stateWriteIntervalMs, int restartStableChecks,
    int memoryCheckIntervalMs, int memoryAvailableMinPercent, int memoryRssMaxPercent, int memoryRssMaxMb,
    int memoryHeapMaxPercent)
{
    /** The file name in the agent directory. */
    public static final String FILE = "cm_agent.conf";

    /** Every key with its default and range: name, default, min, max. */
    public static final List<Object[]> KEYS = List.of(
        new Object[] { "agent_loop_interval_ms", 50, 1, 10_000 },
        new Object[] { "state_write_interval_ms", 500, 10, 60_000 },
        new Object[] { "restart_stable_checks", 5, 1, 10_000 },
        new Object[] { "memory_check_interval_ms", 1000, 10, 600_000 },
        new Object[] { "memory_available_min_percent", 10, 0, 100 },
        new Object[] { "memory_rss_max_percent", 60, 0, 100 },
        new Object[] { "memory_rss_max_mb", 0, 0, Integer.MAX_VALUE },
        new Object[] { "memory_heap_max_percent", 90, 0, 100 });

    /**
     * @return the defaults.
     */
    public static AgentSettings defaults()
    {
        return conclude(Map.of());
    }

    /**
     * @param dir the agent directory.
     * @return the settings in its {@code cm_agent.conf}, defaults for keys it does not set (or if there is none).
     */
    public static AgentSettings load(final Path dir)
    {
        return conclude(read(dir.resolve(FILE)));
    }

    /**
     * @param values name to value text.
     * @return the settings.
     * @throws AgentConfigException naming an unknown key or a value out of range.
     */
    public static AgentSettings conclude(final Map<String, String> values)
    {
        for (final String k : values.keySet())
        {
            if (KEYS.stream().noneMatch(e -> e[0].equals(k)))
            {
                throw new AgentConfigException("unknown agent setting: key=" + k + ", known: " + names());
            }
        }
        final int[] v = new int[KEYS.size()];
        for (int i = 0; i < v.length; i++)
        {
            final Object[] e = KEYS.get(i);
            final String text = values.get((String)e[0]);
            final long x;
            try
            {
                x = text == null ? (Integer)e[1] : Long.parseLong(text.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new AgentConfigException("not a number: key=" + e[0] + ", value=" + text);
            }
            if (x < (Integer)e[2] || x > (Integer)e[3])
            {
                throw new AgentConfigException("out of range: key=" + e[0] + ", value=" + x + ", range=" + e[2] + ".." +
                    e[3]);
            }
            v[i] = (int)x;
        }
        return new AgentSettings(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /**
     * @param file a {@code cm_agent.conf}.
     * @return its {@code name = value} lines in order; '#' starts a comment.
     */
    public static Map<String, String> read(final Path file)
    {
        final Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file))
        {
            return out;
        }
        try
        {
            for (final String raw : Files.readAllLines(file))
            {
                final int hash = raw.indexOf('#');
                final String line = (hash < 0 ? raw : raw.substring(0, hash)).trim();
                final int eq = line.indexOf('=');
                if (eq > 0)
                {
                    out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new AgentConfigException("cannot read " + file + ": " + ex.getMessage());
        }
        return out;
    }

    static String names()
    {
        final StringBuilder b = new StringBuilder();
        for (final Object[] e : KEYS)
        {
            b.append(b.length() == 0 ? "" : ", ").append(e[0]);
        }
        return b.toString();
    }
}
