package io.respool.cluster.arbiter;

import io.respool.dss.KickResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Making certain one removed node is fenced before the view that removes it is published: kick it (DSS), and if the
 * kick cannot be confirmed ({@link KickResult#UNCONFIRMED}: its process on another host did not answer), wait until
 * its disk heartbeat stayed unchanged for the lease timeout (its self-fence timeout is at most half of that, so it
 * has fenced itself) or it wrote that it fenced itself. A heartbeat that keeps changing means it runs: kick again.
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
    private final long leaseTimeoutNs;
    private State state;
    private long sinceNs;

    Fencing(final int victim, final Fencer fencer, final long leaseTimeoutNs, final long nowNs)
    {
        this.victim = victim;
        this.fencer = fencer;
        this.leaseTimeoutNs = leaseTimeoutNs;
        kick(nowNs, "removed by the decided view");
    }

    /**
     * @return true once the victim is certainly fenced.
     */
    boolean poll(final PeerWatch watch, final long nowNs)
    {
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
                if (watch.selfFenced())
                {
                    state(State.CONFIRMED, nowNs, "its heartbeat says it fenced itself");
                }
                else if (watch.unchangedNs(nowNs) >= leaseTimeoutNs)
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

    private void kick(final long nowNs, final String reason)
    {
        fencer.start(victim);
        state(State.KICKING, nowNs, reason);
    }

    private void state(final State newState, final long nowNs, final String reason)
    {
        LOG.info("fencing node {}: {} -> {}: {}", victim, state, newState, reason);
        state = newState;
        sinceNs = nowNs;
    }
}
