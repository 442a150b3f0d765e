package io.respool.dms;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.ClientTimeoutException;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.logbuffer.FragmentHandler;
import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.PortHolder;
import io.respool.dms.diag.PortProbe;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

/**
 * A node's connection to one media driver: the Aeron client, the subscriptions (its UDP endpoint, and its IPC streams
 * on a shared driver) and the publications to each peer over the routes it uses ({@link PeerRoutes}). When the
 * driver is lost (it stopped heartbeating, or it timed this client out) the links are dead for good: the transport
 * closes them and opens new ones once a driver runs again. Single-threaded but for {@link #isConnected}: the node
 * agent.
 */
final class AeronLinks implements AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 16;

    private final Aeron aeron;
    private final AgentInvoker clientInvoker;
    private final Subscription[] udpSubscriptions = new Subscription[Lane.LANES.length];
    private final Subscription[] ipcSubscriptions = new Subscription[Lane.LANES.length];
    private final FragmentAssembler[] udpAssemblers = new FragmentAssembler[Lane.LANES.length];
    private final FragmentAssembler[] ipcAssemblers = new FragmentAssembler[Lane.LANES.length];
    private final ExclusivePublication[][] udp = new ExclusivePublication[Lane.LANES.length][NodeAddress.MAX_NODES];
    private final ExclusivePublication[][] ipc = new ExclusivePublication[Lane.LANES.length][NodeAddress.MAX_NODES];
    private final PeerRoutes routes;
    private volatile boolean driverLost;

    private AeronLinks(final Aeron.Context aeronCtx, final PeerRoutes routes)
    {
        this.routes = routes;
        this.aeron = Aeron.connect(aeronCtx);
        this.clientInvoker = aeron.conductorAgentInvoker();
    }

    /**
     * Connect to the driver and open every subscription and publication; on failure what was opened is closed.
     *
     * @param ctx      the node's settings.
     * @param driver   the embedded driver, or null for the external one.
     * @param routes   how each peer is reached.
     * @param handlers the fragment handler of each lane.
     * @param connect  turns Aeron's failure to reach the driver into the node's error.
     * @return the links.
     */
    static AeronLinks open(final DmsContext ctx, final MediaDriver driver, final PeerRoutes routes,
        final Function<Lane, FragmentHandler> handlers, final Function<RuntimeException, RuntimeException> connect)
    {
        final AeronLinks[] opened = new AeronLinks[1];
        final ErrorHandler errors = (throwable) ->
        {
            if (throwable instanceof DriverTimeoutException || throwable instanceof ClientTimeoutException)
            {
                // the client closes itself; the transport opens new links once a driver runs again
                if (opened[0] != null)
                {
                    opened[0].driverLost = true;
                }
                LoggerFactory.getLogger(AeronLinks.class).warn("media driver lost: nodeId={}, reason={}",
                    ctx.nodeId(), throwable.getMessage());
                return;
            }
            ctx.errorHandler().onError(throwable);
        };
        final AeronLinks links;
        try
        {
            links = new AeronLinks(AeronSetup.clientContext(ctx, driver, errors), routes);
        }
        catch (final RuntimeException ex)
        {
            throw connect.apply(ex);
        }
        opened[0] = links;
        try
        {
            links.subscribe(ctx, handlers);
            links.publish(ctx);
            return links;
        }
        catch (final RuntimeException | Error ex)
        {
            links.close();
            throw ex;
        }
    }

    private void subscribe(final DmsContext ctx, final Function<Lane, FragmentHandler> handlers)
    {
        final NodeAddress self = ctx.self();
        final String channel = AeronSetup.subscriptionChannel(self);
        for (final Lane lane : Lane.LANES)
        {
            try
            {
                udpSubscriptions[lane.code()] = aeron.addSubscription(channel, lane.streamId());
            }
            catch (final AeronException ex)
            {
                final List<PortHolder> holders = new PortProbe().holders(self.host(), self.port());
                if (!holders.isEmpty() || String.valueOf(ex.getMessage()).contains("Address already in use"))
                {
                    throw NodeLauncher.portConflict(ctx, holders);
                }
                throw ex;
            }
            udpAssemblers[lane.code()] = new FragmentAssembler(handlers.apply(lane));
            if (routes.subscribesIpc())
            {
                ipcSubscriptions[lane.code()] = aeron.addSubscription(AeronSetup.ipcChannel(ctx),
                    PeerRoutes.ipcStreamId(self, lane));
                ipcAssemblers[lane.code()] = new FragmentAssembler(handlers.apply(lane));
            }
        }
    }

    private void publish(final DmsContext ctx)
    {
        for (final NodeAddress node : ctx.nodeList().nodes())
        {
            final PeerRoute route = routes.route(node.id());
            if (route == null)
            {
                continue;
            }
            for (final Lane lane : Lane.LANES)
            {
                if (route.usesUdp())
                {
                    udp[lane.code()][node.id()] =
                        aeron.addExclusivePublication(AeronSetup.publicationChannel(ctx, node), lane.streamId());
                }
                if (route.usesIpc())
                {
                    ipc[lane.code()][node.id()] =
                        aeron.addExclusivePublication(AeronSetup.ipcChannel(ctx), PeerRoutes.ipcStreamId(node, lane));
                }
            }
        }
    }

    /**
     * @return whether the driver is gone for these links (they must be closed and opened again).
     */
    boolean isDriverLost()
    {
        return driverLost || aeron.isClosed();
    }

    /**
     * Run the client conductor's duty cycle.
     */
    int invoke()
    {
        return clientInvoker.invoke();
    }

    /**
     * Poll one lane, its IPC stream first: on one host a peer's traffic arrives there.
     */
    int poll(final Lane lane)
    {
        final int code = lane.code();
        int work = 0;
        if (ipcSubscriptions[code] != null)
        {
            work += ipcSubscriptions[code].poll(ipcAssemblers[code], FRAGMENT_LIMIT);
        }
        return work + udpSubscriptions[code].poll(udpAssemblers[code], FRAGMENT_LIMIT);
    }

    /**
     * @param node a peer of dms_url.
     * @param lane the lane.
     * @return the route a message to the peer on the lane takes now: {@link PeerRoute#IPC} or {@link PeerRoute#UDP}.
     */
    PeerRoute routeNow(final int node, final Lane lane)
    {
        final PeerRoute route = routes.route(node);
        if (route == PeerRoute.IPC_OR_UDP)
        {
            return ipc[lane.code()][node].isConnected() ? PeerRoute.IPC : PeerRoute.UDP;
        }
        return route;
    }

    /**
     * @param node a peer of dms_url.
     * @param lane the lane.
     * @param now  from {@link #routeNow}.
     * @return the publication to the peer on that lane and route.
     */
    ExclusivePublication publication(final int node, final Lane lane, final PeerRoute now)
    {
        return now == PeerRoute.IPC ? ipc[lane.code()][node] : udp[lane.code()][node];
    }

    /**
     * @return whether the peer's control lane is connected over any of its routes. Thread-safe.
     */
    boolean isConnected(final int node, final Lane lane)
    {
        final ExclusivePublication overUdp = udp[lane.code()][node];
        final ExclusivePublication overIpc = ipc[lane.code()][node];
        return (overUdp != null && overUdp.isConnected()) || (overIpc != null && overIpc.isConnected());
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(aeron);
    }
}
