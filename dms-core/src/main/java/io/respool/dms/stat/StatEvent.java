package io.respool.dms.stat;

/**
 * Timed events, each with a latency histogram summarised into the statistics file. Ids are stable.
 */
public enum StatEvent
{
    /** Page request resolved at a local master, no network hop. */
    PAGE_1WAY(0, "page request 1-way"),
    /** Page request with one network round trip. */
    PAGE_2WAY(1, "page request 2-way"),
    /** Page request forwarded by a remote master to a third node. */
    PAGE_3WAY(2, "page request 3-way"),
    /** Master: invalidating the shared copies of an X request, first send to last ack. */
    INVALIDATION(3, "invalidate shared copies (master)"),
    /** Master: from a conversion starting to its claim arriving. */
    CLAIM(4, "conversion until claim (master)"),
    /** Global lock request until granted. */
    LOCK_WAIT(5, "global lock wait"),
    /** Broadcast until every acknowledgement. */
    BROADCAST(6, "broadcast until all acks"),
    /** Release request until the master's answer. */
    RELEASE(7, "release owner"),
    /** A reform, from the new view to normal access open (on the reformer). */
    REFORM(8, "reform, view to access open (reformer)"),
    /**
     * A reform's barrier for one step, any step, from the step sent to every member's acknowledgement (reformer).
     * Each step also has its own histogram, {@link #REFORM_STEP_START} on.
     */
    REFORM_STEP(9, "reform step barrier, all (reformer)"),
    /** A reform's rebuild on this node: scan, send, every batch acknowledged. */
    REFORM_REBUILD(10, "reform rebuild (this node)"),
    /** The database's recovery during a reform, on the recoverer. */
    REFORM_RECOVERY(11, "reform recovery (recoverer)"),
    /** The reform step START's barrier (reformer). Ids 12 to 23 are the steps' in the order of their codes. */
    REFORM_STEP_START(12, "reform step START barrier (reformer)"),
    /** The reform step DEMOTE's barrier (reformer). */
    REFORM_STEP_DEMOTE(13, "reform step DEMOTE barrier (reformer)"),
    /** The reform step DRC_INACCESS's barrier (reformer). */
    REFORM_STEP_DRC_INACCESS(14, "reform step DRC_INACCESS barrier (reformer)"),
    /** The reform step DRC_CLEAN's barrier (reformer). */
    REFORM_STEP_DRC_CLEAN(15, "reform step DRC_CLEAN barrier (reformer)"),
    /** The reform step REMASTER's barrier (reformer). */
    REFORM_STEP_REMASTER(16, "reform step REMASTER barrier (reformer)"),
    /** The reform step REBUILD's barrier (reformer). */
    REFORM_STEP_REBUILD(17, "reform step REBUILD barrier (reformer)"),
    /** The reform step PROMOTE's barrier (reformer). */
    REFORM_STEP_PROMOTE(18, "reform step PROMOTE barrier (reformer)"),
    /** The reform step DRC_ACCESS's barrier (reformer). */
    REFORM_STEP_DRC_ACCESS(19, "reform step DRC_ACCESS barrier (reformer)"),
    /** The reform step RECOVERY's barrier (reformer). */
    REFORM_STEP_RECOVERY(20, "reform step RECOVERY barrier (reformer)"),
    /** The reform step PAGE_ACCESS's barrier (reformer). */
    REFORM_STEP_PAGE_ACCESS(21, "reform step PAGE_ACCESS barrier (reformer)"),
    /** The reform step DONE's barrier (reformer). */
    REFORM_STEP_DONE(22, "reform step DONE barrier (reformer)"),
    /** The reform step FAILED's barrier (reformer). */
    REFORM_STEP_FAILED(23, "reform step FAILED barrier (reformer)");

    private static final StatEvent[] BY_ID = values();

    private final int id;
    private final String label;
    private final String reformStep;

    StatEvent(final int id, final String label)
    {
        this.id = StatIds.checkId(id, ordinal());
        this.label = label;
        final String stepPrefix = "REFORM_STEP_";
        this.reformStep = name().startsWith(stepPrefix) ? name().substring(stepPrefix.length()) : null;
    }

    /**
     * @return slot in the file.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return human-readable label.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return the name of the reform step whose barrier this is (such as {@code REBUILD}), or null if it is not one
     * step's barrier: taken from the name, {@code REFORM_STEP_<step>}, so only a step's barrier may be named so.
     */
    public String reformStep()
    {
        return reformStep;
    }

    /**
     * @param id slot.
     * @return the event, or null if this build does not know it.
     */
    public static StatEvent get(final int id)
    {
        return StatIds.byId(BY_ID, id);
    }
}
