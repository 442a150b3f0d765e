package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The planned switchover run, as {@code bin/cluster-demo --switchover} runs it: agents (real JVMs) run both nodes;
 * once node 0 acknowledged {@link #SWITCH_AFTER} commits, {@code cmctl switchover -n 2} (its own JVM) moves the
 * primary to node 1: node 0 demotes (writer stopped, WAL durable, hand-over checkpoint), node 1 replays node 0's
 * WAL tail and finishes the workload as the writer, node 0 reads on as a standby with pages shipped from node 1.
 * Both processes stay the same; no acknowledged commit is lost.
 */
class CmSwitchoverTest
{
    private static final long ROWS = 300;
    private static final long UPDATES = 3000;
    private static final long SWITCH_AFTER = 800;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMoveThePrimaryToTheStandbyWithBothAliveAndNoCommitLost(@TempDir final Path dir) throws Exception
    {
        final String url = ClusterTestSupport.url(ClusterTestSupport.freePorts(2));
        final String[] args = ClusterTestSupport.failoverArgs(dir, url, ROWS, UPDATES, 1000, SWITCH_AFTER, 90,
            "--switchover");
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, output.out);
        final String text = output.text();

        final SwitchoverSummary summary = outcome.switchover();
        assertNotNull(summary, text);
        assertEquals(List.of(), summary.problems(), text);
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), text);
        // no acknowledged commit lost: every commit node 0 acknowledged is what node 1 took over, no more, no less
        assertTrue(summary.ackedByOld() >= SWITCH_AFTER, text);
        assertEquals(summary.ackedByOld(), summary.recoveredCommits(), text);
        assertEquals(0, summary.lost(), text);
        // the new primary writes: the rest of the workload
        assertTrue(summary.newPrimaryCommits() > 0, text);
        assertEquals(1 + ROWS + UPDATES, summary.recoveredCommits() + summary.newPrimaryCommits(), text);
        assertTrue(summary.switchMs() > 0 && summary.writeGapMs() > 0 && summary.writeGapMs() <= summary.switchMs(),
            text);
        // the old one reads: as a standby, pages shipped from the new primary
        assertTrue(text.contains("demoted: node 0 is a standby in MembershipView{version=2"), text);
        assertTrue(text.matches("(?s).*STANDBY CHECKED \\d+ passes over the table through DMS, pages from the new " +
            "primary: [1-9].*holds the whole workload.*"), text);
        assertTrue(text.contains("cmctl: switchover successfully: node 2 is Primary."), text);
    }
}
