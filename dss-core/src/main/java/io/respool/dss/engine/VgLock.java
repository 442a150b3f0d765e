package io.respool.dss.engine;

/**
 * The lock that serializes metadata changes between instances sharing a volume group. Held by one instance (process)
 * at a time; the instance's own threads share it through {@link Coordinator}.
 */
interface VgLock extends AutoCloseable
{
    /**
     * Wait until this instance holds the lock.
     *
     * @throws io.respool.dss.DssException if it cannot be had within the timeout, naming the holder.
     */
    void acquire(long timeoutMs);

    void release();

    /**
     * Called by the coordination agent every duty cycle: renew a lease while held.
     */
    default void onTick(final long nowMs)
    {
    }

    /**
     * Called immediately before every metadata write (a log batch, the VG head, the root, the zeroing of AUs
     * allocated under the lock): throw if the lock may no longer be this instance's, so that nothing is written.
     * The {@code flock} cannot be lost while held; a lease can.
     *
     * @throws io.respool.dss.DssException VOLUME_IN_USE if the lock may be another instance's by now.
     */
    default void checkBeforeWrite(final long nowMs)
    {
    }

    /**
     * @return true if the lock can be lost while this instance holds it (a lease that a pause outlives), so that
     * another instance may take it without seeing what this one has not made durable; false for the {@code flock},
     * which the kernel keeps until the holder releases it or dies.
     */
    default boolean canBeLostWhileHeld()
    {
        return false;
    }

    @Override
    void close();
}
