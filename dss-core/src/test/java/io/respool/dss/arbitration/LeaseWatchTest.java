package io.respool.dss.arbitration;

import io.respool.dss.format.DiskLease;
import io.respool.dss.format.SectorBlock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class LeaseWatchTest
{
    static final int PERIOD_MS = 2000;

    private final LeaseWatch watch = new LeaseWatch(PERIOD_MS);

    @Test
    void shouldTakeAFreeOrNeverWrittenLeaseAtOnce()
    {
        assertTrue(watch.mayTake(new DiskLease().wrap(new UnsafeBuffer(new byte[SectorBlock.LENGTH]), 0), 0));
        assertTrue(watch.mayTake(ArbitrationSectors.blank(new DiskLease()).owner(DiskLease.FREE).periodMs(PERIOD_MS)
            .seal(), 0));
    }

    @Test
    void shouldTakeAHeldLeaseOnlyOnceItStayedTheSameForLongerThanAPeriod()
    {
        final DiskLease held = lease(2, 7, 100, PERIOD_MS);

        assertFalse(watch.mayTake(held, 1_000));
        assertFalse(watch.mayTake(held, 1_000 + PERIOD_MS));
        assertTrue(watch.mayTake(held, 1_000 + PERIOD_MS + 1));
    }

    @Test
    void shouldStartWaitingAgainWheneverTheHolderRenews()
    {
        assertFalse(watch.mayTake(lease(2, 7, 100, PERIOD_MS), 0));
        assertFalse(watch.mayTake(lease(2, 7, 101, PERIOD_MS), PERIOD_MS + 1));
        assertFalse(watch.mayTake(lease(2, 7, 101, PERIOD_MS), 2 * PERIOD_MS));
        assertFalse(watch.mayTake(lease(2, 8, 101, PERIOD_MS), 2 * PERIOD_MS + 2), "a new generation is a change");
        assertTrue(watch.mayTake(lease(2, 8, 101, PERIOD_MS), 3 * PERIOD_MS + 3));
    }

    @Test
    void shouldWaitOutTheLongerOfTheHoldersPeriodAndItsOwn()
    {
        final DiskLease longer = lease(2, 7, 100, 3 * PERIOD_MS);

        assertFalse(watch.mayTake(longer, 0));
        assertFalse(watch.mayTake(longer, 3 * PERIOD_MS));
        assertTrue(watch.mayTake(longer, 3 * PERIOD_MS + 1));
    }

    @Test
    void shouldSeeAClaimOrRenewalBetweenTwoReads()
    {
        assertTrue(LeaseWatch.same(lease(2, 7, 100, PERIOD_MS), lease(2, 7, 100, PERIOD_MS)));
        assertFalse(LeaseWatch.same(lease(2, 7, 100, PERIOD_MS), lease(2, 7, 101, PERIOD_MS)));
        assertFalse(LeaseWatch.same(lease(2, 7, 100, PERIOD_MS), lease(3, 9, 0, PERIOD_MS)));
    }

    @Test
    void shouldLetAHolderWriteOnlyWithinHalfAPeriodOfItsLastConfirmedRenewal()
    {
        assertTrue(LeaseWatch.holderMayWrite(10_000, 10_000 + PERIOD_MS / 2 - 1, PERIOD_MS));
        assertFalse(LeaseWatch.holderMayWrite(10_000, 10_000 + PERIOD_MS / 2, PERIOD_MS));
    }

    private static DiskLease lease(final int owner, final long generation, final long heartbeat, final int periodMs)
    {
        final DiskLease lease = ArbitrationSectors.blank(new DiskLease()).owner(owner).generation(generation)
            .heartbeat(heartbeat).periodMs(periodMs);
        lease.seal();
        return lease;
    }
}
