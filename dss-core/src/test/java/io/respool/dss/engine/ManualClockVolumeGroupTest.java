package io.respool.dss.engine;

import io.respool.common.process.ProcessIdentity;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.engine.ManualClockVolumeGroup.Step;
import io.respool.dss.format.DiskLease;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.respool.dss.engine.ManualClockVolumeGroup.LEASE_PERIOD_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared volume group's coordination, stepped by a manual clock on one thread: lease expiry, takeover, a kick, a
 * late fence acknowledgement, a drain, and a holder paused past its lease at each step of a change, each at the exact
 * clock time it must happen.
 */
@Timeout(60)
class ManualClockVolumeGroupTest extends TwoPeersFixture
{
    /**
     * A contender that read the lease free, then stalled before writing its claim, lands that claim over the lease
     * another instance won and holds (three instances, one a busy {@code dsscmd check}: issue 10, item 1). The
     * holder re-reads the sector before every write: it finds out at its next one and writes nothing more, nor renews
     * over the late claim, so that two instances never write as holders at once.
     */
    @Test
    void shouldStopWritingOnceALateClaimLandedOverTheLease()
    {
        a.change();
        a.coordinator.enter(); // a change under way
        b.sectors.writeLease(SharedSectors.blank(new DiskLease()).owner(1).periodMs(LEASE_PERIOD_MS)
            .generation(4242).heartbeat(0)); // b's claim, decided on a stale read, lands now

        final DssException refused = assertThrows(DssException.class, a.coordinator::checkStillHeld);
        assertEquals(ErrorCode.VOLUME_IN_USE, refused.errorCode());
        assertTrue(refused.getMessage().contains("lease lost") && refused.getMessage().contains("sector owner=1"),
            refused.getMessage());
        assertThrows(DssException.class, a::change, "no further change of the old holder");
        a.coordinator.exit();
        group.advance(LEASE_PERIOD_MS);

        assertEquals(1, lease().owner(), "the old holder neither renewed nor freed the lease over the claim");
        assertEquals(4242, lease().generation());
        assertEquals(List.of(0), group.commits);
    }

    /** Longer than a lease period, as the 5 s pause against a 2 s lease. */
    private static final long PAUSE_MS = 5 * LEASE_PERIOD_MS / 2;

    @Test
    void shouldHandTheLockOverOnceTheHolderIsIdleForTheLinger()
    {
        a.change();
        a.change();
        assertEquals(VgLockHold.State.HELD, a.coordinator.holdState());
        assertEquals(0, lease().owner());

        final long start = group.nowMs();
        b.change();

        assertTrue(group.nowMs() - start <= VgLockHold.LINGER_MS + Coordinator.TICK_MS + LeaseVgLock.SETTLE_MS +
            2 * LeaseVgLock.POLL_MS, "took " + (group.nowMs() - start) + " ms");
        assertEquals(VgLockHold.State.FREE, a.coordinator.holdState());
        assertEquals(1, a.log.flushes, "the holder made its log durable before it let go");
        assertEquals(3, b.log.durableLsn, "the new holder caught up with both records of the old");
        assertEquals(1, b.log.sealingCatchUps);
        assertEquals(List.of(0, 0, 1), group.commits);
        assertEquals(1, lease().owner());
        assertEquals(0, a.coordinator.errorCount() + b.coordinator.errorCount());
    }

    @Test
    void shouldTakeTheLeaseOverOnlyAPeriodAfterTheHolderStoppedRenewingIt()
    {
        a.change();
        a.coordinator.enter(); // a change under way...
        a.running = false; // ...when the process stops: no more renewals
        final long stoppedMs = group.nowMs();

        group.at(stoppedMs + LEASE_PERIOD_MS / 2, () -> assertThrows(DssException.class,
            a.coordinator::checkStillHeld, "half a period on, the paused holder may no longer write"));
        b.change();

        final long waited = group.nowMs() - stoppedMs;
        assertTrue(waited > LEASE_PERIOD_MS && waited <= LEASE_PERIOD_MS + 2 * LeaseVgLock.SETTLE_MS +
            2 * LeaseVgLock.POLL_MS, "took over after " + waited + " ms");
        assertFalse(group.hasPendingActions());
        assertEquals(1, lease().owner());
        assertEquals(List.of(0, 1), group.commits);
        assertEquals(2, b.log.durableLsn, "the new holder caught up with the old one's published end");

        final DssException late = assertThrows(DssException.class, a.coordinator::checkStillHeld);
        assertEquals(ErrorCode.VOLUME_IN_USE, late.errorCode());
        assertTrue(late.getMessage().contains("lease lost"), late.getMessage());
        a.running = true;
        group.advance(LEASE_PERIOD_MS);
        assertNotEquals(0, lease().owner(), "the old holder, woken, does not take the lease back by renewing it");
    }

    @Test
    void shouldNotTakeALeaseWhoseHolderKeepsRenewingIt()
    {
        a.change();
        a.coordinator.enter(); // a long change: the hold is kept, the lease renewed
        final long start = group.nowMs();

        final DssException refused = assertThrows(DssException.class, b::change);

        assertEquals(ErrorCode.VOLUME_IN_USE, refused.errorCode());
        assertTrue(refused.getMessage().contains("holder=instance 0"), refused.getMessage());
        assertTrue(group.nowMs() - start > VgLockHold.LOCK_TIMEOUT_MS);
        assertEquals(VgLockHold.State.FREE, b.coordinator.holdState());
        assertEquals(0, lease().owner());
        a.coordinator.checkStillHeld();
        a.coordinator.exit();
    }

    @Test
    void shouldFenceAKickedInstanceAndFreeItsLeaseAtOnce()
    {
        a.change();
        a.coordinator.enter();
        final long start = group.nowMs();

        assertEquals(KickResult.ACKNOWLEDGED, b.coordinator.kick(0));

        assertTrue(group.nowMs() - start <= 2 * Coordinator.TICK_MS, "acknowledged after " +
            (group.nowMs() - start) + " ms");
        assertTrue(a.coordinator.gate().isClosed());
        assertEquals(DiskLease.FREE, lease().owner(), "the kick freed the victim's lease rather than let it expire");
        final DssException fenced = assertThrows(DssException.class, a::change);
        assertEquals(ErrorCode.FENCED, fenced.errorCode());
        b.change();
        assertEquals(List.of(0, 1), group.commits);

        a.coordinator.exit();
        group.advance(VgLockHold.LINGER_MS + Coordinator.TICK_MS);
        assertEquals(VgLockHold.State.FREE, a.coordinator.holdState());
        assertEquals("fenced before they were written", a.log.dropped);
        final InstanceStatus victim = b.coordinator.statuses().get(0);
        assertTrue(victim.fenced() && victim.fenceAcked() && !victim.registered(), victim.toString());

        a.coordinator.register();
        a.change();
        assertEquals(List.of(0, 1, 0), group.commits);
        assertEquals(0, a.coordinator.errorCount() + b.coordinator.errorCount());
    }

    @Test
    void shouldAcknowledgeAKickOnlyOnceTheWritesInFlightHaveLeft()
    {
        assertTrue(a.coordinator.gate().tryEnter()); // a data write in flight
        final long start = group.nowMs();
        final long writeEndsMs = start + 300;
        final AtomicBoolean checked = new AtomicBoolean();
        group.at(writeEndsMs, () ->
        {
            final MemberSector member = a.sectors.readMember(0);
            final FenceSector fence = a.sectors.readFence(0);
            assertTrue(fence.fenced());
            assertTrue(member.ackedFenceGeneration() < fence.generation(), "no acknowledgement while in flight");
            assertTrue(a.coordinator.gate().isClosed(), "new writes are refused at once");
            assertFalse(a.coordinator.gate().tryEnter());
            checked.set(true);
            a.coordinator.gate().exit();
        });

        assertEquals(KickResult.ACKNOWLEDGED, b.coordinator.kick(0));

        assertTrue(checked.get());
        final long waited = group.nowMs() - start;
        assertTrue(waited >= 300 && waited <= 300 + 2 * Coordinator.TICK_MS, "acknowledged after " + waited + " ms");
        assertTrue(a.sectors.readMember(0).ackedFenceGeneration() >= a.sectors.readFence(0).generation());
    }

    @Test
    void shouldReportAKickUnconfirmedWhenAVictimOnAnotherHostStopsHeartbeating()
    {
        final ProcessIdentity self = Processes.HOST.self();
        a.sectors.writeMember(5, SharedSectors.blank(new MemberSector()).registered(true).incarnation(7).heartbeat(9)
            .process(new ProcessIdentity(self.bootId() + 1, self.pidNamespace(), 4242, 1)).heartbeatMs(group.nowMs()));
        final long start = group.nowMs();

        assertEquals(KickResult.UNCONFIRMED, b.coordinator.kick(5));

        final long waited = group.nowMs() - start;
        assertTrue(waited > Fencing.STALE_MS && waited <= Fencing.STALE_MS + Fencing.POLL_MS,
            "gave up after " + waited + " ms");
        assertTrue(a.sectors.readFence(5).fenced());
    }

    @Test
    void shouldDrainALongHoldSoThatAnotherInstanceGetsATurn()
    {
        final long startMs = group.nowMs();
        a.change();
        final long generation = lease().generation();
        final AtomicLong bRanAtMs = new AtomicLong();
        group.when(() -> a.coordinator.holdState() == VgLockHold.State.FREE, () ->
        {
            bRanAtMs.set(group.nowMs());
            b.change();
        });
        while (bRanAtMs.get() == 0)
        {
            assertEquals(VgLockHold.State.HELD, a.coordinator.holdState());
            assertEquals(generation, lease().generation(), "a busy holder keeps the lease");
            assertTrue(group.nowMs() - startMs < 2 * VgLockHold.MAX_HOLD_MS, "never drained");
            group.advance(Coordinator.TICK_MS); // shorter than the linger: the lock is not let go between changes
            a.change(); // once held too long: drain, let the other instance in, then take the lock back
        }

        final long ranAfter = bRanAtMs.get() - startMs;
        assertTrue(ranAfter > VgLockHold.MAX_HOLD_MS && ranAfter <= VgLockHold.MAX_HOLD_MS +
            LeaseVgLock.SETTLE_MS + VgLockHold.LINGER_MS + 2 * Coordinator.TICK_MS, "drained after " + ranAfter + " ms");
        final int last = group.commits.size() - 1;
        assertEquals(List.of(1, 0), group.commits.subList(last - 1, last + 1), "the other instance came between");
        assertTrue(group.commits.subList(0, last - 1).stream().allMatch(id -> id == 0), group.commits.toString());
        assertEquals(group.commits.size(), a.log.durableLsn, "the drained holder caught up with the other's record");
        assertEquals(0, lease().owner());
        assertNotEquals(generation, lease().generation(), "the lease was given up and taken again");
        assertEquals(VgLockHold.State.HELD, a.coordinator.holdState());
        assertEquals(0, a.coordinator.errorCount() + b.coordinator.errorCount());
    }

    @Test
    void shouldCountTheAgentsErrors()
    {
        a.change();
        a.device.close(); // every sector read and write of instance 0 now fails

        group.advance(4 * Coordinator.TICK_MS);

        assertTrue(a.coordinator.errorCount() >= 3, "errors=" + a.coordinator.errorCount());
        assertEquals(0, b.coordinator.errorCount());
    }

    /**
     * The SHARE_DISK lease holder paused (SIGSTOP, a GC pause) past its lease at each step of a metadata change
     * (issue 10, item 2): while it is paused the other instance takes the lease over and makes a change of its own,
     * allocating the first AU free in its view; then the paused one wakes and carries on. Whatever it still had to
     * write (the zeroing of an AU whose allocation was not durable, its log batch, the VG head, the lease sector on
     * renewal or release) is refused; nothing it writes lands after the taker's first write.
     */
    @ParameterizedTest
    @EnumSource(Step.class)
    void shouldWriteNothingAfterThePauseOnceTheOtherTookTheLeaseOver(final Step step)
    {
        a.allocatingChange(null, () -> {}); // a holds the lease, and keeps renewing it while it lingers
        final int[] bAu = {-1};
        final Runnable pause = () ->
        {
            a.running = false; // stopped: no renewal, no release
            group.at(group.nowMs() + 1, () -> bAu[0] = b.allocatingChange(null, () -> {}));
            group.advance(PAUSE_MS);
            a.running = true;
        };
        DssException refused = null;
        try
        {
            a.allocatingChange(step == Step.BEFORE_RELEASE ? null : step, pause);
            if (step == Step.BEFORE_RELEASE)
            {
                pause.run(); // the change is done and lingers: the agent's release is what runs after the pause
            }
        }
        catch (final DssException ex)
        {
            refused = ex;
        }
        group.advance(LEASE_PERIOD_MS); // a's agent runs again: renewal, linger, release

        final boolean aWroteItsRecord = step.compareTo(Step.BEFORE_LOG_WRITE) > 0;
        assertTrue(bAu[0] >= 0, "the other instance made its change while " + step);
        if (step == Step.BEFORE_ENTER)
        {
            assertNull(refused, "paused before it took the lock: it just waits its turn");
            assertEquals(List.of(0, 1, 0), group.commits);
        }
        else
        {
            if (step == Step.BEFORE_PUBLISH)
            {
                assertEquals(ErrorCode.VOLUME_IN_USE, refused == null ? null : refused.errorCode(),
                    "its record was durable, but it found out it lost the lease before it wrote the head");
            }
            if (aWroteItsRecord)
            {
                assertTrue(step == Step.BEFORE_PUBLISH || refused == null, "its writes were done before the pause");
                assertEquals(List.of(0, 0, 1), group.commits);
                assertEquals(2, bAu[0], "the taker caught up with the paused one's durable allocation");
            }
            else
            {
                assertEquals(ErrorCode.VOLUME_IN_USE, refused == null ? null : refused.errorCode(), step +
                    ": the paused holder found out it lost the lease before it wrote");
                assertTrue(refused.getMessage().contains("lease lost"), refused.getMessage());
                assertEquals(List.of(0, 1), group.commits, "no record of the paused one after the taker's");
                assertEquals(1, bAu[0], "the taker reused the AU whose allocation was not durable");
                assertEquals(1, group.auWriters[1], "and the paused one did not zero it after the taker wrote it");
            }
        }
        final DiskLease lease = lease();
        assertNotEquals(0, lease.owner() == DiskLease.FREE ? -1 : lease.owner(),
            "the woken holder neither renewed nor freed the lease it had lost");
        if (step != Step.BEFORE_ENTER)
        {
            assertEquals(1, b.sectors.readHead().writer(), "the woken holder did not write the VG head");
        }

        if (!a.log.poisoned)
        {
            a.allocatingChange(null, () -> {}); // it lost nothing: it takes the lease anew and carries on
            assertEquals(0, group.commits.get(group.commits.size() - 1));
        }
        else
        {
            assertEquals(Step.BEFORE_LOG_WRITE, step, "only records staged and never written poison the log");
        }
    }

    private DiskLease lease()
    {
        return b.sectors.readLease();
    }
}
