package io.respool.cli.cm;

import io.respool.cli.dms.DmsCmd;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.dms.HostDriver;
import io.respool.testsupport.SlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real agent runs a host driver ({@code dmscmd host-driver}, from this class path) with the instance's
 * {@code check} ({@code dmscmd host-driver --check}): once the driver is stopped ({@code kill -STOP}: its process
 * lives, its conductor does not run) the agent finds it hung, kills it after {@code abnormal_timeout} and starts a
 * new one.
 */
@Timeout(60)
class HostDriverSupervisionTest
{
    private static final String PID_FILE = "host_driver_20001.pid";

    @TempDir
    Path home;

    private long stopped = -1;

    @AfterEach
    void endAgents() throws Exception
    {
        if (stopped > 0)
        {
            signal("CONT", stopped);
        }
        if (Files.exists(home.resolve(ClusterConfig.CLUSTER_FILE)))
        {
            CmCtlRunner.run(home, "stop", "-m", "immediate", "-t", "20", "--agents");
        }
    }

    @SlowTest
    void shouldKillAndRestartAStoppedHostDriver() throws Exception
    {
        final File dir = home.resolve("host-driver").toFile();
        Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE), "{\"nodes\": [{\"node_id\": 1, \"name\": \"host1\"}]}");
        Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), "{\"resources\": [{\"name\": \"host_driver\", " +
            "\"resources_type\": \"APP\", \"check_interval\": 1, \"abnormal_timeout\": 1, \"restart_delay\": 1, " +
            "\"restart_period\": 0, \"instances\": [{\"node_id\": 1, \"data_dir\": \"hd\", " +
            "\"command\": " + json(dmscmd("host-driver", dir.getPath())) + ", " +
            "\"check\": " + json(dmscmd("host-driver", "--check", "--timeout-ms", "1500", dir.getPath())) + "}]}]}");
        assertEquals(0, CmCtlRunner.run(home, "start", "-t", "30").exit);
        final long first = awaitOnlineDriver(-1);

        final long stoppedAtNs = System.nanoTime();
        stopped = first;
        signal("STOP", first);
        final long second = awaitOnlineDriver(first);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAtNs);
        System.out.println("host driver " + first + " stopped, driver " + second + " online " + tookMs + " ms later");

        assertNotEquals(first, second);
        assertFalse(ProcessHandle.of(first).isPresent(), "the stopped driver was not killed");
        final String agentLog = Files.readString(home.resolve("node1").resolve("cm_agent.log"));
        assertTrue(agentLog.contains("res(host_driver) inst(20001) state ONLINE -> ABNORMAL: check says abnormal (3): " +
            "HOST DRIVER HUNG pid=" + first + " dir=" + dir.getPath() + ": its process lives but its heartbeat is "), agentLog);
        assertTrue(agentLog.contains("is offline: abnormal for 1 s, cleaned; last check: HOST DRIVER HUNG pid=" + first),
            agentLog);
    }

    /** The pid of the agent's driver once it is not {@code old} and the driver there is online, within 30 s. */
    private long awaitOnlineDriver(final long old) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        final File dir = home.resolve("host-driver").toFile();
        while (true)
        {
            final Path pidFile = home.resolve("node1").resolve("run").resolve(PID_FILE);
            final long pid = Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : -1;
            final StringWriter out = new StringWriter();
            if (pid > 0 && pid != old && HostDriver.check(dir, 1_500, new PrintWriter(out)) == HostDriver.CHECK_ONLINE &&
                out.toString().startsWith("HOST DRIVER ONLINE pid=" + pid + " "))
            {
                return pid;
            }
            assertTrue(System.nanoTime() < deadlineNs, "no online driver but " + old + " within 30 s: " + out +
                CmCtlRunner.run(home, "query", "-Cv").out);
            Thread.sleep(100);
        }
    }

    private static List<String> dmscmd(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
            "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), DmsCmd.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String json(final List<String> strings)
    {
        final StringBuilder out = new StringBuilder("[");
        for (final String s : strings)
        {
            out.append(out.length() > 1 ? ", " : "").append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"');
        }
        return out.append(']').toString();
    }

    private static void signal(final String name, final long pid) throws IOException, InterruptedException
    {
        if (ProcessHandle.of(pid).isPresent())
        {
            final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " " + pid);
        }
    }
}
