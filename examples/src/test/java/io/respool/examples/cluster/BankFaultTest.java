package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bank test across processes, as {@code bin/cluster-demo --bank} runs it, its short CI form: one epoch with
 * a pause below the lease (no failover), a pause of the primary beyond the lease (a failover; it is resumed and
 * must be fenced), a kill -9 of the new primary, then the cluster restarted over its data to check: every read saw the
 * total, every acknowledged transfer is in the WALs once, the balances match the logged transfers, check clean.
 */
class BankFaultTest
{
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldConserveTheTotalAndEveryAcknowledgedTransferThroughKillsAndPauses(@TempDir final Path dir)
        throws Exception
    {
        final String[] args = {
            "--bank",
            "-D" + ClusterConfig.DIR_PROP_NAME + "=" + dir.resolve("cluster"),
            "-D" + ClusterConfig.DMS_DIR_PROP_NAME + "=" + dir.resolve("dms"),
            "-D" + ClusterConfig.DMS_URL_PROP_NAME + "=" + ClusterTestSupport.url(ClusterTestSupport.freePorts(2)),
            "-D" + ClusterConfig.IMAGE_SIZE_PROP_NAME + "=64G",
            "-D" + ClusterConfig.CHECKPOINT_MS_PROP_NAME + "=300",
            // seed 11: one epoch of a short pause of node 0, a pause of node 0 beyond the lease, a kill -9 of node 1
            "-D" + ClusterConfig.SEED_PROP_NAME + "=11",
            "-D" + BankRun.FAULTS_PROP_NAME + "=3",
            "-D" + ClusterConfig.TIMEOUT_PROP_NAME + "=120",
        };
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, output.out);
        final String text = output.text();
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), outcome.error() + "\n" + text);
        assertTrue(text.contains("FAULT #3"), text);
        assertTrue(text.contains("below the 2000 ms self-fence"), text);
        assertTrue(text.contains("beyond the 4000 ms lease"), text);
        assertTrue(text.contains("kill -9 node 1"), text);
        // after the failover the old primary came back as a standby and read the total (every read 64000)
        assertTrue(text.matches("(?s).*node 0 rejoined and read the total \\d+ times as a standby.*"), text);
        assertTrue(text.contains("1 rejoins of the old primary as a standby"), text);
        assertTrue(text.contains("recovered the table at start"), text);
        assertTrue(text.contains("PASSED: total conserved"), text);
    }
}
