package io.respool.common.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

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
