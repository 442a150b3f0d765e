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

    @Override
    void close();
}
