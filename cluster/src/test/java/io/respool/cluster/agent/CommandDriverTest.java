package io.respool.cluster.agent;

import io.respool.dms.diag.PortProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A command instance's {@code check} on real processes: its exit code is the verdict while the process lives (a
 * check that says offline then is abnormal), an ended process is offline without it, a hung check is killed, and
 * the supervisor cleans (SIGKILL, also of a stopped process) and restarts an instance abnormal for
 * {@code abnormal_timeout}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandDriverTest
{
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();
    private CommandDriver driver;

    @AfterEach
    void killProcess()
    {
        Optional.ofNullable(driver).map(CommandDriver::pid).filter(pid -> pid > 0).flatMap(ProcessHandle::of)
            .ifPresent(ProcessKill::tree);
    }

    @Test
    void shouldTakeTheCheckCommandsExitCodeWhileTheProcessLives() throws Exception
    {
        driver = driver(List.of("sh", "-c", "echo \"verdict $(cat " + dir.resolve("exit") + ")\"; exit $(cat " +
            dir.resolve("exit") + ")"));
        assertEquals(0, await(driver.start(0)).exit());

        assertEquals(new OpResult(ScriptExit.CHECK_ONLINE, "verdict 0"), checkWith(0));
        assertEquals(new OpResult(ScriptExit.CHECK_ABNORMAL, "verdict 3"), checkWith(3));
        assertEquals(new OpResult(ScriptExit.CHECK_UNKNOWN, "verdict 2"), checkWith(2));
        assertEquals(new OpResult(ScriptExit.CHECK_ABNORMAL, "the check says offline but pid " + driver.pid() +
            " lives: verdict 1"), checkWith(1));

        final ProcessHandle process = ProcessHandle.of(driver.pid()).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(10, TimeUnit.SECONDS);
        assertEquals(new OpResult(ScriptExit.CHECK_OFFLINE, ""), await(driver.check(0)), "the check is not run");
    }

    @Test
    void shouldBeOnlineWhileTheProcessLivesWithoutACheck() throws Exception
    {
        driver = driver(List.of());
        await(driver.start(0));
        assertEquals(new OpResult(ScriptExit.CHECK_ONLINE, ""), await(driver.check(0)));
    }

    @Test
    void shouldKillAHungCheck() throws Exception
    {
        driver = driver(List.of("sleep", "60"));
        await(driver.start(0));
        final RunningOp check = driver.check(0);
        Thread.sleep(200);
        assertNull(check.result(), "the check still runs");
        check.kill();
        assertEquals(ScriptExit.TIMEOUT, await(check).exit());
    }

    @Test
    void shouldCleanAStoppedProcessAbnormalForAbnormalTimeoutAndStartANewOne() throws Exception
    {
        final ResourceInstance inst = instance(List.of("sh", "-c", "echo hung; exit $(cat " + dir.resolve("exit") + ")"));
        driver = driver(inst);
        final ResourceDefinition res = new ResourceDefinition("host_driver", ResourceType.APP, "", 1, 10, 0, 0, -1, 1,
            List.of(inst));
        final InstanceSupervisor s = new InstanceSupervisor(res, inst, driver,
            new PortCheck(new PortProbe(dir.resolve("proc")), Runnable::run), new AgentLog(log::add, () -> 0L),
            (id) -> fail("manual stop of " + id), 5);
        final long first = awaitState(s, InstanceState.STARTING, 5_000).pid();
        assertTrue(first > 0, log::toString);
        signal("STOP", first);
        Files.writeString(dir.resolve("exit"), "3");

        awaitState(s, InstanceState.ABNORMAL, 5_000);
        assertEquals("check says abnormal (3): hung", s.reason());
        final long deadline = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.of(first).isPresent())
        {
            assertTrue(System.currentTimeMillis() < deadline, "the stopped process was not killed: " + log);
            s.doWork(System.currentTimeMillis(), true, StopMode.FAST);
            Thread.sleep(20);
        }
        Files.writeString(dir.resolve("exit"), "0");
        awaitState(s, InstanceState.ONLINE, 10_000);
        assertNotEquals(first, s.pid());
        assertEquals(1, s.restarts());
        assertTrue(log.stream().anyMatch(l -> l.endsWith("res(host_driver) inst(20001) is offline: abnormal for 1 s, " +
            "cleaned; last check: hung")), log::toString);
    }

    private CommandDriver driver(final List<String> check) throws IOException
    {
        return driver(instance(check));
    }

    private ResourceInstance instance(final List<String> check)
    {
        return new ResourceInstance(1, 0, 20001, List.of(), List.of("sleep", "60"), List.of(), "", false, check);
    }

    private CommandDriver driver(final ResourceInstance inst) throws IOException
    {
        Files.writeString(dir.resolve("exit"), "0");
        return new CommandDriver(inst, dir.resolve("data"), new OutputLog(dir.resolve("log").resolve("res.log")),
            dir.resolve("run").resolve("res.pid"), dir);
    }

    private OpResult checkWith(final int exit) throws Exception
    {
        Files.writeString(dir.resolve("exit"), Integer.toString(exit));
        return await(driver.check(0));
    }

    private static OpResult await(final RunningOp op) throws InterruptedException
    {
        for (int i = 0; i < 200; i++)
        {
            final OpResult r = op.result();
            if (r != null)
            {
                return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(op.what() + " did not end within 10 s");
    }

    private InstanceSupervisor awaitState(final InstanceSupervisor s, final InstanceState state, final long ms)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + ms;
        while (s.state() != state)
        {
            assertTrue(System.currentTimeMillis() < deadline, "not " + state + " within " + ms + " ms: " + log);
            s.doWork(System.currentTimeMillis(), true, StopMode.FAST);
            Thread.sleep(20);
        }
        return s;
    }

    private static void signal(final String name, final long pid) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " " + pid);
    }
}
