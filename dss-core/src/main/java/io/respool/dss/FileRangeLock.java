package io.respool.dss;

/**
 * A byte-range lock on a file of a volume group, held across the instances of the group
 * ({@link VolumeGroup#tryLockRange}). It stays valid until it is released, or until this instance can no longer be
 * sure that the others still see it: its heartbeat stopped for half the expiry (paused, or cut off from the disk),
 * or it was fenced. Check {@link #isValid()} before relying on it, as Lucene does before a commit.
 */
public interface FileRangeLock
{
    /**
     * @return true while the lock is surely still this instance's.
     */
    boolean isValid();

    /**
     * Release it; idempotent.
     */
    void release();
}
