package io.respool.dms;

import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsConfigException;
import io.respool.dms.api.DmsContext;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which peer a node reaches over which transport ({@link PeerRoute}), decided from the addresses of dms_url and the
 * driver in use: IPC needs one media driver that both nodes are clients of, so only a node on an external driver
 * ({@link DmsContext#externalAeronDirectory()}) sends IPC, and only to peers whose address is on this host. Each
 * node subscribes to IPC streams of its own, numbered from its address ({@link #ipcStreamId}), so that nodes of
 * several clusters may share one driver.
 */
final class PeerRoutes
{
    private final PeerRoute[] routes = new PeerRoute[NodeAddress.MAX_NODES];
    private final boolean subscribesIpc;

    private PeerRoutes(final boolean subscribesIpc)
    {
        this.subscribesIpc = subscribesIpc;
    }

    /**
     * @param ctx the node's concluded settings.
     * @return the routes to every peer of dms_url.
     */
    static PeerRoutes of(final DmsContext ctx)
    {
        return plan(ctx.transport(), ctx.externalAeronDirectory() != null, ctx.self(), ctx.nodeList().nodes(),
            PeerRoutes::isLocalHost);
    }

    /**
     * @param transport    {@code auto}, {@code udp} or {@code ipc}.
     * @param sharedDriver whether the node runs on an external driver, the one nodes of this host share.
     * @param self         this node.
     * @param nodes        every node of dms_url.
     * @param isLocal      whether a host name or address is one of this host's.
     * @return the routes.
     * @throws DmsConfigException if two nodes on this host would get the same IPC streams.
     */
    static PeerRoutes plan(final String transport, final boolean sharedDriver, final NodeAddress self,
        final List<NodeAddress> nodes, final Predicate<String> isLocal)
    {
        final boolean ipc = sharedDriver && !"udp".equals(transport);
        final PeerRoutes plan = new PeerRoutes(ipc);
        for (final NodeAddress node : nodes)
        {
            if (node.id() == self.id())
            {
                continue;
            }
            final boolean local = ipc && isLocal.test(node.host());
            plan.routes[node.id()] = !local ? PeerRoute.UDP : "ipc".equals(transport) ? PeerRoute.IPC :
                PeerRoute.IPC_OR_UDP;
        }
        if (ipc)
        {
            checkDistinctStreams(nodes, isLocal);
        }
        return plan;
    }

    private static void checkDistinctStreams(final List<NodeAddress> nodes, final Predicate<String> isLocal)
    {
        for (final NodeAddress a : nodes)
        {
            for (final NodeAddress b : nodes)
            {
                if (a.id() < b.id() && ipcStreamId(a, Lane.DATA) == ipcStreamId(b, Lane.DATA) &&
                    isLocal.test(a.host()) && isLocal.test(b.host()))
                {
                    throw new DmsConfigException("two nodes on this host would share IPC streams: node " + a +
                        " and node " + b + "; give them different ports, or set transport=udp");
                }
            }
        }
    }

    /**
     * @param node a peer.
     * @return how this node reaches it, or null for this node itself and ids outside dms_url.
     */
    PeerRoute route(final int node)
    {
        return routes[node];
    }

    /** Whether this node subscribes to its IPC streams: it runs on a shared driver and IPC is not turned off. */
    boolean subscribesIpc()
    {
        return subscribesIpc;
    }

    /**
     * The IPC stream a node receives a lane on: its port and the lane in the low 18 bits, a hash of its host above,
     * so that nodes on one port of different loopback addresses differ as well.
     *
     * @param node the receiving node.
     * @param lane the lane.
     * @return the stream id.
     */
    static int ipcStreamId(final NodeAddress node, final Lane lane)
    {
        final int hostHash = (node.host().hashCode() * 0x9E3779B1) >>> 19;
        return (hostHash << 18) | (node.port() << 2) | lane.code();
    }

    /**
     * @param host a host name or address of dms_url.
     * @return whether it is one of this host's addresses (loopback, wildcard, or an interface's).
     */
    static boolean isLocalHost(final String host)
    {
        try
        {
            final InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress() ||
                NetworkInterface.getByInetAddress(address) != null;
        }
        catch (final UnknownHostException | SocketException ex)
        {
            return false;
        }
    }
}
