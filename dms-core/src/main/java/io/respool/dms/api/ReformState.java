package io.respool.dms.api;

/**
 * Where a node stands with reform, for {@link DmsNode#reformState()}.
 */
public enum ReformState
{
    /** Serving a view; no reform in progress. */
    STABLE,
    /** A reform is in progress (or a newer view is known and its reform has not begun here yet). */
    REFORMING,
    /** The last reform failed: the node serves nothing until a newer view re-forms the cluster. */
    FAILED,
    /** The node was removed from the cluster, or refused: it serves nothing any more. */
    STOPPED
}
