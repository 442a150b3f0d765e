package io.respool.dms;

import io.respool.dms.api.LockMode;

import static io.respool.dms.MessageDescriptor.NO_NODE;

/**
 * One page request at its master, from arrival to claim. A small state machine: every change goes through
 * {@link #state(State, long)}.
 */
final class Conversion
{
    /** States of a conversion. Codes are stable. */
    enum State
    {
        /** Waiting behind another conversion of the same page. */
        QUEUED(0),
        /** An X request: waiting for every shared copy to be dropped. */
        INVALIDATING(1),
        /** Grant, already-owner or forward sent: waiting for the requester's claim. */
        AWAIT_CLAIM(2),
        /** Claimed: the directory entry is updated. */
        DONE(3);

        private final int code;

        State(final int code)
        {
            this.code = StableCodes.check(code, ordinal());
        }

        int code()
        {
            return code;
        }
    }

    /** What the master told whom. */
    enum Action
    {
        NONE, GRANT, ALREADY_OWNER, FORWARD
    }

    final int requester;
    final long serial;
    final LockMode mode;
    final long arrivedNs;
    State state = State.QUEUED;
    Action action = Action.NONE;
    int target = NO_NODE;
    int flags;
    long seq;
    long pendingInvalidate;
    long invalidateStartNs;
    long startNs;
    long lastActionNs;

    Conversion(final int requester, final long serial, final LockMode mode, final long nowNs)
    {
        this.requester = requester;
        this.serial = serial;
        this.mode = mode;
        this.arrivedNs = nowNs;
    }

    void state(final State newState, final long nowNs)
    {
        if (newState.code() < state.code())
        {
            throw new IllegalStateException("conversion cannot go back: from=" + state + ", to=" + newState +
                ", requester=" + requester + ", serial=" + serial);
        }
        state = newState;
        lastActionNs = nowNs;
    }

    @Override
    public String toString()
    {
        return "Conversion{requester=" + requester + ", serial=" + serial + ", mode=" + mode + ", state=" + state +
            ", action=" + action + ", target=" + target + ", seq=" + seq + ", pendingInvalidate=0x" +
            Long.toHexString(pendingInvalidate) + "}";
    }
}
