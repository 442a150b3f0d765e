package io.respool.cluster.agent;

import io.respool.dms.diag.PortProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor's state machine alone: a scripted driver, a {@code /proc} laid out by the test for the port
 * check, a synchronous executor and a stepped clock; no thread, no process.
 */
class InstanceSupervisorTest
{
    @TempDir
    Path proc;

    private final List<String> log = new ArrayList<>();
    private final List<Integer> manualStops = new ArrayList<>();
    private long now = 10_000;
    private boolean paused;

    @Test
    void shouldCleanAndRestartAfterAbnormalTimeout()
    {
        final ScriptedDriver d = new ScriptedDriver();
        final InstanceSupervisor s = supervisor(d, List.of(), 5);
        d.checks.add(0);
        runFor(1500, s);
        assertEquals(InstanceState.ONLINE, s.state());
        for (int i = 0; i < 40; i++)
        {
            d.checks.add(ScriptExit.CHECK_ABNORMAL);
        }
        runFor(1500, s);
        assertEquals(InstanceState.ABNORMAL, s.state());
        assertEquals(0, d.cleans, "tolerated for abnormal_timeout (30 s)");
        runFor(30_000, s);
        assertEquals(1, d.cleans, "cleaned once abnormal_timeout passed: " + log);
        assertTrue(log.stream().anyMatch(l -> l.endsWith("res(dms_res) inst(6001) is offline: abnormal for 30 s, cleaned")),
            log.toString());
        d.checks.clear();
        d.checks.add(0);
        runFor(5000, s);
        assertEquals(InstanceState.ONLINE, s.state(), log.toString());
        assertEquals(1, s.restarts());
        assertEquals(2, d.starts);
    }

    @Test
    void shouldWithholdTheRestartOfAnOfflineInstanceWhileThePauseFlagHoldsAndRestartItOnResume()
    {
        final ScriptedDriver d = new ScriptedDriver();
        final InstanceSupervisor s = supervisor(d, List.of(), 5);
        d.checks.add(0);
        runFor(1500, s);
        assertEquals(InstanceState.ONLINE, s.state());
        paused = true;
        d.checks.add(ScriptExit.CHECK_OFFLINE);

        runFor(20_000, s);
        assertEquals(InstanceState.WAIT_RESTART, s.state(), log.toString());
        assertEquals(1, d.starts, "restarted while paused: " + log);
        assertTrue(s.reason().startsWith("restart withheld, the cluster is paused (cmctl resume restarts it): " +
            "offline: "), s.reason());
        assertEquals(1, log.stream().filter(l -> l.contains("KEY_EVENT_RES_RESTART_WITHHELD")).count(), log.toString());

        paused = false;
        d.checks.add(0);
        runFor(2000, s);
        assertEquals(InstanceState.ONLINE, s.state(), log.toString());
        assertEquals(2, d.starts);
        assertEquals(1, s.restarts());
    }

    @Test
    void shouldKeepStateOnUnknownAndNotCountStartExit6()
    {
        final ScriptedDriver d = new ScriptedDriver();
        final InstanceSupervisor s = supervisor(d, List.of(), 5);
        d.startExits.add(ScriptExit.START_DEPEND_NOT_ALIVE);
        runFor(500, s);
        assertEquals(InstanceState.WAIT_RESTART, s.state());
        assertEquals("a resource it depends on is not alive (start exit 6)", s.reason());
        d.checks.add(0);
        d.checks.add(ScriptExit.CHECK_UNKNOWN);
        runFor(4000, s);
        assertEquals(0, s.restarts(), "exit 6 is not a restart");
        assertEquals(InstanceState.ONLINE, s.state(), "unknown gives no verdict");
        assertEquals(ScriptExit.CHECK_UNKNOWN, s.lastCheck());
    }

    @Test
    void shouldWaitForHeldPortWithoutStartingOrCounting() throws IOException
    {
        // 127.0.0.1:1613 listening (TCP state 0A), socket inode 777 held by pid 4242
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net").resolve("tcp"), "  sl  local_address rem_address   st tx_queue rx_queue tr " +
            "tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:064D 00000000:0000 0A 00000000:00000000 00:00000000 " +
            "00000000     0        0 777 1 0000000000000000 100 0 0 10 0\n");
        Files.createDirectories(proc.resolve("4242").resolve("fd"));
        Files.createSymbolicLink(proc.resolve("4242").resolve("fd").resolve("3"), Path.of("socket:[777]"));
        Files.write(proc.resolve("4242").resolve("cmdline"), "python3\0-m\0http.server\0".getBytes());
        final ScriptedDriver d = new ScriptedDriver();
        final InstanceSupervisor s = supervisor(d, List.of(new PortUse("127.0.0.1", 1613)), 5);
        runFor(300, s);
        assertEquals(InstanceState.PORT_CONFLICT, s.state());
        assertEquals("port 127.0.0.1:1613 (tcp) is held by pid 4242 (python3 -m http.server)", s.reason());
        runFor(10_000, s);
        assertEquals(0, d.starts, "never started while the port is held");
        assertEquals(0, s.restarts());
        assertEquals(1, log.stream().filter(l -> l.contains("KEY_EVENT_PORT_CONFLICT")).count());
        assertTrue(log.stream().anyMatch(l -> l.endsWith("WARNING: port:127.0.0.1:1613 already in use.")), log.toString());
        Files.writeString(proc.resolve("net").resolve("tcp"), "  sl  local_address\n");
        d.checks.add(0);
        runFor(2100, s);
        assertEquals(InstanceState.ONLINE, s.state());
        assertEquals(1, d.starts);
    }

    @Test
    void shouldKillFastStopAtTimeOutButWaitForSmartStop()
    {
        final ScriptedDriver d = new ScriptedDriver();
        final InstanceSupervisor s = supervisor(d, List.of(), 5);
        d.checks.add(0);
        runFor(1500, s);
        d.stopsHang = true;
        s.doWork(now, false, StopMode.SMART);
        assertEquals(InstanceState.STOPPING, s.state());
        for (int i = 0; i < 100; i++)
        {
            now += 1000;
            s.doWork(now, false, StopMode.SMART);
        }
        assertEquals(InstanceState.STOPPING, s.state(), "smart waits");
        assertEquals(0, d.kills);

        final ScriptedDriver f = new ScriptedDriver();
        final InstanceSupervisor fast = supervisor(f, List.of(), 5);
        f.checks.add(0);
        runFor(1500, fast);
        f.stopsHang = true;
        fast.doWork(now, false, StopMode.FAST);
        now += 9_999;
        fast.doWork(now, false, StopMode.FAST);
        assertEquals(0, f.kills);
        now += 1;
        fast.doWork(now, false, StopMode.FAST);
        assertEquals(1, f.kills, "killed at time_out (10 s)");
        assertEquals(InstanceState.STOPPED, fast.state());
    }

    private void runFor(final long ms, final InstanceSupervisor s)
    {
        final long end = now + ms;
        while (now < end)
        {
            s.doWork(now, true, StopMode.FAST, paused);
            now += 100;
        }
    }

    private InstanceSupervisor supervisor(final ResourceDriver d, final List<PortUse> ports, final int restartTimes)
    {
        final ResourceInstance inst = new ResourceInstance(1, 0, 6001, List.of(), List.of(), ports, "");
        final ResourceDefinition res = new ResourceDefinition("dms_res", ResourceType.DN, "/bin/true", 1, 10, 1, 1,
            restartTimes, 30, List.of(inst));
        return new InstanceSupervisor(res, inst, d, new PortCheck(new PortProbe(proc), Runnable::run),
            new AgentLog(log::add, () -> 0L), manualStops::add, 5);
    }

    /** Answers each call from a script of exit codes; a check repeats the last one given (offline at first). */
    private final class ScriptedDriver implements ResourceDriver
    {
        final Deque<Integer> checks = new ArrayDeque<>();
        final Deque<Integer> startExits = new ArrayDeque<>();
        boolean stopsHang;
        int lastCheck = ScriptExit.CHECK_OFFLINE;
        int starts;
        int cleans;
        int kills;

        @Override
        public RunningOp start(final long nowMs)
        {
            starts++;
            return RunningOp.done("-start", nowMs, new OpResult(startExits.isEmpty() ? 0 : startExits.poll(), ""));
        }

        @Override
        public RunningOp check(final long nowMs)
        {
            lastCheck = checks.isEmpty() ? lastCheck : checks.poll();
            return RunningOp.done("-check", nowMs, new OpResult(lastCheck, ""));
        }

        @Override
        public RunningOp stop(final StopMode mode, final long nowMs)
        {
            if (stopsHang)
            {
                return new RunningOp("-stop", nowMs, new CompletableFuture<>(), () -> kills++);
            }
            return RunningOp.done("-stop", nowMs, new OpResult(0, ""));
        }

        @Override
        public RunningOp clean(final long nowMs)
        {
            cleans++;
            return RunningOp.done("-clean", nowMs, new OpResult(0, ""));
        }

        @Override
        public long pid()
        {
            return -1;
        }

        @Override
        public String failureDetail()
        {
            return "script -check exited 1";
        }
    }
}
