package io.respool.common.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same-host process check over the real {@code /proc}, with a child process stopped, continued and killed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class LinuxProcessesTest
{
    private final LinuxProcesses processes = new LinuxProcesses();

    @Test
    void shouldTellARunningAStoppedAndAGoneProcessApart() throws Exception
    {
        final Process child = new ProcessBuilder("sleep", "30").start();
        try
        {
            final ProcessIdentity identity = processes.identify(child.pid());
            assertTrue(identity.sameHostAs(processes.self()), identity.toString());
            assertEquals(HostProcesses.Status.RUNNING, processes.status(identity));

            signal("-STOP", child.pid());
            awaitStatus(identity, HostProcesses.Status.STOPPED);
            signal("-CONT", child.pid());
            awaitStatus(identity, HostProcesses.Status.RUNNING);

            signal("-STOP", child.pid());
            awaitStatus(identity, HostProcesses.Status.STOPPED);
            assertTrue(processes.kill(identity));
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(HostProcesses.Status.GONE, processes.status(identity));
            assertFalse(processes.kill(identity));
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldTakeAnotherStartTimeForAnotherProcessAndAnotherKernelForElsewhere()
    {
        final ProcessIdentity self = processes.self();
        assertTrue(self.known(), self.toString());
        assertEquals(HostProcesses.Status.RUNNING, processes.status(self));

        final ProcessIdentity reused = new ProcessIdentity(self.bootId(), self.pidNamespace(), self.pid(),
            self.startTicks() + 1);
        assertEquals(HostProcesses.Status.GONE, processes.status(reused), "a reused pid is not the same process");
        assertFalse(processes.kill(reused), "a reused pid must never be killed");
        assertEquals(HostProcesses.Status.ELSEWHERE, processes.status(new ProcessIdentity(self.bootId() + 1,
            self.pidNamespace(), self.pid(), self.startTicks())));
        assertEquals(HostProcesses.Status.ELSEWHERE, processes.status(new ProcessIdentity(self.bootId(),
            self.pidNamespace() + 1, self.pid(), self.startTicks())));
        assertEquals(HostProcesses.Status.ELSEWHERE, processes.status(ProcessIdentity.UNKNOWN));
    }

    @Test
    void shouldTellAProcessThatLeadsItsOwnSessionFromOneThatSharesItsParents() throws Exception
    {
        final Process shared = new ProcessBuilder("sleep", "30").start();
        final Process own = new ProcessBuilder("setsid", "sleep", "30").start();
        try
        {
            final long mine = LinuxProcesses.session(ProcessHandle.current().pid());
            // 0 when the session's leader is outside this pid namespace (a container started by its runtime)
            assertTrue(mine >= 0, "this JVM's session " + mine);
            assertEquals(mine, LinuxProcesses.session(shared.pid()), "a child stays in its parent's session");
            // setsid(1) calls setsid(2), then execs in place (a child leads no process group): once it runs
            // sleep, the pid is the session's
            final Path cmdline = Path.of("/proc", Long.toString(own.pid()), "cmdline");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.readString(cmdline).startsWith("sleep") && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(5);
            }
            assertEquals(own.pid(), LinuxProcesses.session(own.pid()), "setsid's child leads its own");
            assertEquals(-1, LinuxProcesses.session(Long.MAX_VALUE), "no such process");
        }
        finally
        {
            shared.destroyForcibly();
            own.destroyForcibly();
        }
    }

    @Test
    void shouldWarnOfSharedSchedulingOnlyWithAutogroupOnAndAnotherSessionLeader(@TempDir final Path proc)
        throws Exception
    {
        Files.createDirectories(proc.resolve("sys/kernel"));
        Files.createDirectories(proc.resolve("42"));
        Files.writeString(proc.resolve("42/stat"), "42 (java (node 0)) S 7 42 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 " +
            "1 0 12345 0 0\n");
        Files.writeString(proc.resolve("sys/kernel/sched_autogroup_enabled"), "1\n");
        final Optional<String> why = LinuxProcesses.sharedScheduling(proc, 42);
        assertTrue(why.isPresent());
        assertTrue(why.get().contains("process 42 runs in session 7"), why.get());
        assertEquals(Optional.empty(), LinuxProcesses.sharedScheduling(proc, 43), "a process not found");

        Files.writeString(proc.resolve("42/stat"), "42 (java) S 7 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 " +
            "1 0 12345 0 0\n");
        assertEquals(Optional.empty(), LinuxProcesses.sharedScheduling(proc, 42), "the session's leader");

        Files.writeString(proc.resolve("42/stat"), "42 (java) S 7 42 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 " +
            "1 0 12345 0 0\n");
        Files.writeString(proc.resolve("sys/kernel/sched_autogroup_enabled"), "0\n");
        assertEquals(Optional.empty(), LinuxProcesses.sharedScheduling(proc, 42), "autogroup off");
        Files.delete(proc.resolve("sys/kernel/sched_autogroup_enabled"));
        assertEquals(Optional.empty(), LinuxProcesses.sharedScheduling(proc, 42), "no autogroup in this kernel");
    }

    private static void signal(final String signal, final long pid) throws Exception
    {
        assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor());
    }

    private void awaitStatus(final ProcessIdentity identity, final HostProcesses.Status expected)
        throws InterruptedException
    {
        final Supplier<HostProcesses.Status> status = () -> processes.status(identity);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (status.get() != expected && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(5);
        }
        assertEquals(expected, status.get());
    }
}
