package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A short run of the main job through the launcher, as {@code bin/cluster-demo} runs it: two node JVMs on free
 * loopback ports, a small sparse image in a temporary directory; then a second run over the same directory, which
 * must reuse the image.
 */
class ClusterDemoTest
{
    private static final long ROWS = 300;
    private static final long ROWS_AGAIN = 100;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReadBackEveryRowWrittenWithPagesShippedAndRunAgainOnTheSameImage(@TempDir final Path dir)
        throws Exception
    {
        final String[] args = {
            "-D" + ClusterConfig.DIR_PROP_NAME + "=" + dir.resolve("cluster"),
            "-D" + ClusterConfig.DMS_DIR_PROP_NAME + "=" + dir.resolve("dms"),
            "-D" + ClusterConfig.DMS_URL_PROP_NAME + "=" + ClusterTestSupport.url(ClusterTestSupport.freePorts(2)),
            "-D" + ClusterConfig.IMAGE_SIZE_PROP_NAME + "=64G",
            "-D" + ClusterConfig.ROWS_PROP_NAME + "=" + ROWS,
            "-D" + ClusterConfig.UPDATES_PROP_NAME + "=2000",
            "-D" + ClusterConfig.RATE_PROP_NAME + "=3000",
            "-D" + ClusterConfig.TIMEOUT_PROP_NAME + "=60",
        };

        final ClusterTestSupport.TeeOutput first = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, first.out);
        assertSummaryPassed(outcome, ROWS, first.text());
        assertTrue(first.text().contains("creating image"), first.text());

        // a second, smaller run over the same directory: the image and volume group are reused
        final String[] again = Arrays.copyOf(args, args.length + 2);
        again[args.length] = "-D" + ClusterConfig.ROWS_PROP_NAME + "=" + ROWS_AGAIN;
        again[args.length + 1] = "-D" + ClusterConfig.UPDATES_PROP_NAME + "=500";
        final ClusterTestSupport.TeeOutput second = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcomeAgain = ClusterDemo.run(again, second.out);
        assertSummaryPassed(outcomeAgain, ROWS_AGAIN, second.text());
        assertTrue(second.text().contains("reusing image"), second.text());
    }

    private static void assertSummaryPassed(final ClusterDemo.Outcome outcome, final long rows, final String output)
    {
        final ClusterSummary summary = outcome.summary();
        assertNotNull(summary, output);
        assertEquals(List.of(), summary.problems(), output);
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), output);
        assertEquals(rows, summary.rowsWritten(), output);
        assertEquals(summary.rowsWritten(), summary.rowsRead(), output);
        assertTrue(summary.requests2Way() > 0, output);
        assertTrue(summary.pagesFromPeer() > 0, output);
        assertEquals(0, summary.readerDiskReads(), output);
        assertTrue(output.contains("PASSED"), output);
        // each node on its own embedded driver: UDP, and the summary says so for each direction
        assertTrue(output.contains("DMS transport        node 0 to node 1 over Aeron UDP, node 1 to node 0 over " +
            "Aeron UDP"), output);
    }
}
