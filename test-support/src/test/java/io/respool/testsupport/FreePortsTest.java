package io.respool.testsupport;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortsTest
{
    @Test
    void portsAreDistinctAndBindableForUdpAndTcp() throws Exception
    {
        final int[] ports = FreePorts.freePorts(4);
        assertEquals(4, Arrays.stream(ports).distinct().count());
        for (final int port : ports)
        {
            assertTrue(port > 0);
            try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
            {
                assertEquals(port, udp.getLocalPort());
                assertEquals(port, tcp.getLocalPort());
            }
        }
    }
}
