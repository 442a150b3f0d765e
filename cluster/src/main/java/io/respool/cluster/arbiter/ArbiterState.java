package io.respool.cluster.arbiter;

/**
 * The arbiter's life: it joins (learns or proposes the first view), serves as a member, and ends fenced.
 */
public enum ArbiterState
{
    /** Recovering its register, learning the latest view, proposing the first one if none was ever decided. */
    JOINING(0),
    /** A member of the latest view it published. */
    MEMBER(1),
    /** Fenced by itself: not renewed in time, removed, cut off from the primary, or not a member at start. */
    FENCED(2);

    private final int code;

    ArbiterState(final int code)
    {
        if (code != ordinal())
        {
            throw new IllegalStateException("code must equal ordinal: " + code + " != " + ordinal());
        }
        this.code = code;
    }

    public int code()
    {
        return code;
    }
}
