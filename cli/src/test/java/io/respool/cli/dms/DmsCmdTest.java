package io.respool.cli.dms;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import io.aeron.driver.MediaDriver;
import io.respool.cluster.agent.ScriptExit;
import io.respool.dms.HostDriver;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DmsCmdTest
{
    private static int run(final StringWriter out, final String... args)
    {
        final CommandLine cmd = DmsCmd.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        return cmd.execute(args);
    }

    @Test
    void shouldReportHeldPortWithPidAndExitNonZero() throws Exception
    {
        try (DatagramSocket held = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            final int freePort = free.getLocalPort();
            free.close();
            final StringWriter out = new StringWriter();
            final int exit = run(out, "check-ports", "-u",
                "0:127.0.0.1:" + freePort + ",1:127.0.0.1:" + held.getLocalPort());
            assertEquals(1, exit, out::toString);
            assertTrue(out.toString().contains("node 0 127.0.0.1:" + freePort + " free"), out::toString);
            assertTrue(out.toString().contains("node 1 127.0.0.1:" + held.getLocalPort() + " held: protocol=udp"),
                out::toString);
            assertTrue(out.toString().contains("pid=" + ProcessHandle.current().pid() + " command="), out::toString);
        }
    }

    @Test
    void shouldNotStartAHostDriverWhereAnotherRuns(@TempDir final File tempDir)
    {
        final File dir = new File(tempDir, "host-driver");
        try (MediaDriver running = HostDriver.launch(dir, "backoff", 5_000))
        {
            final StringWriter out = new StringWriter();
            assertEquals(1, run(out, "host-driver", dir.getPath()), out::toString);
            assertEquals("HOST DRIVER NOT STARTED: a media driver already runs in " + dir.getAbsolutePath() +
                ": pid " + ProcessHandle.current().pid() + " is alive: stop it (kill " + ProcessHandle.current().pid() +
                ") or give this driver another directory" + System.lineSeparator(), out.toString());
            assertTrue(new File(running.aeronDirectoryName(), "cnc.dat").isFile(), "the running driver's directory");
        }
    }

    @Test
    void shouldCheckAHostDriverWithCmsCheckCodes(@TempDir final File tempDir)
    {
        assertEquals(ScriptExit.CHECK_ONLINE, HostDriver.CHECK_ONLINE);
        assertEquals(ScriptExit.CHECK_OFFLINE, HostDriver.CHECK_OFFLINE);
        assertEquals(ScriptExit.CHECK_ABNORMAL, HostDriver.CHECK_HUNG);
        final File dir = new File(tempDir, "host-driver");
        final StringWriter none = new StringWriter();
        assertEquals(ScriptExit.CHECK_OFFLINE, run(none, "host-driver", "--check", dir.getPath()), none::toString);
        assertTrue(none.toString().startsWith("HOST DRIVER OFFLINE dir=" + dir.getAbsolutePath()), none::toString);
        try (MediaDriver running = HostDriver.launch(dir, "backoff", 5_000))
        {
            final StringWriter out = new StringWriter();
            assertEquals(ScriptExit.CHECK_ONLINE, run(out, "host-driver", "--check", "--timeout-ms", "10000", dir.getPath()),
                out::toString);
            assertTrue(out.toString().startsWith("HOST DRIVER ONLINE pid=" + ProcessHandle.current().pid() + " dir=" +
                dir.getAbsolutePath() + " heartbeat "), out::toString);
        }
    }

    @Test
    void shouldNameABadIdleStrategyOfTheHostDriver(@TempDir final File tempDir)
    {
        final StringWriter out = new StringWriter();
        assertEquals(2, run(out, "host-driver", "--idle", "spin", new File(tempDir, "d").getPath()), out::toString);
        assertEquals("dmscmd: unknown idleStrategy: idleStrategy=spin, known=yield,backoff,sleep,sleep-1ms,busy" +
            System.lineSeparator(), out.toString());
        assertFalse(new File(tempDir, "d").exists(), "a driver that may not start made its directory");
    }

    @Test
    void shouldExitZeroWhenAllFree() throws Exception
    {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        final StringWriter out = new StringWriter();
        assertEquals(0, run(out, "check-ports", "-u", "0:127.0.0.1:" + port), out::toString);
        assertTrue(out.toString().contains("0 of 1 ports held"), out::toString);
    }

    @Test
    void shouldNameTheBadUrlEntry()
    {
        final StringWriter out = new StringWriter();
        assertEquals(2, run(out, "check-ports", "-u", "0:127.0.0.1:1613,one:127.0.0.1:1614"));
        assertTrue(out.toString().contains("bad dms_url entry: entry='one:127.0.0.1:1614', position=1"),
            out::toString);
    }
}
