package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The launcher stops at once, before it prepares storage or starts a node, when a DMS port is taken, naming the
 * node, the port and the process that holds it; and it never puts its image inside a git work tree.
 */
class LauncherPortConflictTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldStopAtOnceNamingThePortAndItsHolderWhenADmsPortIsTaken(@TempDir final Path dir) throws Exception
    {
        final int[] ports = ClusterTestSupport.freePorts(2);
        final Path clusterDir = dir.resolve("cluster");
        try (DatagramSocket held = new DatagramSocket(ports[1], InetAddress.getLoopbackAddress()))
        {
            final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
            final long startNs = System.nanoTime();
            final ClusterDemo.Outcome outcome = ClusterDemo.run(new String[] {
                "-D" + ClusterConfig.DIR_PROP_NAME + "=" + clusterDir,
                "-D" + ClusterConfig.DMS_DIR_PROP_NAME + "=" + dir.resolve("dms"),
                "-D" + ClusterConfig.DMS_URL_PROP_NAME + "=" + ClusterTestSupport.url(ports),
            }, output.out);
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

            assertEquals(ClusterDemo.EXIT_PORT_CONFLICT, outcome.exitStatus(), output.text());
            assertNull(outcome.summary());
            final String error = outcome.error();
            assertTrue(error.startsWith("port conflict, node not started: nodeId=1, address=127.0.0.1:" + ports[1]),
                error);
            assertTrue(error.contains("pid=" + ProcessHandle.current().pid()), error);
            assertTrue(error.contains("command="), error);
            assertTrue(output.text().contains("ERROR " + error), output.text());
            assertTrue(output.text().contains("nothing was started"), output.text());
            assertFalse(Files.exists(clusterDir), "storage must not be prepared after a port conflict");
            assertTrue(tookMs < 5_000, "the check must be immediate: tookMs=" + tookMs);
        }
    }

    @Test
    void shouldRefuseADirectoryInsideAGitWorkTree(@TempDir final Path dir) throws Exception
    {
        Files.createDirectories(dir.resolve("repo").resolve(".git"));
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> ClusterStorage.refuseInsideGitWorkTree(dir.resolve("repo").resolve("some").resolve("dir")));
        assertTrue(ex.getMessage().startsWith("refusing to put a 2 TiB sparse image inside a git work tree: dir=" +
            dir.resolve("repo").resolve("some").resolve("dir") + ", workTree=" + dir.resolve("repo")), ex.getMessage());
    }

    @Test
    void shouldNameTheSettingWhenASettingIsBad()
    {
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(new String[] {
            "-D" + ClusterConfig.ROWS_PROP_NAME + "=many" }, output.out);
        assertEquals(ClusterDemo.EXIT_SETUP, outcome.exitStatus());
        assertEquals("bad setting: -Drespool.cluster.rows=many, problem=not a number", outcome.error());
    }
}
