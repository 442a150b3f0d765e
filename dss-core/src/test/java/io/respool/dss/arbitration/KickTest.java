package io.respool.dss.arbitration;

import io.respool.common.process.ProcessIdentity;
import io.respool.dss.format.DiskLease;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arbitration sectors and a kick over an entry volume held in memory, with time passed in by hand.
 */
@Timeout(30)
class KickTest
{
    static final int VICTIM = 4;
    static final int BY = 0;

    private final UnsafeBuffer volume = new UnsafeBuffer(new byte[2 << 20]);
    private final ArbitrationSectors sectors = new ArbitrationSectors(new SectorIo()
    {
        @Override
        public void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
        {
            dst.putBytes(index, volume, (int)offset, length);
        }

        @Override
        public void write(
            final long offset, final DirectBuffer src, final int index, final int length, final boolean durable)
        {
            volume.putBytes((int)offset, src, index, length);
        }
    });
    private long heartbeat;

    @Test
    void shouldRaiseTheFenceGenerationOnEveryChange()
    {
        assertFalse(sectors.readFence(VICTIM).isValid(), "never written");

        assertEquals(1, sectors.raiseFence(VICTIM, true, BY, 10));
        assertEquals(2, sectors.raiseFence(VICTIM, false, VICTIM, 20));

        final FenceSector fence = sectors.readFence(VICTIM);
        assertTrue(fence.isValid());
        assertEquals(2, fence.generation());
        assertFalse(fence.fenced());
        assertEquals(VICTIM, fence.kickedBy());
        assertEquals(20, fence.changedMs());
        assertFalse(sectors.readFence(VICTIM + 1).isValid(), "another instance's fence is left alone");
    }

    @Test
    void shouldFreeOnlyTheLeaseOfTheGivenInstance()
    {
        sectors.writeLease(ArbitrationSectors.blank(new DiskLease()).owner(VICTIM).periodMs(2000).generation(9));

        assertFalse(sectors.freeLeaseOf(BY));
        assertEquals(VICTIM, sectors.readLease().owner());
        assertTrue(sectors.freeLeaseOf(VICTIM));

        final DiskLease lease = sectors.readLease();
        assertEquals(DiskLease.FREE, lease.owner());
        assertEquals(2000, lease.periodMs());
    }

    @Test
    void shouldFindAVictimThatNeverRanNotRunning()
    {
        final Kick kick = new Kick(sectors, VICTIM, BY);

        assertEquals(1, kick.start(100));

        assertEquals(Kick.Progress.NOT_RUNNING, kick.poll(100));
        assertTrue(sectors.readFence(VICTIM).fenced());
    }

    @Test
    void shouldNeverTakeAnUnreadableMemberSectorForNotRunning()
    {
        heartbeatVictim(0);
        final long pidAt = EntryVolumeLayout.memberSectorOffset(VICTIM) + 20;
        volume.putByte((int)pidAt, (byte)(volume.getByte((int)pidAt) ^ 1)); // one bit of the pid flipped on disk
        final Kick kick = new Kick(sectors, VICTIM, BY);
        kick.start(100);

        assertEquals(Kick.Progress.UNREADABLE, kick.poll(100));
        assertEquals("checksum mismatch", kick.member().invalidReason());
    }

    @Test
    void shouldWaitForTheAcknowledgementWhileTheVictimHeartbeats()
    {
        heartbeatVictim(0);
        final Kick kick = new Kick(sectors, VICTIM, BY);
        final long generation = kick.start(100);

        for (long now = 100; now < 100 + 3 * Kick.STALE_MS; now += 50)
        {
            heartbeatVictim(0);
            assertEquals(Kick.Progress.WAITING, kick.poll(now));
        }
        heartbeatVictim(generation);

        assertEquals(Kick.Progress.ACKNOWLEDGED, kick.poll(100 + 3 * Kick.STALE_MS));
        assertEquals(generation, kick.member().ackedFenceGeneration());
    }

    @Test
    void shouldFindAVictimUnresponsiveOnceItsHeartbeatStoodStillForStaleMs()
    {
        heartbeatVictim(0);
        final Kick kick = new Kick(sectors, VICTIM, BY);
        kick.start(100);

        assertEquals(Kick.Progress.WAITING, kick.poll(100));
        assertEquals(Kick.Progress.WAITING, kick.poll(100 + Kick.STALE_MS));
        assertEquals(Kick.Progress.UNRESPONSIVE, kick.poll(100 + Kick.STALE_MS + 1));
        assertEquals(4242, kick.member().pid(), "names the process to deal with");
    }

    @Test
    void shouldFindAVictimThatHeartbeatsButNeverAcknowledgesUnresponsiveAfterTheAckTimeout()
    {
        final Kick kick = new Kick(sectors, VICTIM, BY);
        kick.start(0);
        long now = 0;
        for (; now <= Kick.ACK_TIMEOUT_MS; now += 100)
        {
            heartbeatVictim(0);
            assertEquals(Kick.Progress.WAITING, kick.poll(now));
        }
        heartbeatVictim(0);

        assertEquals(Kick.Progress.UNRESPONSIVE, kick.poll(now));
    }

    private void heartbeatVictim(final long ackedFence)
    {
        sectors.writeMember(VICTIM, ArbitrationSectors.blank(new MemberSector()).registered(true).incarnation(1)
            .heartbeat(++heartbeat).ackedFenceGeneration(ackedFence).process(new ProcessIdentity(77, 5, 4242, 9)));
    }
}
