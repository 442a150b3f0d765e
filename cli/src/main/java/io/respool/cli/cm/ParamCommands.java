package io.respool.cli.cm;

import io.respool.cluster.agent.AgentConfigException;
import io.respool.cluster.agent.AgentSettings;
import io.respool.cluster.agent.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing {@code cm_agent.conf} for {@code set}/{@code get}/{@code list --param}: only known keys,
 * each value checked against its range before the file is replaced (atomically; the agent reloads it).
 */
final class ParamCommands
{
    private ParamCommands()
    {
    }

    static void checkAgentOnly(final boolean server)
    {
        if (server)
        {
            throw new CmCtlException("there is no cm_server here (arbitration runs in the node process); use --agent", 2);
        }
    }

    static String[] keyValue(final String kv)
    {
        final int eq = kv.indexOf('=');
        if (eq <= 0)
        {
            throw new CmCtlException("bad -k " + kv + ": expected -k name=value", 2);
        }
        String value = kv.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
        {
            value = value.substring(1, value.length() - 1);
        }
        return new String[] { kv.substring(0, eq).trim(), value };
    }

    static void set(final Path agentDir, final String key, final String value) throws IOException
    {
        final Path file = agentDir.resolve(AgentSettings.FILE);
        final Map<String, String> values = new LinkedHashMap<>(AgentSettings.read(file));
        values.put(key, value);
        try
        {
            AgentSettings.conclude(values);
        }
        catch (final AgentConfigException ex)
        {
            throw new CmCtlException(ex.getMessage(), 2);
        }
        final StringBuilder b = new StringBuilder("# cm_agent settings, written by cmctl set; see cmctl list --param --agent\n");
        values.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        AtomicFiles.write(file, b.toString());
    }

    static String get(final Path agentDir, final String key)
    {
        for (final Object[] k : AgentSettings.KEYS)
        {
            if (k[0].equals(key))
            {
                final String v = AgentSettings.read(agentDir.resolve(AgentSettings.FILE)).get(key);
                return v == null ? String.valueOf(k[1]) : v;
            }
        }
        throw new CmCtlException("unknown agent parameter " + key + "; see them with: cmctl list --param --agent", 2);
    }
}
