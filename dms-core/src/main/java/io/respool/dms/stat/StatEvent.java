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
    /** A reform's barrier for one step, from the step sent to every member's acknowledgement (reformer). */
    REFORM_STEP(9, "reform step barrier (reformer)"),
    /** A reform's rebuild on this node: scan, send, every batch acknowledged. */
    REFORM_REBUILD(10, "reform rebuild (this node)"),
    /** The database's recovery during a reform, on the recoverer. */
    REFORM_RECOVERY(11, "reform recovery (recoverer)");

    private static final StatEvent[] BY_ID = values();

    private final int id;
    private final String label;

    StatEvent(final int id, final String label)
    {
        this.id = StatIds.checkId(id, ordinal());
        this.label = label;
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
     * @param id slot.
     * @return the event, or null if this build does not know it.
     */
    public static StatEvent get(final int id)
    {
        return StatIds.byId(BY_ID, id);
    }
}
