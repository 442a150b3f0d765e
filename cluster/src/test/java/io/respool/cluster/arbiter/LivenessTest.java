package io.respool.cluster.arbiter;

import io.respool.common.process.ProcessIdentity;
import io.respool.dss.arbitration.SectorIo;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LivenessTest
{
    private static final ClusterAreaLayout LAYOUT = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldJudgeAPeerOnlyByChangesOfItsSectorOnTheObserversClock()
    {
        final SimDisk disk = new SimDisk(1);
        final OwnHeartbeat own = heartbeat(disk);
        final ClusterDisk observer = new ClusterDisk(disk.port(1), LAYOUT);
        final PeerWatch watch = new PeerWatch(0, 0);

        own.doWork(at(0), HeartbeatSector.RUNNING, 1, 123_456_789_000L);
        watch.onRead(observer.readHeartbeat(0), 50 * MS);
        watch.onRead(observer.readHeartbeat(0), 450 * MS);

        assertEquals(400 * MS, watch.unchangedNs(450 * MS));
        own.doWork(at(500), HeartbeatSector.RUNNING, 1, 0);
        watch.onRead(observer.readHeartbeat(0), 510 * MS);
        assertEquals(0, watch.unchangedNs(510 * MS));
    }

    @Test
    void shouldTakeATornHeartbeatForNoObservation()
    {
        final SimDisk disk = new SimDisk(2);
        final OwnHeartbeat own = heartbeat(disk);
        final ClusterDisk observer = new ClusterDisk(disk.port(1), LAYOUT);
        own.doWork(at(0), HeartbeatSector.RUNNING, 1, 0);
        final PeerWatch watch = new PeerWatch(0, 0);
        watch.onRead(observer.readHeartbeat(0), 10 * MS);

        disk.damage(LAYOUT.heartbeatOffset(0), 32, 8);
        watch.onRead(observer.readHeartbeat(0), 900 * MS);

        assertEquals(890 * MS, watch.unchangedNs(900 * MS));
        assertEquals(1, watch.invalidReads());
    }

    @Test
    void shouldStopServingWhenItsOwnRenewalsFailAndNeverRecoverByRenewingLater()
    {
        final SimDisk disk = new SimDisk(3);
        final OwnHeartbeat own = heartbeat(disk);
        own.doWork(at(0), HeartbeatSector.RUNNING, 1, 0);
        disk.cutOff(0, true);
        for (long t = 100; t < 1000; t += 100)
        {
            own.doWork(at(t), HeartbeatSector.RUNNING, 1, 0);
        }
        assertTrue(own.mayServe(999 * MS));
        assertFalse(own.mayServe(1000 * MS));

        disk.cutOff(0, false);
        own.doWork(at(1500), HeartbeatSector.RUNNING, 1, 0);

        assertFalse(own.mayServe(1500 * MS), "a node that woke after its self-fence timeout must stay fenced");
        assertEquals(HeartbeatSector.SELF_FENCED,
            new ClusterDisk(disk.port(1), LAYOUT).readHeartbeat(0).state());
    }

    /** The stepped clock the heartbeat reads at its write; {@link #at} moves it to a duty cycle's time. */
    private long clockNs;

    private long at(final long ms)
    {
        clockNs = ms * MS;
        return clockNs;
    }

    private OwnHeartbeat heartbeat(final SimDisk disk)
    {
        return heartbeat(disk.port(0));
    }

    private OwnHeartbeat heartbeat(final SectorIo io)
    {
        return new OwnHeartbeat(new ClusterDisk(io, LAYOUT), () -> clockNs, 0, 7, new ProcessIdentity(5, 6, 7, 8),
            100 * MS, 1000 * MS, 0);
    }

    @Test
    void shouldArmTheSelfFenceOnlyAtTheFirstConfirmedRenewal()
    {
        final SimDisk disk = new SimDisk(4);
        final OwnHeartbeat own = heartbeat(disk);
        disk.cutOff(0, true);
        for (long t = 0; t <= 3000; t += 100)
        {
            own.doWork(at(t), HeartbeatSector.RUNNING, 0, 0);
        }
        assertFalse(own.lapsed(3000 * MS), "a start slower than the self-fence timeout must not fence the node");
        assertFalse(own.mayServe(3000 * MS), "never renewed: it may not serve yet");

        disk.cutOff(0, false);
        own.doWork(at(3100), HeartbeatSector.RUNNING, 0, 0);
        assertTrue(own.mayServe(3100 * MS));
        assertFalse(own.mayServe(4100 * MS));
        assertTrue(own.lapsed(4100 * MS));
        assertEquals(new ProcessIdentity(5, 6, 7, 8), new ClusterDisk(disk.port(1), LAYOUT).readHeartbeat(0).process());
    }

    @Test
    void shouldRefuseALeaseTimeoutShorterThanOneAndAHalfTimesTheSelfFenceTimeout()
    {
        final ArbiterContext ctx = new ArbiterContext().nodeId(0).nodeCount(2).initialView(0b11, 0)
            .selfFenceTimeoutMs(1000).leaseTimeoutMs(1499);

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, ctx::conclude);

        assertEquals("respool.cluster.lease.timeout.ms must be at least 1.5 x self-fence timeout: " +
            "respool.cluster.lease.timeout.ms=1499, minimum=1500", ex.getMessage());
        ctx.leaseTimeoutMs(1500).conclude();
    }

    @Test
    void shouldPlaceTheClusterAreaInsideAllocationUnitZero()
    {
        assertEquals(1536 * 1024 + 4096, LAYOUT.heartbeatOffset(0));
        assertEquals(1536 * 1024 + 132 * 1024 + 8192 + 4096, LAYOUT.paxosOffset(1, 1));
        assertTrue(LAYOUT.paxosOffset(ClusterAreaLayout.MAX_NODES - 1, 1) + 4096 <= 2 * 1024 * 1024);
        assertThrows(IllegalArgumentException.class, () -> LAYOUT.heartbeatOffset(ClusterAreaLayout.MAX_NODES));
    }
}
