package io.respool.examples.cluster;

/**
 * A node process a fault is sent to: one the launcher started itself ({@link NodeProcess}) or one a cluster
 * manager agent runs ({@link CmCluster.ManagedNode}, whose pid changes when the agent restarts it).
 */
interface FaultTarget
{
    /**
     * @return the current process's pid, -1 if none runs.
     */
    long pid();

    /**
     * @return whether the current process lives.
     */
    boolean isAlive();

    /**
     * Send the current process a signal by {@code kill}.
     *
     * @param signal {@code KILL}, {@code STOP} or {@code CONT}.
     * @throws IllegalStateException if {@code kill} failed.
     */
    void signal(String signal);
}
