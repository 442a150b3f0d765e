package io.respool.dms;

/**
 * The Aeron streams between two nodes. Claims, invalidations and control messages ride their own streams, and the
 * agent polls them before the data lane, so they never wait behind page requests and page transfers (the lesson
 * of DMS's MES priorities: a claim stuck behind new requests deadlocks the master's queue).
 */
enum Lane
{
    /** Page requests, forwards, grants and page transfers. */
    DATA(0, 1001),
    /** Ownership claims, invalidations, releases and earlier-dirty-page cleaning. */
    CLAIM(1, 1002),
    /** Global locks, broadcasts. */
    CONTROL(2, 1003);

    static final Lane[] LANES = values();

    private final int code;
    private final int streamId;

    Lane(final int code, final int streamId)
    {
        this.code = StableCodes.check(code, ordinal());
        this.streamId = streamId;
    }

    int code()
    {
        return code;
    }

    int streamId()
    {
        return streamId;
    }
}
