package io.respool.dms;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.MediaDriver;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A host driver never takes the directory of a driver that still runs (its start would delete the directory and
 * cut every node off), and takes over one left by a driver that is gone, or whose pid another process has since.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DriverDirectoryTest
{
    private static final long OWN_PID = ProcessHandle.current().pid();

    @TempDir
    File tempDir;
    private MediaDriver running;

    @AfterEach
    void stopDriver()
    {
        CloseHelper.quietClose(running);
    }

    @Test
    void shouldRefuseTheDirectoryOfARunningDriverAndLeaveItWorking()
    {
        final File dir = new File(tempDir, "host-driver");
        running = HostDriver.launch(dir, "backoff", 5_000);

        final IllegalStateException refused =
            assertThrows(IllegalStateException.class, () -> HostDriver.launch(dir, "backoff", 5_000));

        assertEquals("a media driver already runs in " + dir.getAbsolutePath() + ": pid " + OWN_PID +
            " is alive: stop it (kill " + OWN_PID + ") or give this driver another directory", refused.getMessage());
        assertTrue(isDriverActive(dir), "the running driver lost its directory");
    }

    @Test
    void shouldExitWithThePidOfTheDriverThatHoldsTheDirectory() throws Exception
    {
        final File dir = new File(tempDir, "host-driver");
        running = HostDriver.launch(dir, "backoff", 5_000);

        try (ChildProcess second = hostDriver(dir, "second"))
        {
            assertEquals(1, second.awaitExit(Duration.ofSeconds(30)), second.tail());
            assertTrue(second.output().contains("HOST DRIVER NOT STARTED: a media driver already runs in " +
                dir.getAbsolutePath() + ": pid " + OWN_PID + " is alive"), second.tail());
        }
        assertTrue(isDriverActive(dir), "the running driver lost its directory");
    }

    @Test
    void shouldStartOnlyOneOfTwoDriversStartedAtOnce() throws Exception
    {
        final File dir = new File(tempDir, "host-driver");
        try (ChildProcess first = hostDriver(dir, "first"); ChildProcess second = hostDriver(dir, "second"))
        {
            final ChildProcess refused = awaitOneExit(first, second);
            final ChildProcess started = refused == first ? second : first;
            assertEquals(1, refused.exitValue(), refused.tail());
            assertTrue(refused.output().contains("HOST DRIVER NOT STARTED: "), refused.tail());
            assertTrue(refused.output().contains("pid " + started.pid()), refused.tail());
            started.awaitLine("HOST DRIVER READY", (line) -> line.startsWith("HOST DRIVER READY"), Duration.ofSeconds(30));
            assertTrue(isDriverActive(dir), "the driver that started lost its directory: " + started.tail());
        }
    }

    @Test
    void shouldTakeOverADirectoryWhoseDriverIsGone() throws Exception
    {
        final File left = copyOfRunningDriversCnc("left-behind");
        final Process exited = new ProcessBuilder("true").start();
        assertEquals(0, exited.waitFor());
        recordPid(left, exited.pid(), System.currentTimeMillis());

        assertEquals(Optional.empty(), DriverDirectory.holder(left, System.currentTimeMillis()));
        CloseHelper.close(running);
        running = HostDriver.launch(left, "backoff", 5_000);
        assertTrue(isDriverActive(left));
    }

    @Test
    void shouldNotTakeALaterProcessWithTheSamePidForTheDriver() throws Exception
    {
        final File left = copyOfRunningDriversCnc("pid-reused");
        final Process later = new ProcessBuilder("sleep", "30").start();
        try
        {
            // the driver recorded its start a minute before the process now holding its pid was started
            recordPid(left, later.pid(), System.currentTimeMillis() - 60_000);
            assertEquals(Optional.empty(), DriverDirectory.holder(left, System.currentTimeMillis()));

            recordPid(left, later.pid(), System.currentTimeMillis());
            final DriverDirectory.Holder holder = DriverDirectory.holder(left, System.currentTimeMillis()).orElseThrow();
            assertEquals(later.pid(), holder.pid());
        }
        finally
        {
            later.destroyForcibly();
        }
    }

    @Test
    void shouldSayAHungDriverIsToBeKilled()
    {
        final File dir = new File("/dev/shm/x");
        assertEquals("a media driver already runs in /dev/shm/x: pid 42 has not shown it is alive for 12000 ms " +
            "(hung?): kill -9 42 and start this one again",
            DriverDirectory.inUseMessage(dir, new DriverDirectory.Holder(42, 12_000)));
    }

    /** A directory holding a copy of a running driver's CnC file, as a driver killed at that moment would leave. */
    private File copyOfRunningDriversCnc(final String name) throws IOException
    {
        running = HostDriver.launch(new File(tempDir, "host-driver"), "backoff", 5_000);
        final File dir = new File(tempDir, name);
        assertTrue(dir.mkdirs());
        Files.copy(new File(running.aeronDirectoryName(), CncFileDescriptor.CNC_FILE).toPath(),
            new File(dir, CncFileDescriptor.CNC_FILE).toPath(), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private static ChildProcess hostDriver(final File dir, final String name)
    {
        return ChildJvm.of(HostDriver.class).name(name + " host driver")
            .jvmArgs("-Xmx64m", "-XX:TieredStopAtLevel=1", "-D" + HostDriver.IDLE_STRATEGY_PROP_NAME + "=backoff")
            .args(dir.getAbsolutePath()).start();
    }

    private static ChildProcess awaitOneExit(final ChildProcess first, final ChildProcess second)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (first.isAlive() && second.isAlive())
        {
            assertTrue(System.nanoTime() < deadlineNs, "neither driver exited: " + first.tail() + second.tail());
            Thread.sleep(20);
        }
        return first.isAlive() ? second : first;
    }

    /** The directory still holds the CnC file of a running driver (its heartbeat is not judged: the host is loaded). */
    private static boolean isDriverActive(final File dir)
    {
        return DriverDirectory.holder(dir, System.currentTimeMillis()).isPresent();
    }

    private static void recordPid(final File dir, final long pid, final long startMs)
    {
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(new File(dir, CncFileDescriptor.CNC_FILE), "cnc");
        try
        {
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            metaData.putLong(CncFileDescriptor.pidOffset(0), pid);
            metaData.putLong(CncFileDescriptor.startTimestampOffset(0), startMs);
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }
}
