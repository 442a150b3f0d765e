package io.respool.cluster.arbiter;

/**
 * The steps of {@link DiskPaxosRegister}; each {@code doWork} does one I/O of the state it is in.
 */
enum RegisterState
{
    /** Read this node's own block: a restarted proposer continues from what it last wrote. */
    RECOVER(0),
    /** Nothing under way. */
    IDLE(1),
    /** Read every other block for the decisions it carries. */
    REFRESH(2),
    /** Write own block with the new ballot as mbal. */
    PHASE1_WRITE(3),
    /** Read every other block: abort on a higher mbal, else pick the value of the highest bal. */
    PHASE1_READ(4),
    /** Write own block with bal = mbal and the picked value. */
    PHASE2_WRITE(5),
    /** Read every other block: abort on a higher mbal, else the value is chosen. */
    PHASE2_READ(6),
    /** Write own block with the decision, so that others learn it without a ballot. */
    COMMIT_WRITE(7);

    private final int code;

    RegisterState(final int code)
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
