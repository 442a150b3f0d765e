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
 * primary to node 1: node 0 demotes (writer stopped, WAL durable, hand-over checkpoint) and reads on as a standby
 * with pages shipped from node 1, node 1 replays node 0's WAL tail and writes as the primary. An eighth into the
 * rest, {@code cmctl switchover -n 1} moves it back: node 0 finishes the workload, node 1 reads it all. Both
 * processes stay the same; no acknowledged commit is lost at either switch.
 */
class CmSwitchoverTest
{
    private static final long ROWS = 300;
    private static final long UPDATES = 8000;
    private static final long SWITCH_AFTER = 800;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMoveThePrimaryToTheStandbyAndBackWithBothAliveAndNoCommitLost(@TempDir final Path dir)
        throws Exception
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
        assertEquals(2, summary.switches().size(), text);
        final SwitchoverSummary.Switch there = summary.switches().get(0);
        final SwitchoverSummary.Switch back = summary.switches().get(1);
        assertEquals(0, there.from(), text);
        assertEquals(1, there.to(), text);
        // no acknowledged commit lost: every commit the old primary acknowledged is what the new one took over
        assertTrue(there.ackedByOld() >= SWITCH_AFTER, text);
        assertEquals(there.ackedByOld(), there.recoveredCommits(), text);
        assertEquals(0, there.lost(), text);
        assertEquals(back.ackedByOld(), back.recoveredCommits(), text);
        assertEquals(0, back.lost(), text);
        // the new primary writes (node 1 between the switches, node 0 to the workload's end)
        assertTrue(there.newPrimaryCommits() > 0 && back.newPrimaryCommits() > 0, text);
        assertEquals(there.recoveredCommits() + there.newPrimaryCommits(), back.recoveredCommits(), text);
        assertEquals(1 + ROWS + UPDATES, back.recoveredCommits() + back.newPrimaryCommits(), text);
        for (final SwitchoverSummary.Switch s : summary.switches())
        {
            assertTrue(s.switchMs() > 0 && s.writeGapMs() > 0 && s.writeGapMs() <= s.switchMs(), text);
        }
        // the old one reads: as a standby, pages shipped from the new primary
        assertTrue(text.contains("node 0 | demoted: node 0 is a standby in MembershipView{version=2"), text);
        assertTrue(text.contains("node 1 | demoted: node 1 is a standby in MembershipView{version=3"), text);
        assertTrue(text.matches("(?s).*node 0 \\| standby stopped reading: a switchover makes it the primary; " +
            "\\d+ passes over the table through DMS, pages from the new primary: [1-9].*"), text);
        assertTrue(text.matches("(?s).*node 1 \\| STANDBY CHECKED \\d+ passes over the table through DMS, pages " +
            "from the new primary: [1-9].*holds the whole workload.*"), text);
        assertTrue(text.contains("cmctl: switchover successfully: node 2 is Primary."), text);
        assertTrue(text.contains("cmctl: switchover successfully: node 1 is Primary."), text);
    }
}
