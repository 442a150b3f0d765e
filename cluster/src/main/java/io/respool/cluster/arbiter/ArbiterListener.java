package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;

/**
 * What an arbiter tells a database about membership as it happens, so that the database can show the phases of a
 * failover, a rejoin or a role change without watching the disk itself. Every method is called on the thread that
 * calls {@link Arbiter#doWork} (the arbiter's duty cycle), in the order the arbiter acts: return at once and never
 * call back into the arbiter from it (hand the event to another thread if the work is slow). An exception thrown by a
 * listener is logged and ignored. All methods default to doing nothing.
 * <p>
 * A failover of a dead primary, seen from a survivor: {@link #onSuspected}, {@link #onConfirmedDead}, {@link
 * #onProposal}, {@link #onDecided}, {@link #onFenced}, {@link #onPublished}. A rejoin, seen from the primary: {@link
 * #onProposal}, {@link #onDecided}, {@link #onPublished}, {@link #onRejoined}; seen from the node that rejoins:
 * {@link #onDecided}, {@link #onPublished}, {@link #onRejoined} with its own id.
 */
public interface ArbiterListener
{
    /**
     * A member stopped showing life: its disk heartbeat stayed unchanged for the disk suspect timeout, or it was not
     * heard on the network for the network suspect timeout. Once per episode; nothing is decided yet.
     */
    default void onSuspected(final int node, final String reason)
    {
    }

    /**
     * This arbiter found a member dead or out for certain and is about to propose its removal: its lease ran out on
     * the disk, its process on this host is gone or stopped, it wrote that it fenced itself or that it restarted, or
     * the partition rule removes it.
     */
    default void onConfirmedDead(final int node, final String reason)
    {
    }

    /**
     * This arbiter would propose {@code what} (a removal or an admission of {@code node}) but withholds it: the
     * operator paused arbitration ({@code cmctl pause}). Once per node and kind of decision while paused.
     */
    default void onWithheld(final int node, final String what)
    {
    }

    /**
     * This arbiter started a ballot for {@code view} in the register (another node may win the version).
     */
    default void onProposal(final MembershipView view, final String reason)
    {
    }

    /**
     * The register holds a new decided view (this node's proposal or another's); not yet published: the nodes it
     * removes are fenced first.
     */
    default void onDecided(final MembershipView view)
    {
    }

    /**
     * A node that a decided view removes is fenced off the shared storage; {@code how} says by what.
     */
    default void onFenced(final int node, final String how)
    {
    }

    /**
     * {@code view} was published to DMS ({@link DecidedViews}); the nodes it removes are fenced.
     */
    default void onPublished(final MembershipView view)
    {
    }

    /**
     * A published view holds {@code node} again after one without it (this node's own id when it was admitted).
     */
    default void onRejoined(final int node, final MembershipView view)
    {
    }

    /**
     * This node fenced itself, for good: it writes and serves no more; only a new process (incarnation) rejoins.
     */
    default void onSelfFenced(final String reason)
    {
    }

    /**
     * A switchover or failover request this arbiter took ended.
     */
    default void onRoleChange(final RoleChange change)
    {
    }
}
