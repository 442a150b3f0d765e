package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.DiskLease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SHARE_DISK lease on its own, with a manual clock whose pauses step time (and may let a rival write).
 */
@Timeout(30)
class LeaseVgLockTest
{
    static final int PERIOD_MS = 1000;
    static final int ME = 1;
    static final int RIVAL = 3;

    @TempDir
    Path dir;

    private BlockDevice device;
    private SharedSectors sectors;
    private final ManualClock clock = new ManualClock();
    private LeaseVgLock lease;

    /** Pausing advances time and runs what the test put in {@link #onPause}. */
    static final class ManualClock implements CoordinationClock
    {
        long nowMs = 50_000;
        Runnable onPause = () -> {};

        @Override
        public long time()
        {
            return nowMs;
        }

        @Override
        public void pauseNs(final long ns)
        {
            nowMs += Math.max(1, TimeUnit.NANOSECONDS.toMillis(ns));
            onPause.run();
        }

        @Override
        public void await(final ReentrantLock lock, final Condition condition, final long ms)
        {
            pauseNs(TimeUnit.MILLISECONDS.toNanos(ms));
        }
    }

    @BeforeEach
    void setUp()
    {
        final Path volume = dir.resolve("entry");
        BlockDevices.createSparseImage(volume, 4L << 20);
        device = BlockDevices.open(volume, OpenOptions.defaults());
        sectors = new SharedSectors(new DeviceIo(device));
        lease = new LeaseVgLock(sectors, ME, PERIOD_MS, clock);
    }

    @AfterEach
    void tearDown()
    {
        device.close();
    }

    @Test
    void shouldTakeAFreeLeaseOnceItsClaimSettled()
    {
        final long start = clock.nowMs;

        lease.acquire(1000);

        assertEquals(LeaseVgLock.SETTLE_MS, clock.nowMs - start, "waited out the settle time, no more");
        final DiskLease onDisk = sectors.readLease();
        assertEquals(ME, onDisk.owner());
        assertEquals(PERIOD_MS, onDisk.periodMs());
        assertEquals(0, onDisk.heartbeat());
        assertTrue(lease.isValid(clock.nowMs));
    }

    @Test
    void shouldRenewEveryQuarterPeriodAndCountAsHeldOnlyWithinHalfAPeriodOfTheLastRenewal()
    {
        lease.acquire(1000);
        final long confirmedMs = clock.nowMs - LeaseVgLock.SETTLE_MS; // a claim counts from when it was written

        lease.onTick(confirmedMs + PERIOD_MS / 4 - 1);
        assertEquals(0, sectors.readLease().heartbeat(), "not due yet");
        assertTrue(lease.isValid(confirmedMs + PERIOD_MS / 2 - 1));
        assertFalse(lease.isValid(confirmedMs + PERIOD_MS / 2), "half a period without renewal: may not write");

        clock.nowMs = confirmedMs + PERIOD_MS / 4;
        lease.onTick(clock.nowMs);
        assertEquals(1, sectors.readLease().heartbeat());
        assertTrue(lease.isValid(confirmedMs + PERIOD_MS / 2));
        assertFalse(lease.isValid(confirmedMs + PERIOD_MS / 4 + PERIOD_MS / 2));
    }

    @Test
    void shouldTakeOverALeaseThatStayedUnchangedForAPeriod()
    {
        writeRival(7);
        final long start = clock.nowMs;

        lease.acquire(10_000);

        final long waited = clock.nowMs - start;
        assertTrue(waited > PERIOD_MS && waited <= PERIOD_MS + LeaseVgLock.POLL_MS + LeaseVgLock.SETTLE_MS,
            "took over after " + waited + " ms");
        assertEquals(ME, sectors.readLease().owner());
    }

    @Test
    void shouldTimeOutNamingTheHolderWhileItKeepsRenewing()
    {
        writeRival(7);
        final long[] rivalHeartbeat = {7};
        clock.onPause = () -> writeRival(++rivalHeartbeat[0]);

        final DssException refused = assertThrows(DssException.class, () -> lease.acquire(3 * PERIOD_MS));

        assertEquals(ErrorCode.VOLUME_IN_USE, refused.errorCode());
        assertTrue(refused.getMessage().contains("holder=instance " + RIVAL), refused.getMessage());
        assertEquals(RIVAL, sectors.readLease().owner());
        assertFalse(lease.isValid(clock.nowMs));
    }

    @Test
    void shouldLoseARaceToAClaimThatLandedAfterItsOwn()
    {
        final boolean[] raced = {false};
        clock.onPause = () ->
        {
            if (!raced[0])
            {
                raced[0] = true;
                writeRival(0); // a rival's claim lands during our settle time
            }
        };

        assertThrows(DssException.class, () -> lease.acquire(PERIOD_MS / 2));

        assertTrue(raced[0]);
        assertEquals(RIVAL, sectors.readLease().owner());
        assertFalse(lease.isValid(clock.nowMs));
    }

    @Test
    void shouldStopRenewingALeaseAnotherInstanceTookAndNotFreeIt()
    {
        lease.acquire(1000);
        writeRival(0);

        lease.onTick(clock.nowMs + PERIOD_MS);
        assertFalse(lease.isValid(clock.nowMs));
        lease.release();

        final DiskLease onDisk = sectors.readLease();
        assertEquals(RIVAL, onDisk.owner(), "the rival's lease is left alone");
        assertEquals(0, onDisk.heartbeat());
    }

    @Test
    void shouldFreeItsLeaseOnRelease()
    {
        lease.acquire(1000);
        final long generation = sectors.readLease().generation();

        lease.release();

        final DiskLease onDisk = sectors.readLease();
        assertEquals(DiskLease.FREE, onDisk.owner());
        assertNotEquals(generation, onDisk.generation());
        assertFalse(lease.isValid(clock.nowMs));
        final long start = clock.nowMs;
        lease.acquire(1000);
        assertEquals(LeaseVgLock.SETTLE_MS, clock.nowMs - start, "a freed lease is taken at once");
    }

    private void writeRival(final long heartbeat)
    {
        sectors.writeLease(SharedSectors.blank(new DiskLease()).owner(RIVAL).periodMs(PERIOD_MS).generation(42)
            .heartbeat(heartbeat));
    }
}
