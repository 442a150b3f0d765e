package io.respool.cluster.arbiter;

import io.respool.dss.KickResult;

/**
 * Fences a node off the shared storage: DSS's kick ({@code kickh}), polled so that the arbiter's duty cycle never
 * blocks on it. {@link VolumeGroupFencer} runs {@link io.respool.dss.VolumeGroup#kick} on a thread of its own.
 */
public interface Fencer
{
    /**
     * Start fencing {@code nodeId}, unless a fence of it is already under way.
     */
    void start(int nodeId);

    /**
     * @return how the fence of {@code nodeId} ended, null while it runs. Once returned, the result is forgotten and
     * the next {@link #start} kicks again.
     */
    KickResult poll(int nodeId);

    /**
     * @return true once the storage fence of {@code nodeId} is set (DSS: its fence generation raised, so that none of
     * its writes is accepted from its next look on, and a process started for it later is refused too), whether or
     * not a process of it acknowledged. Only asked while a fence of it runs; false when not known.
     */
    default boolean fenceRaised(final int nodeId)
    {
        return false;
    }
}
