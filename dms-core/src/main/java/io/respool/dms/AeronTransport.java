package io.respool.dms;

import io.aeron.Aeron;
import io.aeron.AeronVersion;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.logbuffer.FragmentHandler;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsException;
import io.respool.common.NodeAddress;
import io.respool.dms.api.PortHolder;
import io.respool.dms.diag.PortProbe;
import io.respool.dms.stat.StatCounter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Aeron transport of one node: an embedded media driver in {@link io.aeron.driver.ThreadingMode#INVOKER} mode and an
 * Aeron client whose conductor is invoked too, so that the driver, the client and the DMS logic all run in the
 * node's one duty cycle (no thread spins on its own: on 2 cores that is what keeps latency in microseconds). With
 * {@link DmsContext#externalAeronDirectory(String)} set, the client connects to that driver instead; the node
 * neither stops it nor touches its directory. One subscription per {@link Lane} on the node's own endpoint; one
 * exclusive publication per lane per peer. Messages to self skip the network through a local queue.
 * Single-threaded after construction: whoever holds the duty lock.
 */
final class AeronTransport implements Transport, AutoCloseable
{
    private static final int MAX_OFFER_ATTEMPTS = 200;
    private static final int FRAGMENT_LIMIT = 16;

    private final int self;
    private final NodeAddress selfAddress;
    private final long driverTimeoutMs;
    private final NodeStats stats;
    private final LossInjector loss;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final Subscription[] subscriptions = new Subscription[Lane.LANES.length];
    private final FragmentAssembler[] assemblers = new FragmentAssembler[Lane.LANES.length];
    private final ExclusivePublication[][] publications;
    private ExpandableRingBuffer selfQueue =
        new ExpandableRingBuffer(64 * 1024, ExpandableRingBuffer.MAX_CAPACITY, false);
    private ExpandableRingBuffer selfDraining =
        new ExpandableRingBuffer(64 * 1024, ExpandableRingBuffer.MAX_CAPACITY, false);
    private MessageSink sink;
    private final ExpandableRingBuffer.MessageConsumer selfConsumer = (buffer, offset, length, headOffset) ->
    {
        sink.onMessage(buffer, offset, length, true);
        return true;
    };
    private boolean closed;

    private AeronTransport(
        final NodeAddress selfAddress,
        final long driverTimeoutMs,
        final NodeStats stats,
        final LossInjector loss,
        final MediaDriver driver,
        final Aeron aeron)
    {
        this.self = selfAddress.id();
        this.selfAddress = selfAddress;
        this.driverTimeoutMs = driverTimeoutMs;
        this.stats = stats;
        this.loss = loss;
        this.driver = driver;
        this.aeron = aeron;
        this.driverInvoker = driver != null ? driver.sharedAgentInvoker() : null;
        this.clientInvoker = aeron.conductorAgentInvoker();
        this.publications = new ExclusivePublication[Lane.LANES.length][64];
    }

    /**
     * Start the driver and client, subscribe to this node's endpoint and publish to each peer. On failure,
     * everything opened so far is closed again.
     */
    static AeronTransport start(final DmsContext ctx, final NodeDirectory directory, final NodeStats stats)
    {
        final NodeAddress selfAddress = ctx.self();
        MediaDriver driver = null;
        Aeron aeron = null;
        AeronTransport transport = null;
        try
        {
            if (ctx.externalAeronDirectory() == null)
            {
                driver = MediaDriver.launch(
                    AeronSetup.driverContext(ctx, directory.aeronDirectory(), ctx.errorHandler()));
            }
            aeron = connect(ctx, driver);
            transport = new AeronTransport(selfAddress, ctx.driverTimeoutMs(), stats,
                new LossInjector(ctx.lossRate(), ctx.lossSeed()), driver, aeron);
            transport.subscribe(ctx, selfAddress);
            transport.publish(ctx);
            return transport;
        }
        catch (final RuntimeException | Error ex)
        {
            if (transport != null)
            {
                transport.close();
            }
            else
            {
                CloseHelper.quietCloseAll(aeron, driver);
            }
            throw ex;
        }
    }

    /**
     * Connect the client. An external driver that is not running is the likely mistake with that setting, so
     * Aeron's timeout (after {@link DmsContext#driverTimeoutMs()}) becomes one line naming the directory and the fix.
     */
    private static Aeron connect(final DmsContext ctx, final MediaDriver driver)
    {
        final Aeron.Context aeronCtx = AeronSetup.clientContext(ctx, driver, ctx.errorHandler());
        if (driver != null)
        {
            return Aeron.connect(aeronCtx);
        }
        final String dir = new File(ctx.externalAeronDirectory()).getAbsolutePath();
        try
        {
            return Aeron.connect(aeronCtx);
        }
        catch (final DriverTimeoutException ex)
        {
            throw new DmsException(DmsErrorCode.MEDIA_DRIVER,
                "no media driver runs in the external Aeron directory: nodeId=" + ctx.nodeId() +
                ", dir=" + dir + ", driverTimeoutMs=" + ctx.driverTimeoutMs() + ", reason=" + ex.getMessage() +
                "; start the media driver (java -cp <aeron-all jar> -Daeron.dir=" + dir +
                " io.aeron.driver.MediaDriver) or unset " + DmsContext.EXTERNAL_AERON_DIR_PROP_NAME +
                " to embed one", ex);
        }
        catch (final AeronException ex)
        {
            throw new DmsException(DmsErrorCode.MEDIA_DRIVER,
                "cannot connect to the external media driver: nodeId=" + ctx.nodeId() +
                ", dir=" + dir + ", reason=" + ex.getMessage() + "; check that this user can read and write " + dir +
                " and that the driver runs Aeron " + AeronVersion.VERSION, ex);
        }
    }

    private void subscribe(final DmsContext ctx, final NodeAddress selfAddress)
    {
        final String channel = AeronSetup.subscriptionChannel(selfAddress);
        for (final Lane lane : Lane.LANES)
        {
            try
            {
                subscriptions[lane.code()] = aeron.addSubscription(channel, lane.streamId());
            }
            catch (final AeronException ex)
            {
                final List<PortHolder> holders = new PortProbe().holders(selfAddress.host(), selfAddress.port());
                if (!holders.isEmpty() || String.valueOf(ex.getMessage()).contains("Address already in use"))
                {
                    throw NodeLauncher.portConflict(ctx, holders);
                }
                throw ex;
            }
            assemblers[lane.code()] = new FragmentAssembler(onFragment(lane));
        }
    }

    private void publish(final DmsContext ctx)
    {
        for (final NodeAddress node : ctx.nodeList().nodes())
        {
            if (node.id() == self)
            {
                continue;
            }
            final String channel = AeronSetup.publicationChannel(ctx, node);
            for (final Lane lane : Lane.LANES)
            {
                publications[lane.code()][node.id()] = aeron.addExclusivePublication(channel, lane.streamId());
            }
        }
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
     * Run the driver and client conductor duty cycles.
     */
    @Override
    public int invoke()
    {
        int work = 0;
        if (driverInvoker != null)
        {
            work += driverInvoker.invoke();
        }
        work += clientInvoker.invoke();
        return work;
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
        work += subscriptions[Lane.CONTROL.code()].poll(assemblers[Lane.CONTROL.code()], FRAGMENT_LIMIT);
        work += subscriptions[Lane.CLAIM.code()].poll(assemblers[Lane.CLAIM.code()], FRAGMENT_LIMIT);
        work += subscriptions[Lane.DATA.code()].poll(assemblers[Lane.DATA.code()], FRAGMENT_LIMIT);
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
        stats.increment(StatCounter.MESSAGES_SENT);
        if (destination == self)
        {
            return selfQueue.append(buffer, offset, length);
        }
        final ExclusivePublication publication = publications[lane.code()][destination];
        if (publication == null)
        {
            throw new IllegalArgumentException("no such node: self=" + self + ", destination=" + destination +
                "; nodes are those of dms_url");
        }
        for (int attempt = 0; ; attempt++)
        {
            final long result = publication.offer(buffer, offset, length);
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
            if (attempt >= MAX_OFFER_ATTEMPTS)
            {
                stats.increment(StatCounter.SEND_BACK_PRESSURED);
                return false;
            }
            invoke();
        }
    }

    @Override
    public boolean isConnected(final int node)
    {
        final ExclusivePublication publication = publications[Lane.CONTROL.code()][node];
        return publication != null && publication.isConnected();
    }

    /**
     * Thread-safe: reads publication state written by the agent thread.
     */
    boolean allConnected()
    {
        for (final ExclusivePublication[] byNode : publications)
        {
            for (final ExclusivePublication publication : byNode)
            {
                if (publication != null && !publication.isConnected())
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
        CloseHelper.quietCloseAll(aeron, driver);
        if (driver == null && Arrays.stream(subscriptions).anyMatch(Objects::nonNull))
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
