package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A one-node cluster home in a temporary directory, an agent over it on a stepped clock, and its log lines.
 */
final class TestCluster implements AutoCloseable
{
    final Path home;
    final List<String> log = new CopyOnWriteArrayList<>();
    final long[] clock = { 1_000 };
    Agent agent;

    TestCluster(final Path home, final String resourcesJson) throws IOException
    {
        this.home = home;
        Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE),
            "{\"cluster_name\": \"t\", \"nodes\": [{\"node_id\": 1, \"name\": \"host1\", \"ip\": \"127.0.0.1\"}]}");
        Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), resourcesJson);
    }

    Agent start()
    {
        agent = new Agent(ClusterConfig.load(home), 1, () -> clock[0], System::currentTimeMillis, Path.of("/proc"),
            new AgentLog(log::add, System::currentTimeMillis));
        return agent;
    }

    InstanceSupervisor instance(final String name)
    {
        for (final InstanceSupervisor s : agent.supervisors())
        {
            if (s.resource().name().equals(name))
            {
                return s;
            }
        }
        throw new AssertionError("no instance " + name);
    }

    /**
     * Run duty cycles, stepping the clock by {@code stepMs} each, until the condition holds; real time is bounded
     * (the workers and child processes run in real time).
     */
    void runUntil(final String what, final long stepMs, final long realTimeoutMs, final BooleanSupplier done)
    {
        final long deadline = System.nanoTime() + realTimeoutMs * 1_000_000;
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not reached within " + realTimeoutMs + " ms: " + what + "; log:\n" +
                    String.join("\n", log));
            }
            agent.doWork();
            clock[0] += stepMs;
            try
            {
                Thread.sleep(2);
            }
            catch (final InterruptedException ex)
            {
                throw new AssertionError(ex);
            }
        }
    }

    static String commandResource(final String name, final List<String> command, final List<String> ports,
        final int restartTimes)
    {
        final List<String> quoted = new ArrayList<>();
        command.forEach(c -> quoted.add("\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        final List<String> p = new ArrayList<>();
        ports.forEach(x -> p.add("\"" + x + "\""));
        return "{\"name\": \"" + name + "\", \"resources_type\": \"DN\", \"check_interval\": 1, \"time_out\": 5, " +
            "\"restart_delay\": 1, \"restart_period\": 1, \"restart_times\": " + restartTimes + ", \"instances\": " +
            "[{\"node_id\": 1, \"res_instance_id\": 0, \"command\": [" + String.join(", ", quoted) + "], \"ports\": [" +
            String.join(", ", p) + "], \"data_dir\": \"dn1\"}]}";
    }

    @Override
    public void close()
    {
        if (agent != null)
        {
            for (final InstanceSupervisor s : agent.supervisors())
            {
                if (s.pid() > 0)
                {
                    ProcessHandle.of(s.pid()).ifPresent(ProcessKill::tree);
                }
            }
            agent.close();
        }
    }
}
