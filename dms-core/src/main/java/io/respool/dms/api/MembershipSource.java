package io.respool.dms.api;

/**
 * Where a node's membership views come from: a cluster manager, or a test. DMS listens and turns each new view into
 * a reform: the directory is rebuilt from what the members hold, under the new view's epoch.
 * <p>
 * The contract a source keeps:
 * <ul>
 *     <li>versions strictly increase;</li>
 *     <li>every node gets the same view for a version;</li>
 *     <li>a removed node has been fenced off the shared storage before the view that removes it is published;</li>
 *     <li>the reformer is a member, and, but for the first view, one that served the view before (not a node that
 *     has just started or restarted: it knows nothing of the cluster's state; DMS fails such a reform).</li>
 * </ul>
 * A node may miss versions (a source that polls); it then takes every node of the node list outside the views it
 * knows for one that may have written in those it missed, and the reformer has their WAL replayed (dms-core
 * DESIGN.md, "A gap in the views"): safe, at the cost of a replay with nothing new in it.
 */
public interface MembershipSource
{
    /** Told of every new view. */
    @FunctionalInterface
    interface Listener
    {
        /**
         * A new view, its version higher than every one before. Called on the source's thread: hand the view off
         * and return at once, never call back into the source or into DMS.
         *
         * @param view the new view.
         */
        void onView(MembershipView view);
    }

    /**
     * @return the view in force now; never null.
     */
    MembershipView current();

    /**
     * Start telling {@code listener} of every view after {@link #current()}.
     *
     * @param listener the listener.
     */
    void listen(Listener listener);

    /**
     * Ask for a planned move of the primary ({@link DmsNode#switchover}): a source that can, publishes a view with
     * {@code newPrimary} as its primary (and reformer). DMS decides nothing itself.
     *
     * @param newPrimary the member to become the primary.
     * @return whether the source took the request; the default cannot switch and says no.
     */
    default boolean requestSwitchover(final int newPrimary)
    {
        return false;
    }
}
