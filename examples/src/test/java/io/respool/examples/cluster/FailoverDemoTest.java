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
 * The launcher then starts node 0 again: the arbiter admits it back (view 3), DMS re-forms (JOIN) and it reads the
 * finished table through DMS as a standby. Then the same with {@code --fault sigstop} over the same image.
 */
class FailoverDemoTest
{
    private static final long ROWS = 300;
    /**
     * Enough that node 0 is still writing when the fault lands: the launcher counts node 0's commits from its output
     * lines, which once lagged 987 commits (0.7 s) behind on this VM, and a fault after the last commit leaves the new
     * primary nothing to write (no first commit, the run times out).
     */
    private static final long UPDATES = 4000;
    private static final long FAULT_AFTER = 800;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedCommitWhenThePrimaryIsKilledOrPausedMidLoad(@TempDir final Path dir)
        throws Exception
    {
        final String url = ClusterTestSupport.url(ClusterTestSupport.freePorts(2));
        final String first = assertFailoverPassed(run(dir, url, "kill9"));
        assertTrue(first.contains("creating image"), first);
        assertTrue(first.contains("fenced off volume group data: "), first);

        // the same image again: the arbiter's area zeroed (instance 0, registered again by its rejoin, may have
        // been fenced again as the run stopped: the launcher then lifts it); a primary paused on this host past the
        // self-fence timeout is killed by the arbiter (or the DSS kick)
        final String second = assertFailoverPassed(run(dir, url, "sigstop"));
        assertTrue(second.contains("reusing image"), second);
        assertTrue(second.contains("fenced off volume group data: "), second);
    }

    private static Run run(final Path dir, final String url, final String fault)
    {
        final String[] args = ClusterTestSupport.failoverArgs(dir, url, ROWS, UPDATES, 1500, FAULT_AFTER, 90,
            "--fault", fault);
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        return new Run(ClusterDemo.run(args, output.out), output.text());
    }

    private record Run(ClusterDemo.Outcome outcome, String text)
    {
    }

    private static String assertFailoverPassed(final Run run)
    {
        final String text = run.text();
        final FailoverSummary summary = run.outcome().failover();
        assertNotNull(summary, text);
        assertEquals(List.of(), summary.problems(), text);
        assertEquals(ClusterDemo.EXIT_PASSED, run.outcome().exitStatus(), text);
        assertTrue(summary.ackedBeforeFault() >= FAULT_AFTER, text);
        assertEquals(summary.ackedBeforeFault(), summary.presentAfter(), text);
        assertTrue(summary.recoveredCommits() >= summary.ackedBeforeFault(), text);
        assertEquals(1 + ROWS + UPDATES, summary.recoveredCommits() + summary.newPrimaryCommits(), text);
        assertTrue(summary.newPrimaryCommits() > 0, text);
        for (final long phase : summary.phaseMs())
        {
            assertTrue(phase >= 0, text);
        }
        assertTrue(summary.totalMs() > 0, text);
        assertTrue(text.contains("clean (dsscmd check -g data"), text);
        assertTrue(text.contains("PASSED: no acknowledged commit lost"), text);
        final RejoinSummary rejoin = run.outcome().rejoin();
        assertNotNull(rejoin, text);
        assertEquals(List.of(), rejoin.problems(), text);
        assertEquals(3, rejoin.view(), text);
        assertTrue(rejoin.checked() && rejoin.passes() >= 1, text);
        assertTrue(text.contains("new primary waits for node 0 to rejoin"), text);
        return text;
    }
}
