package io.respool.cluster.arbiter;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.ProcessIdentity;
import io.respool.dss.KickResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Making certain one removed node is fenced before the view that removes it is published: kick it (DSS), and if the
 * kick cannot be confirmed ({@link KickResult#UNCONFIRMED}: its process on another host did not answer), wait until
 * its disk heartbeat stayed unchanged for the lease timeout (its self-fence timeout is at most half of that, so it
 * has fenced itself) or it wrote that it fenced itself. A heartbeat that keeps changing means it runs: kick again.
 * <p>
 * A victim on this host needs no wait: once its storage fence is raised ({@link Fencer#fenceRaised}) and its process
 * (the pid and start time of its heartbeat sector) is gone, nothing of it can write again, so it is fenced without
 * waiting for the kick's own verdict (DSS waits a second of silence before it looks at the process). A stopped one
 * (SIGSTOP) is killed first; the kill is the fence, as DSS's kick kills a same-host victim that does not answer.
 * <p>
 * The victim is the process that may have served: the one of its latest sector in a member state ({@link
 * PeerWatch#memberProcess}), and its lease is counted on {@link PeerWatch#memberUnchangedNs}, so that a new process of
 * the node, already renewing a joining or restarted sector, neither keeps the fence waiting nor ends it early.
 */
final class Fencing
{
    private static final Logger LOG = LoggerFactory.getLogger(Fencing.class);

    enum State
    {
        KICKING, AWAITING_EXPIRY, CONFIRMED
    }

    private final int victim;
    private final Fencer fencer;
    private final HostProcesses processes;
    private final long leaseTimeoutNs;
    private State state;
    private long sinceNs;
    private boolean killSent;
    private String how = "";

    Fencing(final int victim, final Fencer fencer, final HostProcesses processes, final long leaseTimeoutNs,
        final long nowNs)
    {
        this.victim = victim;
        this.fencer = fencer;
        this.processes = processes;
        this.leaseTimeoutNs = leaseTimeoutNs;
        kick(nowNs, "removed by the decided view");
    }

    /**
     * @return true once the victim is certainly fenced.
     */
    boolean poll(final PeerWatch watch, final long nowNs)
    {
        if (state != State.CONFIRMED)
        {
            checkProcessHere(watch.memberProcess(), nowNs);
        }
        switch (state)
        {
            case KICKING ->
            {
                final KickResult result = fencer.poll(victim);
                if (result == KickResult.UNCONFIRMED)
                {
                    state(State.AWAITING_EXPIRY, nowNs, "kick unconfirmed: waiting for its lease to expire");
                }
                else if (result != null)
                {
                    state(State.CONFIRMED, nowNs, "kick " + result);
                }
            }
            case AWAITING_EXPIRY ->
            {
                if (watch.memberSelfFenced())
                {
                    state(State.CONFIRMED, nowNs, "its heartbeat says it fenced itself");
                }
                else if (watch.memberUnchangedNs(nowNs) >= leaseTimeoutNs)
                {
                    state(State.CONFIRMED, nowNs, "heartbeat unchanged for the lease timeout");
                }
                else if (nowNs - sinceNs >= leaseTimeoutNs)
                {
                    kick(nowNs, "heartbeat still changing after an unconfirmed kick");
                }
            }
            case CONFIRMED ->
            {
            }
            default -> throw new IllegalStateException("unknown state " + state);
        }
        return state == State.CONFIRMED;
    }

    private void checkProcessHere(final ProcessIdentity process, final long nowNs)
    {
        switch (processes.status(process))
        {
            case GONE ->
            {
                if (fencer.fenceRaised(victim))
                {
                    state(State.CONFIRMED, nowNs, "its process (" + process + ") on this host is gone and its " +
                        "storage fence is raised");
                }
            }
            case STOPPED ->
            {
                if (!killSent)
                {
                    killSent = processes.kill(process);
                    LOG.info("fencing node {}: its process ({}) on this host is stopped: SIGKILL {}", victim,
                        process, killSent ? "sent, waiting for it to exit" : "could not be sent");
                }
            }
            case RUNNING, ELSEWHERE ->
            {
            }
            default -> throw new IllegalStateException("unknown process status");
        }
    }

    private void kick(final long nowNs, final String reason)
    {
        fencer.start(victim);
        state(State.KICKING, nowNs, reason);
    }

    boolean confirmed()
    {
        return state == State.CONFIRMED;
    }

    /**
     * @return what confirmed the fence, once {@link #poll} returned true.
     */
    String how()
    {
        return how;
    }

    private void state(final State newState, final long nowNs, final String reason)
    {
        how = reason;
        LOG.info("fencing node {}: {} -> {}: {}", victim, state, newState, reason);
        state = newState;
        sinceNs = nowNs;
    }
}
