package io.respool.examples.cluster;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bin/cluster-demo --fault partition}: each node in its own network namespace, node 0 (the primary) cut off
 * mid-load while both keep the disk. The partition rule decides: node 1 fences itself, node 0 removes it, keeps its
 * role and finishes the workload; every commit acknowledged before the cut is in its WAL. Needs the right to create
 * network namespaces (root): skipped, with the reason, where it is missing.
 */
class PartitionRunTest
{
    private static final long ROWS = 300;
    private static final long UPDATES = 4000;
    private static final long FAULT_AFTER = 800;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldKeepThePrimaryAndFenceTheStandbyWhenThePrimaryIsCutOff(@TempDir final Path dir) throws Exception
    {
        assumeNamespaces();
        final String url = ClusterTestSupport.url(ClusterTestSupport.freePorts(2));
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(ClusterTestSupport.failoverArgs(dir, url, ROWS, UPDATES,
            1000, FAULT_AFTER, 100, "--fault", "partition"), output.out);
        final String text = output.text();
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), text);
        assertTrue(text.contains("FAULT partition: node 0's link down"), text);
        assertTrue(text.contains("node 1 | FENCED by the arbiter"), text);
        assertTrue(text.contains("not heard on the UDP lane"), text);
        assertTrue(text.contains("PASSED: the primary kept its role"), text);
        assertTrue(text.contains("of the workload's " + (1 + ROWS + UPDATES) + " (none lost)"), text);
    }

    private static void assumeNamespaces()
    {
        try
        {
            NetnsLinks.create(1, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).close();
        }
        catch (final RuntimeException ex)
        {
            Assumptions.abort("cannot create network namespaces here (" + ex.getMessage() + "); run as root with " +
                "iproute2 to run the partition test");
        }
    }
}
