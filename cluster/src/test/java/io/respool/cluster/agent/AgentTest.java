package io.respool.cluster.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent over real child processes on a stepped clock (child processes and script calls run in real time, with
 * bounded waits).
 */
@Timeout(30)
class AgentTest
{
    private static final List<String> SLEEPER = List.of("sleep", "30");

    @TempDir
    Path home;

    @Test
    void shouldReportPortHolderAtOnceAndNotStartWhenPortTaken() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            TestCluster c = new TestCluster(home, "{\"resources\": [" + TestCluster.commandResource("dms_res", SLEEPER,
                List.of("127.0.0.1:" + taken.getLocalPort()), 5) + "]}"))
        {
            c.start();
            final long t0 = System.nanoTime();
            c.runUntil("port conflicting", 10, 5_000, () -> c.instance("dms_res").state() == InstanceState.PORT_CONFLICT);
            final long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "reported after " + ms + " ms");
            final InstanceSupervisor s = c.instance("dms_res");
            final String reason = s.reason();
            assertTrue(reason.contains("port 127.0.0.1:" + taken.getLocalPort()), reason);
            assertTrue(reason.contains("pid " + ProcessHandle.current().pid()), reason);
            // three more check intervals: still not started, nothing counted
            for (int i = 0; i < 30; i++)
            {
                c.agent.doWork();
                c.clock[0] += 100;
            }
            assertEquals(InstanceState.PORT_CONFLICT, s.state());
            assertEquals(-1, s.pid());
            assertEquals(0, s.restarts());
            assertTrue(c.log.stream().anyMatch(l -> l.contains("[KeyEvent: KEY_EVENT_PORT_CONFLICT] [Instance: 6001]")));
            assertEquals(1, c.log.stream().filter(l -> l.contains("KEY_EVENT_PORT_CONFLICT")).count(), "one event");
            final Map<?, ?> inst = (Map<?, ?>)((List<?>)state(c).get("instances")).get(0);
            assertEquals("Port conflicting", inst.get("db_state"));
            taken.close();
            c.runUntil("online once the port is free", 100, 5_000, () -> s.state() == InstanceState.ONLINE);
            assertEquals(0, s.restarts());
        }
    }

    @Test
    void shouldStopAtRestartLimitWithReason() throws IOException
    {
        final List<String> failing = List.of("sh", "-c", "echo 'FATAL: failed to initialize dms' >&2; exit 3");
        try (TestCluster c = new TestCluster(home, "{\"resources\": [" +
            TestCluster.commandResource("dms_res", failing, List.of(), 2) + "]}"))
        {
            c.start();
            final InstanceSupervisor s = c.instance("dms_res");
            c.runUntil("restart limit", 100, 10_000, () -> s.state() == InstanceState.LIMIT_REACHED);
            assertEquals(2, s.restarts());
            assertTrue(s.reason().startsWith("restart limit reached: restarted 2 times (restart_times=2)"), s.reason());
            assertTrue(s.reason().contains("process exited with status 3"), s.reason());
            assertTrue(s.reason().contains("FATAL: failed to initialize dms"), s.reason());
            assertTrue(Files.exists(home.resolve("node1").resolve("instance_manual_start_6001")));
            assertTrue(c.log.stream().anyMatch(l -> l.contains("KEY_EVENT_RES_RESTART_LIMIT")));
            assertTrue(c.log.stream().anyMatch(l -> l.contains("res(dms_res) inst(6001) is offline, but restart times (2) " +
                ">= limit (2), can't do restart again, will do manually stop.")));
            for (int i = 0; i < 50; i++)
            {
                c.agent.doWork();
                c.clock[0] += 100;
            }
            assertEquals(InstanceState.LIMIT_REACHED, s.state(), "stays stopped");
            final Map<?, ?> inst = (Map<?, ?>)((List<?>)state(c).get("instances")).get(0);
            assertEquals("Manually stopped", inst.get("db_state"));
            assertEquals(s.reason(), inst.get("reason"));
            // cmctl start deletes the flag: a fresh start with the count cleared, up to the limit again
            assertEquals(1, new FlagFiles(home.resolve("node1")).removeAll());
            c.runUntil("started afresh", 100, 5_000, () -> s.state() != InstanceState.LIMIT_REACHED);
            assertEquals(0, s.restarts());
            c.runUntil("limit again", 100, 10_000, () -> s.state() == InstanceState.LIMIT_REACHED);
            assertEquals(2, s.restarts());
        }
    }

    @Test
    void shouldShowNormalOnlyWhenTheNodeSaysItServesAndPromotingDuringARequest() throws IOException
    {
        try (TestCluster c = new TestCluster(home, "{\"resources\": [" +
            TestCluster.commandResource("dms_res", SLEEPER, List.of(), 5).replace("\"data_dir\"",
                "\"reports_serving\": true, \"data_dir\"") + "]}"))
        {
            c.start();
            final InstanceSupervisor s = c.instance("dms_res");
            c.runUntil("online", 100, 5_000, () -> s.state() == InstanceState.ONLINE);
            c.agent.doWork();
            assertEquals("Starting", instanceState(c).get("db_state"), "its process runs, it does not serve yet");

            // the fake node: the control files it embeds, a switchover its DMS finishes when the test says
            final java.util.concurrent.CompletableFuture<String> dms = new java.util.concurrent.CompletableFuture<>();
            final long[] nodeClock = { 0 };
            final io.respool.cluster.node.NodeControlFiles node = new io.respool.cluster.node.NodeControlFiles(
                home.resolve("dn1"), () -> nodeClock[0], 100, r -> dms, "Standby");
            node.report("Standby", true);
            c.agent.doWork();
            assertEquals("Normal", instanceState(c).get("db_state"));
            assertEquals("Standby", instanceState(c).get("dynamic_role"));

            AtomicFiles.write(home.resolve("dn1").resolve(io.respool.cluster.node.NodeControlFiles.REQUEST_FILE),
                "request = switchover\nnode_id = 1\nrequest_id = 99\n");
            node.doWork();
            c.agent.doWork();
            assertEquals("Promoting", instanceState(c).get("db_state"));
            dms.complete("Primary");
            node.doWork();
            c.agent.doWork();
            final Map<?, ?> after = instanceState(c);
            assertEquals(List.of("Primary", "Normal", 99L, "ok"), List.of(after.get("dynamic_role"),
                after.get("db_state"), after.get("request_id"), after.get("request_result")));
        }
    }

    private static Map<?, ?> instanceState(final TestCluster c) throws IOException
    {
        final Map<?, ?> state = (Map<?, ?>)Json.parse(Files.readString(c.agent.stateFile()));
        return (Map<?, ?>)((List<?>)state.get("instances")).get(0);
    }

    @Test
    void shouldRestartAndCountKilledProcess() throws IOException
    {
        try (TestCluster c = new TestCluster(home, "{\"resources\": [" +
            TestCluster.commandResource("dms_res", SLEEPER, List.of(), 5) + "]}"))
        {
            c.start();
            final InstanceSupervisor s = c.instance("dms_res");
            c.runUntil("online", 100, 5_000, () -> s.state() == InstanceState.ONLINE);
            final long first = s.pid();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            c.runUntil("offline seen", 100, 5_000, () -> s.state() == InstanceState.WAIT_RESTART);
            assertTrue(s.reason().contains("process killed by signal 9"), s.reason());
            c.runUntil("online again", 100, 5_000, () -> s.state() == InstanceState.ONLINE);
            assertTrue(s.pid() > 0 && s.pid() != first);
            assertEquals(1, s.restarts());
            assertTrue(c.log.stream().anyMatch(l -> l.contains("res(dms_res) inst(6001) has been restart (1) times")));
            c.runUntil("count cleared after 5 online checks", 1000, 5_000, () -> s.restarts() == 0);
        }
    }

    @Test
    void shouldTimeOutHungCheckWithoutStallingAnotherResource() throws IOException
    {
        final Path script = home.resolve("res_contrl.sh");
        Files.writeString(script, "#!/bin/sh\n" +
            "op=$1; id=$2; dir=$3\n" +
            "case $op in\n" +
            "  -start) touch $dir/started_$id; exit 0;;\n" +
            "  -check) [ -f $dir/hang_$id ] && exec sleep 100; [ -f $dir/started_$id ] && exit 0; exit 1;;\n" +
            "  -stop|-clean) rm -f $dir/started_$id; exit 0;;\n" +
            "esac\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        final String res = "{\"name\": \"%s\", \"resources_type\": \"APP\", \"script\": \"res_contrl.sh\", " +
            "\"check_interval\": 1, \"time_out\": 5, \"instances\": [{\"node_id\": 1, \"res_instance_id\": %d, " +
            "\"res_args\": \"" + home + "\"}]}";
        try (TestCluster c = new TestCluster(home, "{\"resources\": [" + String.format(res, "hung", 1) + ", " +
            String.format(res, "good", 2) + "]}"))
        {
            c.start();
            final InstanceSupervisor hung = c.instance("hung");
            final InstanceSupervisor good = c.instance("good");
            c.runUntil("both online", 10, 5_000, () -> hung.state() == InstanceState.ONLINE &&
                good.state() == InstanceState.ONLINE);
            // From now on the hung resource's next check hangs, and the good one goes offline: the good one must be
            // seen offline while the hung check is in flight and before its time_out (5 s of the stepped clock).
            final long t = c.clock[0];
            Files.createFile(home.resolve("hang_1"));
            Files.delete(home.resolve("started_2"));
            c.runUntil("good seen offline though the other check hangs", 10, 5_000,
                () -> good.state() == InstanceState.WAIT_RESTART);
            assertEquals(0, hung.checkTimeouts(), "seen while the hung check had not yet timed out");
            c.runUntil("hung check in flight", 10, 5_000, AgentTest::hungCheckRunning);
            assertEquals(0, hung.checkTimeouts());
            c.runUntil("hung check killed at time_out", 10, 10_000, () -> hung.checkTimeouts() == 1);
            final long killedAt = c.clock[0] - t;
            // issued at most one check_interval (plus a late result under load) after t, killed time_out later
            assertTrue(killedAt >= 4900 && killedAt <= 8000, "killed after " + killedAt + " ms of the clock");
            assertTrue(c.log.stream().anyMatch(l -> l.contains("res(hung) inst(20001) -check killed after")), "log");
            assertEquals(InstanceState.ONLINE, good.state(), "the good one was restarted meanwhile");
            c.runUntil("sleep gone", 0, 3_000, () -> !hungCheckRunning());
        }
    }

    @Test
    void shouldAdoptRunningNodeProcessAfterAgentRestart() throws IOException
    {
        try (TestCluster c = new TestCluster(home, "{\"resources\": [" +
            TestCluster.commandResource("dms_res", SLEEPER, List.of(), 5) + "]}"))
        {
            c.start();
            c.runUntil("online", 100, 5_000, () -> c.instance("dms_res").state() == InstanceState.ONLINE);
            final long pid = c.instance("dms_res").pid();
            c.agent.close();
            c.start();
            c.runUntil("online again", 100, 5_000, () -> c.instance("dms_res").state() == InstanceState.ONLINE);
            assertEquals(pid, c.instance("dms_res").pid(), "the running process was adopted, not started twice");
            assertEquals(0, c.instance("dms_res").restarts());
        }
    }

    @Test
    void shouldStopOnFlagFileAndStartWhenRemoved() throws IOException
    {
        try (TestCluster c = new TestCluster(home, "{\"resources\": [" +
            TestCluster.commandResource("dms_res", SLEEPER, List.of(), 5) + "]}"))
        {
            c.start();
            final InstanceSupervisor s = c.instance("dms_res");
            c.runUntil("online", 100, 5_000, () -> s.state() == InstanceState.ONLINE);
            final long pid = s.pid();
            final FlagFiles flags = new FlagFiles(home.resolve("node1"));
            flags.writeCluster(StopMode.FAST);
            c.runUntil("stopped", 100, 5_000, () -> s.state() == InstanceState.STOPPED);
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process gone");
            assertEquals(true, state(c).get("cluster_manual_start"));
            for (int i = 0; i < 30; i++)
            {
                c.agent.doWork();
                c.clock[0] += 100;
            }
            assertEquals(InstanceState.STOPPED, s.state(), "not started while the flag is present");
            assertEquals(1, flags.removeAll());
            c.runUntil("online again", 100, 5_000, () -> s.state() == InstanceState.ONLINE);
            flags.writeInstance(6001, StopMode.IMMEDIATE);
            c.runUntil("stopped by the instance flag", 100, 5_000, () -> s.state() == InstanceState.STOPPED);
        }
    }

    private static boolean hungCheckRunning()
    {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 100") &&
            p.parent().map(x -> x.pid() == ProcessHandle.current().pid()).orElse(false));
    }

    private static Map<?, ?> state(final TestCluster c) throws IOException
    {
        return (Map<?, ?>)Json.parse(Files.readString(c.agent.stateFile()));
    }
}
