package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;

/**
 * How a planned role change ({@link Arbiter#requestSwitchover}, {@link Arbiter#requestFailover}) ended.
 *
 * @param kind   switchover or failover.
 * @param target the node that was to become primary.
 * @param done   true if a view with {@code target} primary is published by this node's arbiter (or was already).
 * @param reason why it was refused, or what was done.
 * @param view   the view published with {@code target} primary when done, else the view in force.
 */
public record RoleChange(Kind kind, int target, boolean done, String reason, MembershipView view)
{
    /**
     * The two planned role changes.
     */
    public enum Kind
    {
        /** Move the primary to a member while both run: DMS does a SWITCHOVER reform (the old primary demotes). */
        SWITCHOVER,
        /**
         * Promote a member when the primary is gone: only once its lease ran out, it fenced itself, or its process on
         * this host is gone or stopped; it is fenced before the view is published. DMS does a FAILOVER reform.
         */
        FAILOVER
    }

    @Override
    public String toString()
    {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " to node " + target + ": " +
            (done ? "done" : "refused") + " (" + reason + ")" + (view == null ? "" : ", " + view);
    }
}
