package io.respool.cluster.arbiter;

/**
 * What the node does when the arbiter fences it: stop every write to the shared storage (DSS {@code unreghl}) and
 * stop serving, at once, for good (a fenced node rejoins only by a restart). Called on the arbiter's thread, once.
 */
@FunctionalInterface
public interface SelfFence
{
    /**
     * @param reason why, for the log and for {@code cmctl query}.
     */
    void fence(String reason);
}
