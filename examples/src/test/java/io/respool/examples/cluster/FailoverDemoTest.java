package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The failover run of the main job, as {@code bin/cluster-demo --fault kill9} runs it: two node JVMs under the
 * embedded disk arbiter, node 0 (the primary) {@code kill -9}-ed mid-load; node 1 sees its disk heartbeat stop,
 * fences it off the volume group, re-forms DMS, replays its WAL with recovery-only access, takes over writing and
 * finishes the workload. Every commit acknowledged before the kill must be there, and the volume group check clean.
 */
class FailoverDemoTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedCommitWhenThePrimaryIsKilledMidLoad(@TempDir final Path dir) throws Exception
    {
        final String[] args = {
            "--fault", "kill9",
            "-D" + ClusterConfig.DIR_PROP_NAME + "=" + dir.resolve("cluster"),
            "-D" + ClusterConfig.DMS_DIR_PROP_NAME + "=" + dir.resolve("dms"),
            "-D" + ClusterConfig.DMS_URL_PROP_NAME + "=" + ClusterTestSupport.url(ClusterTestSupport.freePorts(2)),
            "-D" + ClusterConfig.IMAGE_SIZE_PROP_NAME + "=64G",
            "-D" + ClusterConfig.ROWS_PROP_NAME + "=300",
            "-D" + ClusterConfig.UPDATES_PROP_NAME + "=3000",
            "-D" + ClusterConfig.RATE_PROP_NAME + "=1000",
            "-D" + ClusterConfig.CHECKPOINT_MS_PROP_NAME + "=300",
            "-D" + ClusterDemo.FAULT_AFTER_PROP_NAME + "=1200",
            "-D" + ClusterConfig.TIMEOUT_PROP_NAME + "=90",
        };
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, output.out);
        final String text = output.text();
        final FailoverSummary summary = outcome.failover();
        assertNotNull(summary, text);
        assertEquals(List.of(), summary.problems(), text);
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), text);
        assertTrue(summary.ackedBeforeFault() >= 1200, text);
        assertEquals(summary.ackedBeforeFault(), summary.presentAfter(), text);
        assertTrue(summary.recoveredCommits() >= summary.ackedBeforeFault(), text);
        assertEquals(1 + 300 + 3000, summary.recoveredCommits() + summary.newPrimaryCommits(), text);
        assertTrue(summary.newPrimaryCommits() > 0, text);
        for (final long phase : summary.phaseMs())
        {
            assertTrue(phase >= 0, text);
        }
        assertTrue(text.contains("clean (dsscmd check -g data"), text);
        assertTrue(text.contains("PASSED: no acknowledged commit lost"), text);
    }
}
