package io.respool.dms;

import java.util.SplittableRandom;

/**
 * Drops a seeded fraction of received messages on purpose, to test that every lost message is made good by a
 * retransmit or a re-drive. Messages a node sends to itself are never dropped. Single-threaded: the node agent.
 */
final class LossInjector
{
    private final double rate;
    private final SplittableRandom random;

    LossInjector(final double rate, final long seed)
    {
        this.rate = rate;
        this.random = new SplittableRandom(seed);
    }

    boolean shouldDrop()
    {
        return rate > 0 && random.nextDouble() < rate;
    }

    boolean enabled()
    {
        return rate > 0;
    }
}
