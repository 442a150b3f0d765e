package io.respool.common;

/**
 * How bad an error is, the same scale in DSS and DMS (as Aeron's {@code AeronException.Category}).
 */
public enum ErrorCategory
{
    /** The instance or node cannot go on: it must be restarted or repaired. */
    FATAL,
    /** The operation failed; the instance or node goes on. */
    ERROR,
    /** Something is odd but nothing failed. */
    WARN
}
