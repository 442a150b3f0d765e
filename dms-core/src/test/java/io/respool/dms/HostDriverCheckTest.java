package io.respool.dms;

import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link HostDriver#check} on a real driver in a child process: online while it runs, hung once it is stopped
 * ({@code kill -STOP}: its process lives, its conductor writes no heartbeat), online again after SIGCONT, and
 * offline once it is gone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostDriverCheckTest
{
    /** Above the conductor's one-second heartbeat with room for a loaded host, short enough for a quick test. */
    private static final long LIMIT_MS = 1_500;

    @TempDir
    File tempDir;

    @Test
    void shouldTellARunningDriverFromAStoppedOneAndFromNone() throws Exception
    {
        final File dir = new File(tempDir, "host-driver");
        assertCheck(HostDriver.CHECK_OFFLINE, "HOST DRIVER OFFLINE dir=" + dir.getAbsolutePath() +
            ": no driver runs there (no CnC file, or its pid has ended)", dir);
        try (ChildProcess driver = ChildJvm.of(HostDriver.class).name("host driver")
            .jvmArgs("-Xmx64m", "-XX:TieredStopAtLevel=1", "-D" + HostDriver.IDLE_STRATEGY_PROP_NAME + "=backoff")
            .args(dir.getAbsolutePath()).start())
        {
            driver.awaitLine("HOST DRIVER READY", (line) -> line.startsWith("HOST DRIVER READY"), Duration.ofSeconds(30));
            assertCheck(HostDriver.CHECK_ONLINE, "HOST DRIVER ONLINE pid=" + driver.pid() + " dir=" +
                dir.getAbsolutePath() + " heartbeat ", dir);

            driver.pause();
            try
            {
                final String hung = awaitVerdict(HostDriver.CHECK_HUNG, dir);
                assertTrue(hung.matches("HOST DRIVER HUNG pid=" + driver.pid() + " dir=" + dir.getAbsolutePath() +
                    ": its process lives but its heartbeat is \\d+ ms old \\(limit 1500 ms\\); kill -9 " + driver.pid() +
                    " and start it again\\s*"), hung);
            }
            finally
            {
                driver.resume();
            }
            awaitVerdict(HostDriver.CHECK_ONLINE, dir);

            driver.kill();
            assertCheck(HostDriver.CHECK_OFFLINE, "HOST DRIVER OFFLINE dir=", dir);
        }
    }

    private static void assertCheck(final int expected, final String linePrefix, final File dir)
    {
        final StringWriter out = new StringWriter();
        assertEquals(expected, HostDriver.check(dir, LIMIT_MS, new PrintWriter(out)), out::toString);
        assertTrue(out.toString().startsWith(linePrefix), out::toString);
    }

    /** The line of the first check that gives {@code expected}, within 10 s. */
    private static String awaitVerdict(final int expected, final File dir) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            final StringWriter out = new StringWriter();
            if (HostDriver.check(dir, LIMIT_MS, new PrintWriter(out)) == expected)
            {
                return out.toString();
            }
            assertTrue(System.nanoTime() < deadlineNs, "no verdict " + expected + " within 10 s, last: " + out);
            Thread.sleep(100);
        }
    }
}
