package io.respool.common;

/**
 * The shape every error of ours has: a numeric code that never changes meaning (scripts and logs may match on it)
 * and a category. DSS codes are 2001 to 2999, DMS codes 3001 to 3999. Implemented by each core's error-code enum.
 */
public interface StableCode
{
    /**
     * @return the stable numeric value.
     */
    int code();

    /**
     * @return how bad an error with this code is, unless the thrower says otherwise.
     */
    ErrorCategory category();

    /**
     * @return the constant's name, e.g. {@code NOT_FOUND}.
     */
    String name();
}
