package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;

/**
 * Decides each membership view once: for every version, at most one view is ever decided, whoever proposes and
 * however proposers crash, pause or race. The disk implementation is {@link DiskPaxosRegister}; a coordination
 * service (ZooKeeper through Curator, etcd) can take its place by deciding version {@code v} with a
 * create-if-absent of key {@code v}. Polled, never blocking: {@link #doWork} does at most one I/O step, so that its
 * caller owns the thread and the clock. Not thread-safe: one caller drives it.
 */
public interface DecisionRegister
{
    /**
     * How the proposal last started ended.
     */
    enum Outcome
    {
        /** No proposal since the last one ended. */
        NONE,
        /** Steps remain: keep calling {@link #doWork}. */
        PENDING,
        /** A view was decided for the proposal's version: {@link #latest()}; it may be another proposer's. */
        DECIDED,
        /** Another proposer began a higher ballot, or an I/O failed: back off, learn, and propose again. */
        ABORTED
    }

    /**
     * @return the latest view this register knows to be decided, null if none yet.
     */
    MembershipView latest();

    /**
     * Start deciding {@code proposal.version()}, which must be one above {@link #latest()}'s (1 when none).
     *
     * @return false, doing nothing, if a proposal or a refresh is under way or the version is not the next one.
     */
    boolean propose(MembershipView proposal);

    /**
     * Start reading what other proposers decided, to raise {@link #latest()}.
     *
     * @return false if a proposal or refresh is under way.
     */
    boolean refresh();

    /**
     * @return true while a proposal or refresh has steps left.
     */
    boolean busy();

    /**
     * Do at most one step of I/O.
     *
     * @param nowNs the caller's monotonic clock.
     * @return 1 if a step was done, else 0.
     */
    int doWork(long nowNs);

    Outcome outcome();

    /**
     * @return why the last proposal aborted, null if it did not.
     */
    String abortReason();
}
