package io.respool.examples.cluster;

import io.respool.testsupport.FreePorts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Free loopback ports and an output that goes both to the test log and to a buffer the test can search.
 */
final class ClusterTestSupport
{
    private ClusterTestSupport()
    {
    }

    /**
     * @return distinct ports free for both UDP and TCP on loopback.
     */
    static int[] freePorts(final int count) throws IOException
    {
        return FreePorts.freePorts(count);
    }

    static String url(final int[] ports)
    {
        return "0:127.0.0.1:" + ports[0] + ",1:127.0.0.1:" + ports[1];
    }

    /**
     * A print stream that writes to {@code System.out} and keeps a copy.
     */
    static final class TeeOutput
    {
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                System.out.write(b);
                synchronized (copy)
                {
                    copy.write(b);
                }
            }

            @Override
            public void write(final byte[] b, final int off, final int len)
            {
                System.out.write(b, off, len);
                synchronized (copy)
                {
                    copy.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);

        String text()
        {
            out.flush();
            synchronized (copy)
            {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
