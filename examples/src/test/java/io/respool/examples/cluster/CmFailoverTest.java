package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The failover run with the cluster manager running the nodes, as {@code bin/cluster-demo --fault kill9 --cm} runs
 * it: one agent per node (real agent JVMs) starts the node processes from cm_resource.json; {@code cmctl query
 * -Cvipd} (its own JVM) shows them Primary / Standby and Normal; the primary gets {@code kill -9}; node 1 fails over
 * and finishes the workload with every acknowledged commit present; the agent restarts the killed node (counted,
 * a new pid), which rejoins through the arbiter (admitted in view 3, DMS JOIN reform) and reads the table through
 * DMS as a standby until it holds the whole workload; query then shows node 1 Primary Normal and node 0 Standby
 * Normal in view 3.
 */
class CmFailoverTest
{
    private static final long ROWS = 300;
    private static final long UPDATES = 15000;
    private static final long FAULT_AFTER = 800;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldLetTheAgentsRunTheNodesThroughAKillAndBringTheKilledNodeBackAsAStandby(@TempDir final Path dir)
        throws Exception
    {
        final String url = ClusterTestSupport.url(ClusterTestSupport.freePorts(2));
        final String[] args = ClusterTestSupport.failoverArgs(dir, url, ROWS, UPDATES, 1000, FAULT_AFTER, 120,
            "--fault", "kill9", "--cm");
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, output.out);
        final String text = output.text();

        final FailoverSummary summary = outcome.failover();
        assertNotNull(summary, text);
        assertEquals(List.of(), summary.problems(), text);
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), text);
        assertTrue(summary.ackedBeforeFault() >= FAULT_AFTER, text);
        assertEquals(summary.ackedBeforeFault(), summary.presentAfter(), text);
        assertEquals(1 + ROWS + UPDATES, summary.recoveredCommits() + summary.newPrimaryCommits(), text);

        final CmFaultRun.CmView cm = outcome.cm();
        assertNotNull(cm, text);
        assertTrue(cm.beforeFault().contains("[  Datanode State   ]"), cm.beforeFault());
        assertTrue(cm.beforeFault().contains("P Primary Normal"), cm.beforeFault());
        assertTrue(cm.beforeFault().contains("S Standby Normal"), cm.beforeFault());
        assertTrue(cm.afterFailover().contains("view_version    : 3 (members 1 2, primary 2"), cm.afterFailover());
        assertTrue(cm.afterFailover().contains("P Standby Normal"), cm.afterFailover());
        assertTrue(cm.afterFailover().contains("S Primary Normal"), cm.afterFailover());
        assertTrue(cm.restarts() >= 1, text);
        assertTrue(cm.restartedPid() > 0, text);

        // the killed node's new process was admitted in the view after the failover's and checked the table
        final RejoinSummary rejoin = outcome.rejoin();
        assertNotNull(rejoin, text);
        assertEquals(List.of(), rejoin.problems(), text);
        assertEquals(3, rejoin.view(), text);
        assertTrue(rejoin.checked(), text);
        assertTrue(rejoin.passes() >= 1 && rejoin.admittedMs() > 0, text);
        assertTrue(text.contains("REJOINED in view MembershipView{version=3"), text);
        assertTrue(text.contains("JOIN, serving MembershipView{version=3"), text);

        // the agents ran the nodes: the killed one's restart is in its agent's log, with CM's line
        final String agentLog = Files.readString(dir.resolve("cluster/cm/node1/cm_agent.log"));
        assertTrue(agentLog.contains("inst(6001) is offline: process killed by signal 9"), agentLog);
        assertTrue(agentLog.contains("inst(6001) has been restart (1) times"), agentLog);
    }

    /**
     * {@code --pause}: the operator pauses the cluster before the kill; for two leases nothing happens by itself (the
     * arbiter withholds the kick-out, the agent the restart); {@code cmctl failover -n 2} then promotes node 1 with
     * every acknowledged commit, and {@code cmctl resume} lets the agent restart node 0, which rejoins. About 30 s, so
     * not in CI (the automatic failover above is): run it with {@code -Drespool.test.paused.failover=true}.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldFailOverAPausedClusterOnlyOnTheOperatorsFailoverAndRestartTheKilledNodeOnResume(@TempDir final Path dir)
        throws Exception
    {
        assumeTrue(Boolean.getBoolean("respool.test.paused.failover"),
            "the paused failover run (about 30 s): run it with -Drespool.test.paused.failover=true");
        final String url = ClusterTestSupport.url(ClusterTestSupport.freePorts(2));
        final String[] args = ClusterTestSupport.failoverArgs(dir, url, ROWS, UPDATES, 1000, FAULT_AFTER, 150,
            "--fault", "kill9", "--cm", "--pause");
        final ClusterTestSupport.TeeOutput output = new ClusterTestSupport.TeeOutput();
        final ClusterDemo.Outcome outcome = ClusterDemo.run(args, output.out);
        final String text = output.text();

        assertEquals(List.of(), outcome.failover().problems(), text);
        assertEquals(ClusterDemo.EXIT_PASSED, outcome.exitStatus(), text);
        assertEquals(outcome.failover().ackedBeforeFault(), outcome.failover().presentAfter(), text);
        final PausedFailover.Result paused = outcome.cm().paused();
        assertNotNull(paused, text);
        assertEquals(List.of(), paused.problems(), text);
        assertTrue(paused.queryWhilePaused().contains("pausing         : Yes"), paused.queryWhilePaused());
        assertTrue(paused.queryWhilePaused().contains("restart withheld, the cluster is paused"),
            paused.queryWhilePaused());
        assertTrue(paused.failoverOutput().contains("cmctl: failover successfully: node 2 is Primary."), text);
        assertTrue(text.contains("kick out of node(0) withheld: the cluster is paused"), text);
        assertEquals(3, outcome.rejoin().view(), text);
        assertTrue(outcome.rejoin().checked(), text);
    }
}
