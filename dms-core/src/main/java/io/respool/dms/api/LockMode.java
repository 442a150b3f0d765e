package io.respool.dms.api;

/**
 * Lock mode of a page or of a global lock, as in DMS: null, shared and exclusive. Codes are stable on the wire.
 */
public enum LockMode
{
    /** Not held. */
    NULL(0),
    /** Shared: any number of nodes may read. */
    S(1),
    /** Exclusive: one node may read and write. */
    X(2);

    private static final LockMode[] BY_CODE = values();

    private final int code;

    LockMode(final int code)
    {
        if (code != ordinal())
        {
            throw new IllegalStateException("code must equal ordinal: code=" + code + ", ordinal=" + ordinal());
        }
        this.code = code;
    }

    /**
     * Stable wire code.
     *
     * @return the code.
     */
    public int code()
    {
        return code;
    }

    /**
     * Whether holding this mode satisfies a request for {@code wanted}.
     *
     * @param wanted the mode asked for.
     * @return true if this mode is at least {@code wanted}.
     */
    public boolean covers(final LockMode wanted)
    {
        return code >= wanted.code;
    }

    /**
     * Decode a wire code.
     *
     * @param code the code.
     * @return the mode.
     * @throws IllegalArgumentException if the code is unknown.
     */
    public static LockMode get(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("unknown lock mode: code=" + code);
        }
        return BY_CODE[code];
    }
}
