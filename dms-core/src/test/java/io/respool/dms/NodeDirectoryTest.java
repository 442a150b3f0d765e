package io.respool.dms;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.respool.dms.api.DirectoryInUseException;
import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeDirectoryTest
{
    @Test
    void shouldRefuseADirectoryLockedByAnotherNodeOfThisProcess(@TempDir final File base)
    {
        final File dir = new File(base, "node-0");
        try (NodeDirectory first = NodeDirectory.open(dir, 0))
        {
            final DirectoryInUseException ex = assertThrows(DirectoryInUseException.class,
                () -> NodeDirectory.open(dir, 0));
            assertTrue(ex.getMessage().startsWith("node directory is used by another node in this process: " +
                "nodeId=0, dir=" + dir), ex.getMessage());
            assertTrue(first.directory().isDirectory());
        }
        assertFalse(dir.exists(), "deleted on close");
    }

    @Test
    void shouldDeleteAStaleDirectory(@TempDir final File base) throws Exception
    {
        final File dir = new File(base, "node-3");
        assertTrue(new File(dir, "aeron").mkdirs());
        Files.writeString(new File(dir, NodeDirectory.LOCK_FILE_NAME).toPath(), "999999\nold\n");
        Files.writeString(new File(dir, "leftover").toPath(), "x");
        try (NodeDirectory directory = NodeDirectory.open(dir, 3))
        {
            assertFalse(new File(dir, "leftover").exists());
            assertTrue(Files.readString(new File(dir, NodeDirectory.LOCK_FILE_NAME).toPath())
                .startsWith(ProcessHandle.current().pid() + "\n"));
        }
    }

    @Test
    void shouldRefuseTwoNodesSharingABaseDirectoryAndId(@TempDir final File base) throws Exception
    {
        final String url = TestCluster.freeUrl(2);
        final InMemoryDisk disk = new InMemoryDisk(8192);
        try (DmsNode node = Dms.launch(new DmsContext().url(url).nodeId(0).baseDirectory(base)
            .pageStore(new InMemoryPageStore(0, 8192, disk))))
        {
            final String otherUrl = url.replaceFirst("0:127.0.0.1:\\d+", "0:127.0.0.1:" +
                TestCluster.freePorts(1)[0]);
            final DirectoryInUseException ex = assertThrows(DirectoryInUseException.class, () -> Dms.launch(
                new DmsContext().url(otherUrl).nodeId(0).baseDirectory(base)
                    .pageStore(new InMemoryPageStore(0, 8192, disk))));
            assertTrue(ex.getMessage().contains("dir=" + new File(base, "node-0")), ex.getMessage());
            assertTrue(new File(node.nodeDirectory(), "aeron").isDirectory(), "the live node keeps running");
        }
        assertFalse(new File(base, "node-0").exists(), "deleted on close");
    }

    /**
     * Right after a {@code kill -9} the dead node's lock is free but its embedded driver's heartbeat still looks
     * alive for a second: the driver's pid in the CnC file says it died, and the restart goes ahead. A driver whose
     * process runs is still refused.
     */
    @Test
    void shouldTakeTheDirectoryOfANodeKilledAMomentAgoButRefuseALiveDriver(@TempDir final File base)
        throws Exception
    {
        final File dead = new File(base, "node-1");
        final File live = new File(base, "node-2");
        final Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(new File(base, "driver").getPath()).threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true)))
        {
            staleNodeWithCncOf(new File(driver.aeronDirectoryName()), dead, exited.pid());
            staleNodeWithCncOf(new File(driver.aeronDirectoryName()), live, ProcessHandle.current().pid());
        }
        assertTrue(CommonContext.isDriverActive(new File(dead, NodeDirectory.AERON_DIR_NAME), 1_000, (msg) -> {}),
            "the dead driver's heartbeat still looks alive");
        try (NodeDirectory directory = NodeDirectory.open(dead, 1))
        {
            assertFalse(new File(directory.aeronDirectory(), CncFileDescriptor.CNC_FILE).exists(), "stale: deleted");
        }
        final DirectoryInUseException ex = assertThrows(DirectoryInUseException.class,
            () -> NodeDirectory.open(live, 2));
        assertTrue(ex.getMessage().startsWith("a live media driver uses the node's Aeron directory: nodeId=2"),
            ex.getMessage());
    }

    /** A node directory as a killed node leaves it: a free lock, and a copy of a driver's CnC file naming pid. */
    private static void staleNodeWithCncOf(final File driverDir, final File nodeDir, final long pid)
        throws Exception
    {
        final File aeron = new File(nodeDir, NodeDirectory.AERON_DIR_NAME);
        assertTrue(aeron.mkdirs());
        Files.writeString(new File(nodeDir, NodeDirectory.LOCK_FILE_NAME).toPath(), "999999\nkilled\n");
        final File cnc = new File(aeron, CncFileDescriptor.CNC_FILE);
        Files.copy(new File(driverDir, CncFileDescriptor.CNC_FILE).toPath(), cnc.toPath(),
            StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(cnc.toPath(), StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, pid),
                CncFileDescriptor.pidOffset(0));
        }
    }
}
