package io.respool.dms;

/**
 * The steps of a reform, in the order a plan runs them (as openGauss's {@code dms_reform_step_t}); a plan leaves out
 * the steps its type does not need. The reformer moves every member through each step with a barrier between
 * steps. Codes are stable: they travel in REFORM_STEP and REFORM_ACK.
 */
enum ReformStep
{
    /** No reform. */
    IDLE(0),
    /** The plan is known: tell the database. */
    START(1),
    /** Switchover, on the old primary: the database stops writing. */
    DEMOTE(2),
    /** The epoch moves on (older messages are dropped from now on), the gate closes, deferred revokes are dropped. */
    DRC_INACCESS(3),
    /** Directory and global lock state are cleared. */
    DRC_CLEAN(4),
    /** The new partition map is installed. */
    REMASTER(5),
    /** Every member reports what it holds to each resource's new master, in acknowledged batches. */
    REBUILD(6),
    /** The new primary is told (failover, switchover). */
    PROMOTE(7),
    /** Masters serve again, recovery requests only. */
    DRC_ACCESS(8),
    /** The recoverer's database replays the removed nodes' WAL. */
    RECOVERY(9),
    /** The gate opens; outstanding requests are sent again under the new map. */
    PAGE_ACCESS(10),
    /** The new view is served. */
    DONE(11),
    /** The reform failed: nothing is served until a newer view. */
    FAILED(12);

    private static final ReformStep[] BY_CODE = values();

    private final int code;

    ReformStep(final int code)
    {
        this.code = StableCodes.check(code, ordinal());
    }

    int code()
    {
        return code;
    }

    static ReformStep get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
