package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The planned switchover run, as {@code bin/cluster-demo --switchover} runs it: agents (real JVMs) run both nodes;
 * once node 0 acknowledged {@link #SWITCH_AFTER} commits, {@code cmctl switchover -n 2} (its own JVM) moves the
 * primary to node 1: node 0 demotes (writer stopped, WAL durable, hand-over checkpoint) and reads on as a standby
 * with pages shipped from node 1, node 1 replays node 0's WAL tail and writes as the primary. Both processes stay
 * the same; no acknowledged commit is lost. CI runs the one switch (about 23 s); the run there and back, an eighth
 * into the rest {@code cmctl switchover -n 1} (about 33 s: two more cmctl JVMs and a longer workload), runs with
 * {@code -Drespool.test.switchover.back=true}.
 */
class CmSwitchoverTest
{
    private static final long ROWS = 300;
    private static final long SWITCH_AFTER = 800;
    private static final boolean BACK = Boolean.getBoolean("respool.test.switchover.back");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMoveThePrimaryToTheStandbyWithBothAliveAndNoCommitLost(@TempDir final Path dir) throws Exception
    {
        final long updates = 3000;
        final Run run = run(dir, updates, false);
        final SwitchoverSummary.Switch there = run.summary.switches().get(0);
        assertEquals(1, run.summary.switches().size(), run.text);
        assertEquals(1 + ROWS + updates, there.recoveredCommits() + there.newPrimaryCommits(), run.text);
        assertTrue(run.text.matches("(?s).*node 0 \\| STANDBY CHECKED \\d+ passes over the table through DMS, pages " +
            "from the new primary: [1-9].*holds the whole workload.*"), run.text);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMoveThePrimaryToTheStandbyAndBackWithBothAliveAndNoCommitLost(@TempDir final Path dir) throws Exception
    {
        assumeTrue(BACK, "the run there and back: run it with -Drespool.test.switchover.back=true");
        final long updates = 8000;
        final Run run = run(dir, updates, true);
        final String text = run.text;
        assertEquals(2, run.summary.switches().size(), text);
        final SwitchoverSummary.Switch there = run.summary.switches().get(0);
        final SwitchoverSummary.Switch back = run.summary.switches().get(1);
        assertEquals(back.ackedByOld(), back.recoveredCommits(), text);
        assertEquals(0, back.lost(), text);
        assertTrue(back.newPrimaryCommits() > 0, text);
        assertEquals(there.recoveredCommits() + there.newPrimaryCommits(), back.recoveredCommits(), text);
        assertEquals(1 + ROWS + updates, back.recoveredCommits() + back.newPrimaryCommits(), text);
        assertTrue(back.switchMs() > 0 && back.writeGapMs() > 0 && back.writeGapMs() <= back.switchMs(), text);
        assertTrue(text.contains("node 1 | demoted: node 1 is a standby in MembershipView{version=3"), text);
        assertTrue(text.matches("(?s).*node 0 \\| standby stopped reading: a switchover makes it the primary; " +
            "\\d+ passes over the table through DMS, pages from the new primary: [1-9].*"), text);
        assertTrue(text.matches("(?s).*node 1 \\| STANDBY CHECKED \\d+ passes over the table through DMS, pages " +
            "from the new primary: [1-9].*holds the whole workload.*"), text);
        assertTrue(text.contains("cmctl: switchover successfully: node 1 is Primary."), text);
    }

    private record Run(SwitchoverSummary summary, String text)
    {
    }

    /**
     * Run it, and check what holds for the first switch either way: it completed, node 1 took over exactly the
     * commits node 0 acknowledged and wrote as the primary, node 0 became a standby.
     */
    private static Run run(final Path dir, final long updates, final boolean back) throws Exception
    {
        final String url = ClusterTestSupport.url(ClusterTestSupport.freePorts(2));
        final String[] args = ClusterTestSupport.failoverArgs(dir, url, ROWS, updates, 1000, SWITCH_AFTER, 90,
            "--switchover", "-D" + SwitchoverRun.BACK_PROP_NAME + "=" + back);
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, output.out);
        final String text = output.text();

        final SwitchoverSummary summary = outcome.switchover();
        assertNotNull(summary, text);
        assertEquals(List.of(), summary.problems(), text);
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), text);
        final SwitchoverSummary.Switch there = summary.switches().get(0);
        assertEquals(0, there.from(), text);
        assertEquals(1, there.to(), text);
        // no acknowledged commit lost: every commit node 0 acknowledged is what node 1 took over, no more, no less
        assertTrue(there.ackedByOld() >= SWITCH_AFTER, text);
        assertEquals(there.ackedByOld(), there.recoveredCommits(), text);
        assertEquals(0, there.lost(), text);
        // the new primary writes
        assertTrue(there.newPrimaryCommits() > 0, text);
        assertTrue(there.switchMs() > 0 && there.writeGapMs() > 0 && there.writeGapMs() <= there.switchMs(), text);
        // the old one reads: as a standby, pages shipped from the new primary
        assertTrue(text.contains("node 0 | demoted: node 0 is a standby in MembershipView{version=2"), text);
        assertTrue(text.contains("cmctl: switchover successfully: node 2 is Primary."), text);
        return new Run(summary, text);
    }
}
