package io.respool.dss.engine;

import io.respool.dss.FileRangeLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SHARE_DISK file locks ({@link SharedFileLocks}) between two instances on a stepped clock: a holder that stops
 * heartbeating loses its lock to the other only after the expiry, and knows it lost it before then; one that wakes
 * afterwards drops its record; one that keeps heartbeating keeps its lock for good.
 */
class ManualClockFileLockTest extends TwoPeersFixture
{
    private static final long FILE = 42;
    private static final long EXPIRY_MS = SharedFileLocks.EXPIRY_MS;

    @BeforeEach
    void heartbeat()
    {
        group.advance(200); // both heartbeat
    }

    private static FileRangeLock lock(final ManualClockVolumeGroup.Peer peer, final long position, final long size,
        final boolean shared)
    {
        return peer.coordinator.tryLockRange(FILE, position, size, shared);
    }

    /**
     * @return the lock on {@code [50, 60)}, once {@code peer} got it, trying every 10 ms.
     */
    private FileRangeLock pollUntilLocked(final ManualClockVolumeGroup.Peer peer, final long limitMs)
    {
        final long start = group.nowMs();
        FileRangeLock lock;
        while ((lock = lock(peer, 50, 10, false)) == null)
        {
            assertTrue(group.nowMs() - start < limitMs, "not locked within " + limitMs + " ms");
            group.advance(10);
        }
        return lock;
    }

    /**
     * {@code a} takes the lock, lets its agent release the volume-group lease, and stops: no heartbeat.
     *
     * @return its lock.
     */
    private FileRangeLock lockThenStop()
    {
        final FileRangeLock held = lock(a, 0, 100, false);
        assertNotNull(held);
        group.advance(50);
        a.running = false;
        return held;
    }

    @Test
    void shouldKeepTheLockOfAHolderThatHeartbeats()
    {
        final FileRangeLock held = lock(a, 0, 100, false);
        assertNotNull(held);
        for (int i = 0; i < 40; i++)
        {
            group.advance(250);
            assertNull(lock(b, 50, 10, false), "taken from a live holder after " + (i + 1) * 250 + " ms");
            assertNull(lock(b, 99, 1, true), "a shared lock overlaps the exclusive one");
        }
        assertNotNull(lock(b, 100, 10, false), "the range next to it is free");
        assertTrue(held.isValid());
        held.release();
        assertNotNull(lock(b, 50, 10, false), "released");
    }

    @Test
    void shouldLetSharedLocksOfTwoInstancesCoexist()
    {
        assertNotNull(lock(a, 0, Long.MAX_VALUE, true));
        assertNotNull(lock(b, 10, 10, true));
        assertNull(lock(b, 1000, 1, false));
    }

    @Test
    void shouldVoidAStoppedHoldersLockAfterTheExpiryAndTellItBeforeThen()
    {
        final FileRangeLock held = lockThenStop();
        final long stoppedAt = group.nowMs();
        assertNull(lock(b, 50, 10, false));
        group.advance(EXPIRY_MS / 2);
        assertFalse(held.isValid(), "half the expiry after its last heartbeat the holder must know");
        assertNotNull(pollUntilLocked(b, 3 * EXPIRY_MS));
        final long tookMs = group.nowMs() - stoppedAt;
        assertTrue(tookMs > EXPIRY_MS && tookMs <= EXPIRY_MS + 200, "taken " + tookMs + " ms after the stop");

        a.running = true; // wakes: its next heartbeat comes late, so it drops its lock and erases its record
        group.advance(200);
        assertFalse(held.isValid());
        final FileRangeLock again = lock(a, 0, 100, false);
        assertNull(again, "b holds it now");
        b.coordinator.close();
        b.running = false;
        assertNotNull(lock(a, 0, 100, false), "b closed (pid 0): its record is void at once");
    }

    @Test
    void shouldFreeTheLockOnceAWokenHolderErasedItsRecord()
    {
        final FileRangeLock held = lockThenStop();
        final FileRangeLock taken = pollUntilLocked(b, 3 * EXPIRY_MS);
        a.running = true;
        group.advance(200);
        assertFalse(held.isValid());
        taken.release();
        // a heartbeats again, so its old record would never expire: only its erasing it lets b in at once
        assertNotNull(lock(b, 50, 10, false), "a's record of the lock it lost is gone");
    }
}
