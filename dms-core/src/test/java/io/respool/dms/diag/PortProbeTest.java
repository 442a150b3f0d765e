package io.respool.dms.diag;

import io.respool.dms.api.PortHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortProbeTest
{
    @Test
    void shouldFindThisProcessHoldingAUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            final List<PortHolder> holders = new PortProbe().holders("127.0.0.1", socket.getLocalPort());
            assertEquals(1, holders.size(), holders::toString);
            final PortHolder holder = holders.get(0);
            assertTrue(holder.protocol().startsWith("udp"), holder::toString);
            assertEquals(ProcessHandle.current().pid(), holder.pid());
            assertTrue(holder.command().contains("java"), holder::toString);
        }
    }

    @Test
    void shouldFindATcpListenerOnTheWildcardAddress() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            final List<PortHolder> holders = new PortProbe().holders("127.0.0.1", socket.getLocalPort());
            assertFalse(holders.isEmpty());
            assertEquals(ProcessHandle.current().pid(), holders.get(0).pid());
        }
    }

    @Test
    void shouldReportAFreePortAsFree() throws Exception
    {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        assertTrue(new PortProbe().holders("127.0.0.1", port).isEmpty());
    }

    @Test
    void shouldDecodeProcNetAddresses()
    {
        final byte[] v4 = PortProbe.decodeAddress("0100007F");
        assertArrayEquals(new byte[] { 127, 0, 0, 1 }, v4);
        assertTrue(PortProbe.overlaps(new byte[] { 127, 0, 0, 1 }, new byte[4]));
        assertFalse(PortProbe.overlaps(new byte[] { 127, 0, 0, 1 }, new byte[] { 127, 0, 0, 2 }));
    }
}
