package io.respool.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.PortConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seed 000: a node whose port is taken fails at once, naming node id, address, port and the holder's pid and
 * command line, and leaves nothing started (no node directory, the port still held only by the holder).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortConflictTest
{
    @Test
    void shouldNameTheHolderAndLeaveNothingStarted(@TempDir final File base) throws Exception
    {
        final int[] ports = TestCluster.freePorts(2);
        try (DatagramSocket holder = new DatagramSocket(ports[1], InetAddress.getLoopbackAddress()))
        {
            final String url = "0:127.0.0.1:" + ports[0] + ",1:127.0.0.1:" + ports[1];
            final DmsContext ctx = new DmsContext().url(url).nodeId(1).baseDirectory(base)
                .pageStore(new InMemoryPageStore(1, 8192, new InMemoryDisk(8192)));
            final PortConflictException ex = assertThrows(PortConflictException.class, () -> Dms.launch(ctx));
            final long pid = ProcessHandle.current().pid();
            assertEquals(1, ex.nodeId());
            assertEquals(ports[1], ex.port());
            assertTrue(ex.getMessage().startsWith("port conflict, node not started: nodeId=1, address=127.0.0.1:" +
                ports[1] + ", holder={protocol=udp"), ex.getMessage());
            assertTrue(ex.getMessage().contains("pid=" + pid + ", command="), ex.getMessage());
            assertTrue(ex.getMessage().contains("java"), ex.getMessage());
            assertEquals(pid, ex.holders().get(0).pid());
            assertFalse(new File(base, "node-1").exists(), "nothing may be left half-started");
        }
    }
}
