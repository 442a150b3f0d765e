package io.respool.cluster.arbiter;

import io.respool.common.process.ProcessIdentity;
import io.respool.dss.arbitration.SectorIo;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-fence rule against the time of the heartbeat's write itself, on a stepped clock that the disk moves when
 * a read or a write stalls (self-fence timeout 1000 ms, interval 100 ms). The rule: the node may serve while the
 * write of its last confirmed renewal began less than the timeout ago; a renewal whose write returns after the gate
 * closed does not reopen it; and the gap statistic counts what the rule counts, a stalled write included.
 */
class SelfFenceClockTest
{
    private static final ClusterAreaLayout LAYOUT = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final SimDisk disk = new SimDisk(11);
    private final StallingPort port = new StallingPort(disk.port(0));
    private final OwnHeartbeat own = new OwnHeartbeat(new ClusterDisk(port, LAYOUT), () -> port.clockNs, 0, 7,
        new ProcessIdentity(5, 6, 7, 8), 100 * MS, 1000 * MS, 0);

    /**
     * The false self-fence of the soak, reduced: the own-sector read before a renewal (checked for a successor)
     * stalls 500 ms, then the thread does not run for 550 ms. The write began at 700 ms and no peer can have seen it
     * earlier, so the lease runs from there; counted from the duty cycle's time (200 ms, before the read) the node
     * fenced itself at 1250 ms though its renewal's write had begun 550 ms before.
     */
    @Test
    void shouldCountTheLeaseFromTheWriteNotFromTheDutyCycleBeforeAStalledRead()
    {
        cycle(0);
        cycle(100);
        port.readStallNs = 500 * MS;
        cycle(200);
        assertEquals(700 * MS, port.clockNs, "the renewal's write began after the stalled read");

        assertTrue(own.mayServe(1250 * MS), "the last confirmed renewal's write began 550 ms before");
        assertFalse(own.lapsed(1250 * MS));
        cycle(1250);
        assertTrue(own.mayServe(2249 * MS));
        assertFalse(own.expired());
        assertFalse(own.mayServe(2250 * MS), "the rule still holds: 1000 ms after the last write began");
    }

    /**
     * A write blocked 1200 ms in the kernel: the gate closes 1000 ms after the previous write began while the
     * write is still in progress (shown as such), and when it returns the node stays fenced, with the gap and the
     * write named in the statistic and the reason.
     */
    @Test
    void shouldStayFencedWhenTheWriteReturnsAfterTheGateClosedAndSaySo()
    {
        cycle(0);
        port.writeStallNs = 1200 * MS;
        port.duringWrite = () ->
        {
            assertFalse(own.mayServe(port.clockNs), "another thread's gate check during the stalled write");
            assertTrue(own.describeGaps().endsWith("a renewal write in progress for 1200 ms"), own.describeGaps());
        };
        cycle(100);
        assertEquals(1300 * MS, port.clockNs);
        assertTrue(port.duringWriteRan);

        assertFalse(own.mayServe(1300 * MS));
        assertTrue(own.lapsed(1305 * MS));
        assertEquals(1300 * MS, own.gaps().maxNs(), "the gap the rule counted: the previous write's start to this end");
        assertEquals(1200 * MS, own.gaps().maxWriteNs());
        final String reason = own.expiryReason(1305 * MS);
        assertTrue(reason.startsWith("own disk heartbeat not confirmed for 1300 ms: the renewal write began 100 ms " +
            "after the previous one and took 1200 ms"), reason);
        assertEquals(1, own.gaps().count(), "the fencing gap is counted once");
    }

    /**
     * The thread stalls 900 ms, then its write takes 200 ms: the gate was shut from 1000 ms to 1100 ms (no renewal
     * confirmed since the one at 0), and a peer may have acted on that (a primary silent and unchanged for the
     * self-fence timeout is removed). Counted from the write's own start (900 ms) the gate would open again at 1100.
     */
    @Test
    void shouldNotReopenAGateThatClosedWhileTheRenewalWasInProgress()
    {
        cycle(0);
        port.writeStallNs = 200 * MS;
        cycle(900);

        assertFalse(own.mayServe(1105 * MS));
        assertTrue(own.expired());
        cycle(1105);
        assertEquals(HeartbeatSector.SELF_FENCED, new ClusterDisk(disk.port(1), LAYOUT).readHeartbeat(0).state());
    }

    /**
     * The soak's false self-fence at start: a node starting into the first view renews its sector as a joiner
     * until it takes the view up, and its JVM, loaded, did not run for 1.8 s meanwhile. Its gate was never open (it
     * serves only once its RUNNING sector landed), so nothing is fenced; the rule arms at that sector.
     */
    @Test
    void shouldNotFenceANodeThatStalledBeforeItsFirstRunningSectorLanded()
    {
        joiningCycle(0);
        joiningCycle(100);
        joiningCycle(1900);
        assertFalse(own.lapsed(1900 * MS), "a joiner's stall shuts no gate that was ever open");
        assertFalse(own.mayServe(1900 * MS), "no RUNNING sector yet: it may not serve");

        cycle(2000);
        assertTrue(own.mayServe(2000 * MS));
        assertEquals(0, own.gaps().count(), "the rule's gaps start at its first RUNNING sector");
        assertFalse(own.mayServe(3000 * MS));
        assertTrue(own.lapsed(3000 * MS), "armed from then on");
    }

    @Test
    void shouldCountTheOpenGapOfAThreadThatDidNotRun()
    {
        cycle(0);
        cycle(100);
        assertTrue(own.lapsed(1200 * MS));
        final String reason = own.expiryReason(1200 * MS);

        assertTrue(reason.startsWith("own disk heartbeat not confirmed for 1100 ms: no renewal confirmed in that " +
            "time; the previous duty cycle began 1100 ms before this one"), reason);
        assertEquals(1100 * MS, own.gaps().maxNs());
    }

    private void joiningCycle(final long ms)
    {
        port.clockNs = ms * MS;
        own.doWork(ms * MS, HeartbeatSector.JOINING, 0, 0);
    }

    private void cycle(final long ms)
    {
        port.clockNs = ms * MS;
        own.doWork(ms * MS, HeartbeatSector.RUNNING, 1, 0);
    }

    /** Node 0's port to the simulated disk, whose next read or write stalls: the stepped clock moves on by that. */
    private static final class StallingPort implements SectorIo
    {
        private final SectorIo inner;
        private long clockNs;
        private long readStallNs;
        private long writeStallNs;
        private Runnable duringWrite;
        private boolean duringWriteRan;

        StallingPort(final SectorIo inner)
        {
            this.inner = inner;
        }

        @Override
        public void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
        {
            clockNs += readStallNs;
            readStallNs = 0;
            inner.read(offset, dst, index, length);
        }

        @Override
        public void write(
            final long offset, final DirectBuffer src, final int index, final int length, final boolean durable)
        {
            clockNs += writeStallNs;
            writeStallNs = 0;
            if (duringWrite != null)
            {
                duringWrite.run();
                duringWrite = null;
                duringWriteRan = true;
            }
            inner.write(offset, src, index, length, durable);
        }
    }
}
