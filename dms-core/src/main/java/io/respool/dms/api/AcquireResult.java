package io.respool.dms.api;

/**
 * Where the image of an acquired page came from.
 */
public enum AcquireResult
{
    /** This node already held the page in a sufficient mode: no message was sent. */
    LOCAL_HIT,
    /** Another node shipped the page into this node's buffer. */
    FROM_PEER,
    /** No node had it in memory: DMS called {@link PageStore#readFromDisk} to load it. */
    FROM_DISK,
    /** The page was already in the buffer and only the mode was raised (an S to X upgrade). */
    UPGRADED
}
