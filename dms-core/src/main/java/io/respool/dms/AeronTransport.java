package io.respool.dms;

import io.aeron.AeronVersion;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.logbuffer.FragmentHandler;
import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.stat.StatCounter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Aeron transport of one node: an embedded media driver in {@link io.aeron.driver.ThreadingMode#INVOKER} mode and an
 * Aeron client whose conductor is invoked too, so that the driver, the client and the DMS logic all run in the
 * node's one duty cycle (no thread spins on its own: on 2 cores that is what keeps latency in microseconds). With
 * {@link DmsContext#externalAeronDirectory(String)} set, the client connects to that driver instead; the node
 * neither stops it nor touches its directory, and peers on this host are reached over Aeron IPC through it
 * ({@link PeerRoutes}). One UDP subscription per {@link Lane} on the node's own endpoint (and one IPC stream per
 * lane on a shared driver); one exclusive publication per lane per peer and route. Messages to self skip the
 * network through a local queue. An external driver that dies (or any driver that times this client out after a
 * stall) is reconnected to once one runs again in its directory ({@link #invoke()}); meanwhile every send to a peer
 * fails, counted, and the protocol's resends make it good. Single-threaded after construction: whoever holds the duty lock.
 */
final class AeronTransport implements Transport, AutoCloseable
{
    private static final int MAX_OFFER_ATTEMPTS = 200;
    private static final long RECONNECT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long ROUTE_REFRESH_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final DmsContext ctx;
    private final int self;
    private final NodeAddress selfAddress;
    private final long driverTimeoutMs;
    private final NodeStats stats;
    private final LossInjector loss;
    private final MediaDriver driver;
    private final AgentInvoker driverInvoker;
    private final PeerRoutes routes;
    private final NanoClock clock;
    private final PeerRoute[] inUse = new PeerRoute[NodeAddress.MAX_NODES];
    private long ipcPeers;
    private long udpPeers;
    private volatile AeronLinks links;
    private long nextReconnectNs;
    private long nextRouteRefreshNs;
    private ExpandableRingBuffer selfQueue =
        new ExpandableRingBuffer(64 * 1024, ExpandableRingBuffer.MAX_CAPACITY, false);
    private ExpandableRingBuffer selfDraining =
        new ExpandableRingBuffer(64 * 1024, ExpandableRingBuffer.MAX_CAPACITY, false);
    private UnsafeBuffer selfScratch;
    private MessageSink sink;
    private final ExpandableRingBuffer.MessageConsumer selfConsumer = (buffer, offset, length, headOffset) ->
    {
        sink.onMessage(buffer, offset, length, true);
        return true;
    };
    private boolean closed;

    private AeronTransport(final DmsContext ctx, final NodeStats stats, final MediaDriver driver,
        final PeerRoutes routes, final NanoClock clock)
    {
        this.ctx = ctx;
        this.selfAddress = ctx.self();
        this.self = selfAddress.id();
        this.driverTimeoutMs = ctx.driverTimeoutMs();
        this.stats = stats;
        this.loss = new LossInjector(ctx.lossRate(), ctx.lossSeed());
        this.driver = driver;
        this.driverInvoker = driver != null ? driver.sharedAgentInvoker() : null;
        this.routes = routes;
        this.clock = clock;
    }

    /**
     * Start the driver and client, subscribe to this node's endpoint and publish to each peer. On failure,
     * everything opened so far is closed again.
     */
    static AeronTransport start(final DmsContext ctx, final NodeDirectory directory, final NodeStats stats)
    {
        MediaDriver driver = null;
        try
        {
            if (ctx.externalAeronDirectory() == null)
            {
                driver = MediaDriver.launch(
                    AeronSetup.driverContext(ctx, directory.aeronDirectory(), ctx.errorHandler()));
            }
            final AeronTransport transport = new AeronTransport(ctx, stats, driver, PeerRoutes.of(ctx),
                new SystemNanoClock());
            transport.links = transport.openLinks();
            for (final NodeAddress node : ctx.nodeList().nodes())
            {
                transport.route(node.id(), transport.routes.route(node.id()) == PeerRoute.IPC ?
                    PeerRoute.IPC : PeerRoute.UDP);
            }
            return transport;
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    private AeronLinks openLinks()
    {
        return AeronLinks.open(ctx, driver, routes, this::onFragment, this::driverUnreachable);
    }

    /**
     * An external driver that is not running is the likely mistake with that setting, so Aeron's timeout (after
     * {@link DmsContext#driverTimeoutMs()}) becomes one line naming the directory and the fix.
     */
    private RuntimeException driverUnreachable(final RuntimeException ex)
    {
        if (driver != null)
        {
            return ex;
        }
        final String dir = new File(ctx.externalAeronDirectory()).getAbsolutePath();
        if (ex instanceof DriverTimeoutException)
        {
            return new DmsException(DmsErrorCode.MEDIA_DRIVER,
                "no media driver runs in the external Aeron directory: nodeId=" + ctx.nodeId() +
                ", dir=" + dir + ", driverTimeoutMs=" + ctx.driverTimeoutMs() + ", reason=" + ex.getMessage() +
                "; start the media driver (java -cp <aeron-all jar> -Daeron.dir=" + dir +
                " io.aeron.driver.MediaDriver) or unset " + DmsContext.EXTERNAL_AERON_DIR_PROP_NAME +
                " to embed one", ex);
        }
        if (ex instanceof AeronException)
        {
            return new DmsException(DmsErrorCode.MEDIA_DRIVER,
                "cannot connect to the external media driver: nodeId=" + ctx.nodeId() +
                ", dir=" + dir + ", reason=" + ex.getMessage() + "; check that this user can read and write " + dir +
                " and that the driver runs Aeron " + AeronVersion.VERSION, ex);
        }
        return ex;
    }

    private FragmentHandler onFragment(final Lane lane)
    {
        return (buffer, offset, length, header) ->
        {
            stats.increment(StatCounter.MESSAGES_RECEIVED);
            if (loss.shouldDrop())
            {
                stats.increment(StatCounter.MESSAGES_DROPPED_INJECTED);
                return;
            }
            sink.onMessage(buffer, offset, length, false);
        };
    }

    @Override
    public void sink(final MessageSink sink)
    {
        this.sink = sink;
    }

    /**
     * Run the driver and client conductor duty cycles; with the external driver lost, close the dead links and try
     * again every {@link #RECONNECT_INTERVAL_NS} until a driver runs in its directory.
     */
    @Override
    public int invoke()
    {
        int work = 0;
        if (driverInvoker != null)
        {
            work += driverInvoker.invoke();
        }
        final AeronLinks current = links;
        if (current != null && !current.isDriverLost())
        {
            refreshRoutes(current);
            return work + current.invoke();
        }
        return work + reconnect(current);
    }

    /**
     * Every {@link #ROUTE_REFRESH_INTERVAL_NS}, note the route each peer would be sent on now, so that the statistics
     * show peers this node has not sent to lately (a send notes it too).
     */
    private void refreshRoutes(final AeronLinks current)
    {
        final long nowNs = clock.nanoTime();
        if (nowNs - nextRouteRefreshNs < 0)
        {
            return;
        }
        nextRouteRefreshNs = nowNs + ROUTE_REFRESH_INTERVAL_NS;
        for (final NodeAddress node : ctx.nodeList().nodes())
        {
            if (routes.route(node.id()) != null)
            {
                route(node.id(), current.routeNow(node.id(), Lane.CONTROL));
            }
        }
    }

    private int reconnect(final AeronLinks lost)
    {
        if (lost != null)
        {
            links = null;
            lost.close();
            stats.increment(StatCounter.DRIVER_LOST);
            LoggerFactory.getLogger(AeronTransport.class).warn("media driver lost, sends to peers fail until one " +
                "runs again: nodeId={}, aeron.dir={}", self, aeronDirectory());
            nextReconnectNs = clock.nanoTime();
        }
        final long nowNs = clock.nanoTime();
        if (nowNs - nextReconnectNs < 0)
        {
            return 0;
        }
        nextReconnectNs = nowNs + RECONNECT_INTERVAL_NS;
        // an embedded driver runs in this duty cycle (it timed this client out after a stall): connect at once
        if (driver == null &&
            !CommonContext.isDriverActive(new File(aeronDirectory()), driverTimeoutMs, (message) -> {}))
        {
            return 0;
        }
        try
        {
            links = openLinks();
        }
        catch (final RuntimeException ex)
        {
            LoggerFactory.getLogger(AeronTransport.class).warn("media driver reconnect failed, trying again: " +
                "nodeId={}, aeron.dir={}, reason={}", self, aeronDirectory(), ex.toString());
            return 1;
        }
        stats.increment(StatCounter.DRIVER_RECONNECTS);
        LoggerFactory.getLogger(AeronTransport.class).info("media driver reconnected: nodeId={}, aeron.dir={}",
            self, aeronDirectory());
        return 1;
    }

    private String aeronDirectory()
    {
        return driver != null ? driver.aeronDirectoryName() : ctx.externalAeronDirectory();
    }

    /**
     * Deliver self messages, then poll lanes in priority order: control, claim, data; then deliver the self messages
     * those produced, so that a request a master forwards to itself (master and owner on one node) is served in
     * this duty cycle rather than after another round of the driver.
     */
    @Override
    public int poll()
    {
        int work = drainSelf();
        final AeronLinks current = links;
        if (current != null)
        {
            work += current.poll(Lane.CONTROL);
            work += current.poll(Lane.CLAIM);
            work += current.poll(Lane.DATA);
        }
        return work + drainSelf();
    }

    private int drainSelf()
    {
        if (selfQueue.isEmpty())
        {
            return 0;
        }
        final ExpandableRingBuffer draining = selfQueue;
        selfQueue = selfDraining;
        selfDraining = draining;
        return draining.consume(selfConsumer, Integer.MAX_VALUE);
    }

    /**
     * Send one message. A failure is counted and reported as false; callers rely on retransmits and re-drives.
     */
    @Override
    public boolean send(
        final int destination, final Lane lane, final DirectBuffer buffer, final int offset, final int length)
    {
        return send(destination, lane, buffer, offset, length, null, 0, 0);
    }

    /**
     * Send a header and a payload in one message, gathered straight from both buffers into the publication's log
     * (a shipped page goes from the page store to the log in one copy).
     */
    @Override
    public boolean send(final int destination, final Lane lane, final DirectBuffer header, final int headerOffset,
        final int headerLength, final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        return send(destination, lane, header, headerOffset, headerLength, payload, payloadOffset, payloadLength,
            MAX_OFFER_ATTEMPTS);
    }

    /** One offer: back pressure refuses the message at once. */
    @Override
    public boolean offer(final int destination, final Lane lane, final DirectBuffer header, final int headerOffset,
        final int headerLength, final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        return send(destination, lane, header, headerOffset, headerLength, payload, payloadOffset, payloadLength, 0);
    }

    private boolean send(final int destination, final Lane lane, final DirectBuffer header, final int headerOffset,
        final int headerLength, final DirectBuffer payload, final int payloadOffset, final int payloadLength,
        final int maxAttempts)
    {
        stats.increment(StatCounter.MESSAGES_SENT);
        if (destination == self)
        {
            return appendSelf(header, headerOffset, headerLength, payload, payloadOffset, payloadLength);
        }
        if (destination < 0 || destination >= NodeAddress.MAX_NODES || routes.route(destination) == null)
        {
            throw new IllegalArgumentException("no such node: self=" + self + ", destination=" + destination +
                "; nodes are those of dms_url");
        }
        final AeronLinks current = links;
        if (current == null)
        {
            stats.increment(StatCounter.SEND_NOT_CONNECTED);
            return false;
        }
        final PeerRoute now = current.routeNow(destination, lane);
        final ExclusivePublication publication = current.publication(destination, lane, now);
        route(destination, now);
        for (int attempt = 0; ; attempt++)
        {
            final long result = payload == null ? publication.offer(header, headerOffset, headerLength) :
                publication.offer(header, headerOffset, headerLength, payload, payloadOffset, payloadLength);
            if (result > 0)
            {
                return true;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED ||
                result == Publication.MAX_POSITION_EXCEEDED)
            {
                stats.increment(StatCounter.SEND_NOT_CONNECTED);
                return false;
            }
            if (attempt >= maxAttempts)
            {
                stats.increment(StatCounter.SEND_BACK_PRESSURED);
                return false;
            }
            invoke();
            if (driver == null)
            {
                // an external driver's thread moves the publication's limit on: on 2 cores it needs this one's
                Thread.yield();
            }
        }
    }

    private boolean appendSelf(final DirectBuffer header, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        if (payload == null)
        {
            return selfQueue.append(header, headerOffset, headerLength);
        }
        final int length = headerLength + payloadLength;
        if (selfScratch == null || selfScratch.capacity() < length)
        {
            selfScratch = new UnsafeBuffer(new byte[length]);
        }
        selfScratch.putBytes(0, header, headerOffset, headerLength);
        selfScratch.putBytes(headerLength, payload, payloadOffset, payloadLength);
        return selfQueue.append(selfScratch, 0, length);
    }

    /**
     * Remember the route a peer's messages take now, and publish which peers use which in the statistics file.
     */
    private void route(final int node, final PeerRoute route)
    {
        if (inUse[node] == route || routes.route(node) == null)
        {
            return;
        }
        inUse[node] = route;
        final long bit = 1L << node;
        ipcPeers = route == PeerRoute.IPC ? ipcPeers | bit : ipcPeers & ~bit;
        udpPeers = route == PeerRoute.UDP ? udpPeers | bit : udpPeers & ~bit;
        stats.set(StatCounter.PEERS_OVER_IPC, ipcPeers);
        stats.set(StatCounter.PEERS_OVER_UDP, udpPeers);
    }

    @Override
    public boolean isConnected(final int node)
    {
        final AeronLinks current = links;
        return current != null && routes.route(node) != null && current.isConnected(node, Lane.CONTROL);
    }

    /**
     * Thread-safe: reads publication state written by the agent thread.
     */
    boolean allConnected()
    {
        final AeronLinks current = links;
        if (current == null)
        {
            return false;
        }
        for (final NodeAddress node : ctx.nodeList().nodes())
        {
            if (routes.route(node.id()) == null)
            {
                continue;
            }
            for (final Lane lane : Lane.LANES)
            {
                if (!current.isConnected(node.id(), lane))
                {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final AeronLinks current = links;
        links = null;
        CloseHelper.quietCloseAll(current, driver);
        if (driver == null && current != null)
        {
            awaitPortReleased();
        }
    }

    /**
     * An external driver outlives the node and closes the node's socket only once its timers have cleaned up the
     * closed client's subscriptions and images: about 1.4 s later with Aeron's defaults (closing the subscriptions
     * one by one first does not shorten it). Wait for that, bounded by the driver timeout, so that close leaves the
     * port free as with an embedded driver, and a node started again on the same port passes the port check.
     */
    private void awaitPortReleased()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(driverTimeoutMs);
        while (!isPortFree())
        {
            if (deadlineNs - System.nanoTime() < 0)
            {
                LoggerFactory.getLogger(AeronTransport.class).warn("the external media driver still holds the " +
                    "node's port after close: nodeId={}, address={}, driverTimeoutMs={}",
                    self, selfAddress.endpoint(), driverTimeoutMs);
                return;
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean isPortFree()
    {
        try (DatagramSocket probe = new DatagramSocket(null))
        {
            probe.bind(new InetSocketAddress(InetAddress.getByName(selfAddress.host()), selfAddress.port()));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
