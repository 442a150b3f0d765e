package io.respool.dss;

/**
 * How {@link Dss#open} opens a file.
 */
public enum OpenFlag
{
    /** Open for reading (always implied). */
    READ,
    /** Open for writing. */
    WRITE,
    /** Create the file if it does not exist. */
    CREATE,
    /** With CREATE: fail if the file exists. */
    CREATE_NEW,
    /** Truncate to zero length on open. */
    TRUNCATE,
    /** Sequential writes go to the end of the file. */
    APPEND
}
