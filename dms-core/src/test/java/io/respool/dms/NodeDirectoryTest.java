package io.respool.dms;

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
import java.nio.file.Files;
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
}
