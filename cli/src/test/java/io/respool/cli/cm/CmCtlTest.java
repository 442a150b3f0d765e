package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.FlagFiles;
import io.respool.testsupport.SlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cmctl over real agents it starts itself (the one-machine case: child JVMs from this class path) supervising real
 * child processes on 127.0.0.1 ports the test picks free.
 */
@Timeout(60)
class CmCtlTest
{
    @TempDir
    Path home;

    @AfterEach
    void endAgents()
    {
        // whatever a failed test left: stop the instances at once and end the agents
        if (Files.exists(home.resolve(ClusterConfig.CLUSTER_FILE)))
        {
            CmCtlRunner.run(home, "stop", "-m", "immediate", "-t", "20", "--agents");
        }
    }

    /**
     * @return the session id of a process, field 6 of /proc/PID/stat (after the parenthesised command name).
     */
    private static long session(final long pid) throws IOException
    {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    @SlowTest
    void shouldSayAtOnceWhichNodeAndWhoHoldsThePortThenStartWhenFreed() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final int busyPort = taken.getLocalPort();
            final int freePort = free.getLocalPort();
            free.close();
            twoNodes(freePort, busyPort);
            final long t0 = System.nanoTime();
            final CmCtlRunner r = CmCtlRunner.run(home, "start", "-t", "50");
            final long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, r.exit, r.toString());
            // tcp or tcp6: the JVM may bind an IPv6 socket for an IPv4 address
            assertTrue(r.err.matches("cmctl: node 2 \\(host2\\) did not come up: dms_res 6002 Port conflicting: port " +
                "127\\.0\\.0\\.1:" + busyPort + " \\(tcp6?\\) is held by pid " + ProcessHandle.current().pid() +
                " \\(.*java.*\\); free the port \\(the agent starts it as soon as it is free\\) or run cmctl stop -n 2\n"),
                r.err);
            assertEquals(1, r.err.lines().count(), "one line: " + r.err);
            assertFalse(r.err.contains("Exception"), r.err);
            assertTrue(ms < 15_000, "reported after " + ms + " ms (agents are JVMs started on a loaded machine)");
            assertTrue(r.out.contains("node 1 (host1): agent started"), r.out);
            // a detached agent leads a session of its own (Linux's autogroup schedules it apart from cmctl's caller)
            final long agentPid = Long.parseLong(Files.readString(home.resolve("node1").resolve(AgentLauncher.LAUNCHED))
                .trim());
            assertEquals(agentPid, session(agentPid), "the agent's session");
            assertTrue(session(ProcessHandle.current().pid()) != agentPid, "not the test's session");
            final CmCtlRunner q = CmCtlRunner.run(home, "query", "-Cv");
            assertTrue(q.out.contains("S Down    Port conflicting"), q.out);
            assertTrue(q.out.contains("Port conflicting: port 127.0.0.1:" + busyPort), q.out);

            taken.close();
            final CmCtlRunner again = CmCtlRunner.run(home, "start", "-t", "30");
            assertEquals(0, again.exit, again.toString());
            assertTrue(again.out.endsWith("cmctl: start cluster successfully.\n"), again.out);
            assertFalse(again.out.contains("agent started"), "the agents still ran: " + again.out);
        }
        final CmCtlRunner stop = CmCtlRunner.run(home, "stop", "-n", "2", "-m", "immediate");
        assertEquals(0, stop.exit, stop.toString());
        assertTrue(stop.out.matches("node 2 \\(host2\\): dms_res 6002 Manually stopped \\(\\d+\\.\\d s\\)\n" +
            "cmctl: stop node successfully.\n"), stop.out);
        assertEquals("0\n2\n0\n", Files.readString(home.resolve("node2").resolve(FlagFiles.CLUSTER_MANUAL_START)));
        assertTrue(CmCtlRunner.run(home, "query", "-Cv").out.contains("S Down    Manually stopped"));
        final CmCtlRunner start2 = CmCtlRunner.run(home, "start", "-n", "2", "-t", "30");
        assertEquals(0, start2.exit, start2.toString());
        assertEquals("cmctl: start node successfully.", start2.out.lines().reduce((a, b) -> b).orElse(""));
        assertFalse(Files.exists(home.resolve("node2").resolve(FlagFiles.CLUSTER_MANUAL_START)));
        final CmCtlRunner all = CmCtlRunner.run(home, "stop", "--agents");
        assertEquals(0, all.exit, all.toString());
        assertTrue(all.out.contains("node 1 (host1): agent pid"), all.out);
        assertTrue(CmCtlRunner.run(home, "query", "-Cv").out.contains("1  host1 1        Down"));
    }

    @SlowTest
    void shouldFailAtOnceNamingTheRestartLimitAndTheLastFailure() throws IOException
    {
        oneFailingNode(1, 0, "FATAL: failed to initialize dms");
        final CmCtlRunner r = CmCtlRunner.run(home, "start", "-t", "50");
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.startsWith("cmctl: node 1 (host1) did not come up: dms_res 6001 restart limit reached: " +
            "restarted 1 times (restart_times=1); last failure: process exited with status 1; last output: FATAL: " +
            "failed to initialize dms; fix the cause (log "), r.err);
        assertTrue(r.err.endsWith("), then cmctl start -n 1\n"), r.err);
    }

    @SlowTest
    void shouldNotWaitOutAnUnlimitedRestartLoop() throws IOException
    {
        oneFailingNode(-1, 1, "FATAL: no shared disk");
        final long t0 = System.nanoTime();
        final CmCtlRunner r = CmCtlRunner.run(home, "start", "-t", "50");
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.startsWith("cmctl: node 1 (host1) did not come up: dms_res 6001 keeps failing (restarted 3 " +
            "times, restart_times=-1, the agent keeps trying): process exited with status 1; last output: FATAL: no " +
            "shared disk; fix the cause, or stop it: cmctl stop -n 1"), r.err);
        assertTrue(ms < 20_000, "after " + ms + " ms");
        assertTrue(r.out.contains("dms_res 6001 offline, restart 1 of unlimited: process exited with status 1"), r.out);
    }

    @Test
    void shouldAnswerEveryMistakeWithOneLineAndNonZeroExit() throws IOException
    {
        final CmCtlRunner noHome = CmCtlRunner.run(home.resolve("nope"), "query");
        assertEquals(2, noHome.exit);
        assertTrue(noHome.err.startsWith("cmctl: cluster home " + home.resolve("nope") + " is not a directory"), noHome.err);
        final CmCtlRunner noFile = CmCtlRunner.run(home, "query");
        assertEquals(2, noFile.exit);
        assertEquals("cmctl: file not found: " + home.resolve(ClusterConfig.CLUSTER_FILE) + "; create it (see README, " +
            "the cluster manager)\n", noFile.err);
        twoNodes(1, 2);
        final CmCtlRunner badNode = CmCtlRunner.run(home, "start", "-n", "9");
        assertEquals(2, badNode.exit);
        assertTrue(badNode.err.startsWith("cmctl: no node 9 in "), badNode.err);
        final CmCtlRunner badMode = CmCtlRunner.run(home, "stop", "-m", "gentle");
        assertEquals("cmctl: bad stop mode: gentle, expected smart, fast or immediate\n", badMode.err);
        final CmCtlRunner badOption = CmCtlRunner.run(home, "query", "-Z");
        assertEquals(2, badOption.exit);
        assertEquals(1, badOption.err.lines().count(), badOption.err);
        assertTrue(badOption.err.endsWith("; see: cmctl query --help\n"), badOption.err);
        final CmCtlRunner badCommand = CmCtlRunner.run(null, "frobnicate");
        assertEquals(2, badCommand.exit);
        assertEquals("cmctl: Unmatched argument at index 0: 'frobnicate'; see: cmctl --help\n", badCommand.err);
        for (final String c : new String[] { "start", "stop", "query", "list", "res", "view", "set", "get", "switchover",
            "failover", "pause", "resume" })
        {
            final CmCtlRunner help = CmCtlRunner.run(null, c, "--help");
            assertEquals(0, help.exit, c);
            assertTrue(help.out.startsWith("Usage: cmctl " + c), help.out);
        }

        assertEquals(0, CmCtlRunner.run(home, "set", "--param", "--agent", "-k", "memory_available_min_percent=20").exit);
        assertEquals("node 1 (host1): memory_available_min_percent = 20\nnode 2 (host2): memory_available_min_percent = 20\n",
            CmCtlRunner.run(home, "get", "--param", "--agent", "-k", "memory_available_min_percent").out);
        final CmCtlRunner range = CmCtlRunner.run(home, "set", "--param", "--agent", "-n", "1", "-k",
            "memory_available_min_percent=200");
        assertEquals("cmctl: out of range: key=memory_available_min_percent, value=200, range=0..100\n", range.err);
        final CmCtlRunner unknown = CmCtlRunner.run(home, "get", "--param", "--agent", "-k", "nonsense");
        assertTrue(unknown.err.startsWith("cmctl: unknown agent parameter nonsense"), unknown.err);
        assertEquals(2, CmCtlRunner.run(home, "set", "--param", "--server", "-k", "a=1").exit);

        final CmCtlRunner sw = CmCtlRunner.run(home, "switchover", "-n", "2", "-t", "0");
        assertEquals(0, sw.exit, sw.toString());
        assertEquals("request = switchover\nnode_id = 2\n", Files.readString(home.resolve("dn2").resolve("cm_request"))
            .replaceAll("request_id = \\d+\n", ""));
    }

    @SlowTest
    void shouldRestartNoKilledInstanceWhilePausedAndRestartItOnResume() throws Exception
    {
        // the node writes the agent directory it was given, then runs until killed
        Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE), "{\"nodes\": [{\"node_id\": 1, \"name\": \"host1\"}]}");
        Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), "{\"resources\": [{\"name\": \"dms_res\", " +
            "\"resources_type\": \"DN\", \"restart_times\": 3, \"restart_delay\": 1, \"restart_period\": 0, " +
            "\"instances\": [{\"node_id\": 1, \"data_dir\": \"dn1\", \"command\": " +
            "[\"sh\", \"-c\", \"echo $CM_AGENT_DIR > agent_dir; exec sleep 60\"]}]}]}");
        assertEquals(0, CmCtlRunner.run(home, "start", "-t", "30").exit);
        assertEquals(home.resolve("node1").toString(), Files.readString(home.resolve("dn1").resolve("agent_dir")).trim());

        final CmCtlRunner pause = CmCtlRunner.run(home, "pause");
        assertEquals("cmctl: The cluster has been paused.\n", pause.out, pause.toString());
        assertTrue(Files.exists(home.resolve("node1").resolve(FlagFiles.CLUSTER_MANUAL_PAUSE)));
        assertTrue(CmCtlRunner.run(home, "query").out.contains("current_az      : AZ_ALL\npausing         : Yes\n"));
        final long pid = instancePid();
        final ProcessHandle instance = ProcessHandle.of(pid).orElseThrow();
        instance.destroyForcibly();
        instance.onExit().get();

        final long until = System.nanoTime() + 4_000_000_000L;
        String query = "";
        while (System.nanoTime() < until && !query.contains("restart withheld"))
        {
            Thread.sleep(100);
            query = CmCtlRunner.run(home, "query", "-Cv").out;
        }
        assertTrue(query.contains("restart withheld, the cluster is paused"), query);
        Thread.sleep(2000);
        assertEquals(pid, instancePid(), "restarted while paused");
        assertFalse(ProcessHandle.of(pid).isPresent());
        final String agentLog = Files.readString(home.resolve("node1").resolve("cm_agent.log"));
        assertTrue(agentLog.contains("KEY_EVENT_CLUSTER_PAUSE"), agentLog);

        final CmCtlRunner resume = CmCtlRunner.run(home, "resume");
        assertEquals("cmctl: The cluster has been resumed.\n", resume.out, resume.toString());
        final long restartedBy = System.nanoTime() + 10_000_000_000L;
        while (instancePid() == pid && System.nanoTime() < restartedBy)
        {
            Thread.sleep(100);
        }
        assertTrue(instancePid() != pid && ProcessHandle.of(instancePid()).isPresent(), "not restarted on resume");
        assertFalse(CmCtlRunner.run(home, "query").out.contains("pausing"));
    }

    private long instancePid() throws IOException
    {
        return Long.parseLong(Files.readString(home.resolve("node1").resolve("run").resolve("dms_res_6001.pid")).trim());
    }

    /** One node whose node process prints {@code line} on stderr and exits 1 at once. */
    private void oneFailingNode(final int restartTimes, final int restartDelay, final String line) throws IOException
    {
        Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE), "{\"nodes\": [{\"node_id\": 1, \"name\": \"host1\"}]}");
        Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), "{\"resources\": [{\"name\": \"dms_res\", " +
            "\"resources_type\": \"DN\", \"restart_times\": " + restartTimes + ", \"restart_delay\": " + restartDelay +
            ", \"restart_period\": 0, \"instances\": [{\"node_id\": 1, \"data_dir\": \"dn1\", \"command\": " +
            "[\"sh\", \"-c\", \"echo '" + line + "' >&2; exit 1\"]}]}]}");
    }

    private void twoNodes(final int port1, final int port2) throws IOException
    {
        Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE), "{\"cluster_name\": \"t\", \"nodes\": [" +
            "{\"node_id\": 1, \"name\": \"host1\", \"ip\": \"127.0.0.1\"}, " +
            "{\"node_id\": 2, \"name\": \"host2\", \"ip\": \"127.0.0.1\"}]}");
        Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), "{\"resources\": [{\"name\": \"dms_res\", " +
            "\"resources_type\": \"DN\", \"restart_times\": 3, \"instances\": [" +
            "{\"node_id\": 1, \"command\": \"sleep 60\", \"ports\": [\"127.0.0.1:" + port1 + "\"], \"data_dir\": \"dn1\"}, " +
            "{\"node_id\": 2, \"command\": \"sleep 60\", \"ports\": [\"127.0.0.1:" + port2 + "\"], \"data_dir\": \"dn2\"}]}]}");
    }
}
