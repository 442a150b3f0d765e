package io.respool.testsupport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback ports free for both UDP (Aeron) and TCP (the embedded control paths), distinct from each other.
 */
public final class FreePorts
{
    private FreePorts()
    {
    }

    /**
     * @param count how many ports.
     * @return distinct ports that were free for both UDP and TCP on loopback when asked.
     * @throws IOException if the OS gives no socket.
     */
    public static int[] freePorts(final int count) throws IOException
    {
        final int[] ports = new int[count];
        // Every UDP socket stays open until all are found so that no two ports come out the same.
        final List<DatagramSocket> held = new ArrayList<>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                while (true)
                {
                    final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                    final int port = socket.getLocalPort();
                    try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
                    {
                        held.add(socket);
                        ports[i] = port;
                        break;
                    }
                    catch (final IOException ex)
                    {
                        socket.close();
                    }
                }
            }
        }
        finally
        {
            held.forEach(DatagramSocket::close);
        }
        return ports;
    }
}
