package io.respool.dms;

import io.respool.dms.stat.StatEvent;

/**
 * The steps of a reform, in the order a plan runs them (as openGauss's {@code dms_reform_step_t}); a plan leaves out
 * the steps its type does not need. The reformer moves every member through each step with a barrier between
 * steps. Codes are stable: they travel in REFORM_STEP and REFORM_ACK.
 */
enum ReformStep
{
    /** No reform. */
    IDLE(0, null),
    /** The plan is known: tell the database. */
    START(1, StatEvent.REFORM_STEP_START),
    /** Switchover, on the old primary: the database stops writing. */
    DEMOTE(2, StatEvent.REFORM_STEP_DEMOTE),
    /** The epoch moves on (older messages are dropped from now on), the gate closes, deferred revokes are dropped. */
    DRC_INACCESS(3, StatEvent.REFORM_STEP_DRC_INACCESS),
    /** Directory and global lock state are cleared. */
    DRC_CLEAN(4, StatEvent.REFORM_STEP_DRC_CLEAN),
    /** The new partition map is installed. */
    REMASTER(5, StatEvent.REFORM_STEP_REMASTER),
    /** Every member reports what it holds to each resource's new master, in acknowledged batches. */
    REBUILD(6, StatEvent.REFORM_STEP_REBUILD),
    /** The new primary is told (failover, switchover). */
    PROMOTE(7, StatEvent.REFORM_STEP_PROMOTE),
    /** Masters serve again, recovery requests only. */
    DRC_ACCESS(8, StatEvent.REFORM_STEP_DRC_ACCESS),
    /** The recoverer's database replays the removed nodes' WAL. */
    RECOVERY(9, StatEvent.REFORM_STEP_RECOVERY),
    /** The gate opens; outstanding requests are sent again under the new map. */
    PAGE_ACCESS(10, StatEvent.REFORM_STEP_PAGE_ACCESS),
    /** The new view is served. */
    DONE(11, StatEvent.REFORM_STEP_DONE),
    /** The reform failed: nothing is served until a newer view. */
    FAILED(12, StatEvent.REFORM_STEP_FAILED);

    private static final ReformStep[] BY_CODE = values();

    private final int code;
    private final StatEvent barrierEvent;

    ReformStep(final int code, final StatEvent barrierEvent)
    {
        this.code = StableCodes.check(code, ordinal());
        this.barrierEvent = barrierEvent;
    }

    int code()
    {
        return code;
    }

    /**
     * @return the histogram of this step's barrier on the reformer, null for IDLE (never a step of a plan).
     */
    StatEvent barrierEvent()
    {
        return barrierEvent;
    }

    static ReformStep get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
