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

    /**
     * The settings of a short failover run in a test directory.
     *
     * @param flags the run's flags first ({@code --fault kill9}, {@code --cm} ...).
     */
    static String[] failoverArgs(final java.nio.file.Path dir, final String url, final long rows, final long updates,
        final long rate, final long faultAfter, final long timeoutSeconds, final String... flags)
    {
        final java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(flags));
        args.addAll(java.util.List.of(
            "-D" + ClusterConfig.DIR_PROP_NAME + "=" + dir.resolve("cluster"),
            "-D" + ClusterConfig.DMS_DIR_PROP_NAME + "=" + dir.resolve("dms"),
            "-D" + ClusterConfig.DMS_URL_PROP_NAME + "=" + url,
            "-D" + ClusterConfig.IMAGE_SIZE_PROP_NAME + "=64G",
            "-D" + ClusterConfig.ROWS_PROP_NAME + "=" + rows,
            "-D" + ClusterConfig.UPDATES_PROP_NAME + "=" + updates,
            "-D" + ClusterConfig.RATE_PROP_NAME + "=" + rate,
            "-D" + ClusterConfig.CHECKPOINT_MS_PROP_NAME + "=300",
            "-D" + ClusterDemo.FAULT_AFTER_PROP_NAME + "=" + faultAfter,
            "-D" + ClusterConfig.TIMEOUT_PROP_NAME + "=" + timeoutSeconds));
        return args.toArray(new String[0]);
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
