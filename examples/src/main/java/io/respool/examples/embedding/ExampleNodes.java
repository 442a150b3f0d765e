package io.respool.examples.embedding;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/**
 * The node list the DMS examples use: {@code -Drespool.example.dms.url}, or two free UDP ports on loopback.
 */
final class ExampleNodes
{
    /** The DMS node list of the examples. */
    static final String URL_PROP_NAME = "respool.example.dms.url";

    private ExampleNodes()
    {
    }

    static String url() throws IOException
    {
        final String url = System.getProperty(URL_PROP_NAME);
        if (url != null)
        {
            return url;
        }
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return "0:127.0.0.1:" + a.getLocalPort() + ",1:127.0.0.1:" + b.getLocalPort();
        }
    }
}
