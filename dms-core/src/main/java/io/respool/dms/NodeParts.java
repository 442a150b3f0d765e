package io.respool.dms;

import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.FixedMembershipSource;
import io.respool.dms.api.MembershipView;
import io.respool.dms.stat.StatCounter;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The parts of one node wired together over a transport: shared services, the outbound proxy, requester, owner
 * and master sides of cache fusion, global locks, broadcasts and the agent that runs them. {@link DmsNodeImpl} runs
 * the agent on its own thread over Aeron; a deterministic test steps it by hand over a simulated network.
 */
final class NodeParts
{
    final ConcurrentHashMap<Long, LocalPage> pages = new ConcurrentHashMap<>();
    final NodeServices services;
    /** Which start of this node this is: stamped on every message it sends. */
    final long incarnation;
    /** Moves the node from view to view. */
    final Reform reform;
    final DrcRebuild rebuild;
    final PageClient pageClient;
    final PageOwner pageOwner;
    final DrcMaster drc;
    final LockMaster lockMaster;
    final LockClient lockClient;
    final Broadcaster broadcaster;
    final NodeAgent agent;
    /** Counts every error and hands it to the context's handler, whichever thread ran the duty cycle. */
    final ErrorHandler errorHandler;

    /**
     * @param ctx       concluded settings.
     * @param stats     the node's statistics.
     * @param transport the network.
     * @param clock     read once per duty cycle.
     */
    NodeParts(final DmsContext ctx, final NodeStats stats, final Transport transport, final NanoClock clock)
    {
        // a fixed source serves its one view from the start, as DMS always ran; any other is reformed into first
        final MembershipView view = ctx.membershipSource().current();
        final boolean fixed = ctx.membershipSource() instanceof FixedMembershipSource;
        final PartitionMap partitionMap = PartitionMap.create(ctx.nodeList(), ctx.centralizedMaster(), fixed ? 1 : 0);
        // under the fixed view the gate opens once every peer admitted this incarnation (StartHandshake)
        final long peers = fixed ? view.members() & ~(1L << ctx.nodeId()) : 0;
        incarnation = ctx.incarnations() == null ? Incarnation.next() : ctx.incarnations().getAsLong();
        services = new NodeServices(ctx.nodeId(), stats, partitionMap, ctx.tombstoneTtlNs(),
            new AccessGate(fixed && peers == 0 ? AccessGate.Stage.OPEN : AccessGate.Stage.CLOSED),
            fixed ? view.version() : 0, fixed ? view.members() : 0, incarnation);
        services.proxy(new MessageProxy(ctx.nodeId(), incarnation, transport, services.epoch(),
            partitionMap.version(), Math.max(ctx.pageSize(), maxBroadcastLength(ctx))));
        pageClient = new PageClient(ctx, services, pages);
        pageOwner = new PageOwner(ctx, services, pages);
        drc = new DrcMaster(ctx, services);
        lockMaster = new LockMaster(services);
        lockClient = new LockClient(ctx, services);
        broadcaster = new Broadcaster(ctx, services, fixed ? peerBits(ctx) : 0);
        errorHandler = (throwable) ->
        {
            stats.increment(StatCounter.ERRORS);
            ctx.errorHandler().onError(throwable);
        };
        final PeerIncarnations incarnations = new PeerIncarnations(ctx.nodeId());
        rebuild = new DrcRebuild(ctx, services, pages, lockClient, drc, lockMaster);
        reform = new Reform(ctx.nodeId(), services, ctx.reformHandler(), ctx.centralizedOnPrimary(),
            ctx.retryIntervalNs(), ctx.reformStepTimeoutNs(), new Reform.Parts(pageClient, pageOwner, drc,
            lockMaster, lockClient, broadcaster, rebuild, incarnations), errorHandler, fixed ? view : null,
            peerBits(ctx) | 1L << ctx.nodeId());
        final StartHandshake handshake = new StartHandshake(ctx.nodeId(), services, pageClient, lockClient,
            transport, ctx.retryIntervalNs(), ctx.startGraceNs(), peers);
        agent = new NodeAgent(
            ctx, reform, incarnations, handshake, incarnation, transport, services, pageClient, pageOwner, drc,
            lockMaster, lockClient, broadcaster, clock, errorHandler);
        pageClient.agent(agent);
        lockClient.agent(agent);
        if (!fixed)
        {
            services.commands().offer(() -> reform.onView(view));
            ctx.membershipSource().listen((next) -> services.commands().offer(() -> reform.onView(next)));
        }
    }

    /**
     * @param ctx settings.
     * @return the largest broadcast payload: what fits in one MTU after the header and some slack.
     */
    static int maxBroadcastLength(final DmsContext ctx)
    {
        return ctx.mtuLength() - MessageDescriptor.HEADER_LENGTH - 64;
    }

    private static long peerBits(final DmsContext ctx)
    {
        long peers = 0;
        for (final NodeAddress node : ctx.nodeList().nodes())
        {
            if (node.id() != ctx.nodeId())
            {
                peers |= 1L << node.id();
            }
        }
        return peers;
    }
}
