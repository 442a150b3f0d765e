package io.respool.dms;

import io.respool.dms.stat.StatCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Under the fixed membership, a starting node serves nothing (its access gate stays closed: no grant of a page it
 * masters, no request out) until every peer of the view has admitted this incarnation. A peer that knew an older
 * incarnation of it refuses it instead (the node restarted while the cluster ran on, and only a reform could take
 * it back), and the node stops; before this, a restarted master granted its pages from disk, stale, to whoever
 * asked before a peer happened to refuse it. HELLO is resent on the timer until each peer answers. A peer at whose
 * address no process listens once the grace has passed (its lane never connected) is not waited for: it runs
 * nothing, so it holds nothing this node could contradict, and a node may run alone (a later start of it is a new
 * incarnation that this node has never seen). Agent only.
 */
final class StartHandshake
{
    private static final Logger LOG = LoggerFactory.getLogger(StartHandshake.class);

    private final int self;
    private final NodeServices services;
    private final PageClient pageClient;
    private final LockClient lockClient;
    private final long retryIntervalNs;
    private final long graceNs;
    private final Transport transport;
    private long startNs;
    /** Peers that have not admitted this incarnation yet. */
    private long pending;
    private long nextSendNs;
    private boolean sent;

    /**
     * @param peers the peers to hear from before the gate opens (none: no handshake, the gate is left as it is).
     */
    StartHandshake(final int self, final NodeServices services, final PageClient pageClient,
        final LockClient lockClient, final Transport transport, final long retryIntervalNs, final long graceNs,
        final long peers)
    {
        this.transport = transport;
        this.graceNs = graceNs;
        this.self = self;
        this.services = services;
        this.pageClient = pageClient;
        this.lockClient = lockClient;
        this.retryIntervalNs = retryIntervalNs;
        this.pending = peers;
    }

    /** Whether every peer has admitted this node. */
    boolean isDone()
    {
        return pending == 0;
    }

    /** A peer admitted this incarnation. */
    void onHelloAck(final MessageFlyweight msg, final long nowNs)
    {
        final long bit = 1L << msg.sourceNode();
        if ((pending & bit) == 0)
        {
            services.stats().increment(StatCounter.STALE_MESSAGES);
            return;
        }
        admitted(bit, nowNs);
    }

    private void admitted(final long peers, final long nowNs)
    {
        pending &= ~peers;
        if (pending == 0 && !services.isFailed())
        {
            LOG.info("every peer admitted this node: nodeId={}; it serves from now on", self);
            services.gate().stage(AccessGate.Stage.OPEN);
            pageClient.reopen(nowNs);
            lockClient.resendAll(nowNs);
        }
    }

    /** Send HELLO to the peers that have not answered, every retry interval. */
    int doWork(final long nowNs)
    {
        if (pending == 0 || (sent && nowNs - nextSendNs < 0) || services.isFailed())
        {
            return 0;
        }
        if (!sent)
        {
            sent = true;
            startNs = nowNs;
        }
        nextSendNs = nowNs + retryIntervalNs;
        long absent = 0;
        for (long rest = pending; rest != 0; rest &= rest - 1)
        {
            final int peer = Long.numberOfTrailingZeros(rest);
            if (nowNs - startNs >= graceNs && !transport.isConnected(peer))
            {
                absent |= 1L << peer;
            }
            services.proxy().hello(peer);
        }
        if (absent != 0)
        {
            LOG.info("peers not running, not waited for: nodeId={}, peers={}", self,
                io.respool.dms.api.MembershipView.describe(absent));
            admitted(absent, nowNs);
        }
        return 1;
    }
}
