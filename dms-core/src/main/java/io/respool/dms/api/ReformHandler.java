package io.respool.dms.api;

/**
 * How a database hears of reforms and takes part in them. Every method is called on a DMS thread (the node's agent,
 * or an application thread driving it) and must only hand the work off and return at once: never block, never call
 * back into DMS from it. Work that takes time reports its end through the {@link Completion} given, from any thread.
 * The default completes everything at once, for a database that needs nothing.
 */
public interface ReformHandler
{
    /** The end of a piece of reform work the database does. Callable once, from any thread. */
    interface Completion
    {
        /** The work is done: the reform goes on. */
        void complete();

        /**
         * The work failed: the reform fails, loudly, and waits for a newer view.
         *
         * @param reason what went wrong.
         */
        void fail(String reason);
    }

    /** A handler that needs nothing: every piece of work completes at once. */
    ReformHandler NONE = new ReformHandler()
    {
    };

    /**
     * A reform began; normal page and lock requests will wait until it ends (pages this node holds stay usable).
     *
     * @param info what changes.
     */
    default void reformStarted(final ReformInfo info)
    {
    }

    /**
     * Switchover, on the old primary, before the directory closes: stop writing and make the WAL durable.
     *
     * @param info what changes.
     * @param done to be completed once this node no longer writes.
     */
    default void demote(final ReformInfo info, final Completion done)
    {
        done.complete();
    }

    /**
     * This node is the new primary (failover or switchover): start writing once the reform ends.
     *
     * @param info what changes.
     */
    default void promote(final ReformInfo info)
    {
    }

    /**
     * On the recoverer: replay the removed nodes' WAL from shared storage. Meanwhile only
     * {@link DmsNode#acquirePageForRecovery} is served; normal access opens once {@code done} completes.
     *
     * @param info what changes ({@link ReformInfo#removed()}: whose WAL).
     * @param done to be completed when the replay is done.
     */
    default void recover(final ReformInfo info, final Completion done)
    {
        done.complete();
    }

    /**
     * The reform ended: the node serves the new view with normal access open.
     *
     * @param info what changed.
     */
    default void reformFinished(final ReformInfo info)
    {
    }
}
