package io.respool.dms;

import java.util.concurrent.atomic.LongAdder;

/**
 * Whether normal page and lock requests may go out and be served, as openGauss's DRC_INACCESS / DRC_ACCESS /
 * PAGE_ACCESS: closed while a reform rebuilds the directory, recovery only while the database replays a removed
 * node's WAL, open otherwise. Written by the agent, read by application threads and masters. A page this node holds
 * already is latched whatever the gate says: by the one-writer rule no removed node can have changed it.
 */
final class AccessGate
{
    /** The stages, with stable codes. */
    enum Stage
    {
        /** No request goes out; masters drop what arrives. */
        CLOSED(0),
        /** Only recovery requests go out and are served. */
        RECOVERY(1),
        /** Everything is served. */
        OPEN(2);

        private final int code;

        Stage(final int code)
        {
            this.code = StableCodes.check(code, ordinal());
        }

        int code()
        {
            return code;
        }
    }

    private volatile Stage stage;
    private final LongAdder waited = new LongAdder();

    AccessGate(final Stage initial)
    {
        this.stage = initial;
    }

    Stage stage()
    {
        return stage;
    }

    /** Agent only. */
    void stage(final Stage next)
    {
        stage = next;
    }

    boolean isOpen()
    {
        return stage == Stage.OPEN;
    }

    /**
     * @param recovery whether the request is the database's recovery.
     * @return whether such a request may go out, or be served, now.
     */
    boolean admits(final boolean recovery)
    {
        final Stage s = stage;
        return s == Stage.OPEN || (recovery && s == Stage.RECOVERY);
    }

    /** Any thread: a request had to wait for the gate. */
    void countWait()
    {
        waited.increment();
    }

    long waited()
    {
        return waited.sum();
    }
}
