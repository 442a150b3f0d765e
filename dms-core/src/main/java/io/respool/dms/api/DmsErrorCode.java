package io.respool.dms.api;

import io.respool.common.ErrorCategory;
import io.respool.common.StableCode;

/**
 * Stable error codes of the DMS API, 3001 to 3999 (DSS has 2001 to 2999). The numeric values are part of the API:
 * they never change meaning.
 */
public enum DmsErrorCode implements StableCode
{
    /** A setting is wrong: the node cannot start. */
    CONFIG(3001, ErrorCategory.FATAL),
    /** A wait for a page, a lock, a release or a broadcast ran out of time. */
    TIMEOUT(3002, ErrorCategory.ERROR),
    /** A port the node needs is held by another process. */
    PORT_CONFLICT(3003, ErrorCategory.FATAL),
    /** The node's directory is in use by another live node. */
    DIRECTORY_IN_USE(3004, ErrorCategory.FATAL),
    /** The node's directory cannot be created, locked or checked. */
    NODE_DIRECTORY(3005, ErrorCategory.FATAL),
    /** The Aeron media driver cannot be reached or started. */
    MEDIA_DRIVER(3006, ErrorCategory.FATAL),
    /** The calling thread was interrupted while it waited. */
    INTERRUPTED(3007, ErrorCategory.ERROR),
    /** The node was closed. */
    CLOSED(3008, ErrorCategory.ERROR),
    /** The node may no longer serve: its peers refused it (it restarted while the cluster ran on). */
    REFUSED(3009, ErrorCategory.FATAL),
    /** The node was removed from the cluster by a newer membership view: it serves nothing any more. */
    KICKED_OUT(3010, ErrorCategory.FATAL),
    /** A reform failed (a contradiction in what the survivors hold, or the database's recovery failed). */
    REFORM_FAILED(3011, ErrorCategory.FATAL);

    private final int code;
    private final ErrorCategory category;

    DmsErrorCode(final int code, final ErrorCategory category)
    {
        this.code = code;
        this.category = category;
    }

    /**
     * {@inheritDoc}
     */
    public int code()
    {
        return code;
    }

    /**
     * {@inheritDoc}
     */
    public ErrorCategory category()
    {
        return category;
    }
}
