package io.respool.dms.api;

/**
 * What kind of membership change a reform carries out, as openGauss's {@code dms_reform_type_t} has them. Codes are
 * stable (they travel in reform messages).
 */
public enum ReformType
{
    /** A member leaves or dies and the primary survives. */
    NORMAL(0),
    /** The primary died: another member is promoted. */
    FAILOVER(1),
    /** A planned move of the primary between two live members. */
    SWITCHOVER(2),
    /** A member joins, or rejoins after a restart; also a cluster's first reform. */
    JOIN(3);

    private static final ReformType[] BY_CODE = values();

    private final int code;

    ReformType(final int code)
    {
        this.code = code;
    }

    /**
     * @return the stable code.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a stable code.
     * @return the type, or null if unknown.
     */
    public static ReformType get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
