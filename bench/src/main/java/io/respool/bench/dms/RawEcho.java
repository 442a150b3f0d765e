package io.respool.bench.dms;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.respool.dms.AeronSetup;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.common.NodeAddress;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;

/**
 * The raw Aeron floors: an 8 KiB message echoed between two endpoints set up as DMS nodes set up theirs
 * ({@link AeronSetup}: embedded drivers in invoker mode, the same MTU, term length and idle strategy). The echo side
 * is an agent on its own thread, as a node's agent is; the ping side is the calling thread, which runs its
 * endpoint's duty cycle itself while it waits (Aeron's Ping/Pong shape, the transport's best case: no hand-off
 * between an application thread and an agent).
 * <ul>
 *   <li>{@link Transport#UDP}: one driver per endpoint and the nodes' UDP channels on loopback, as DMS runs today.</li>
 *   <li>{@link Transport#IPC}: both endpoints are clients of one driver and talk over {@code aeron:ipc} (the same
 *   MTU and term length), the floor for nodes on one host sharing a driver. The ping thread runs that driver's duty
 *   cycle too; the echo side needs none, because IPC data goes through the shared log buffers, not the driver.</li>
 * </ul>
 */
final class RawEcho implements AutoCloseable
{
    /** Which Aeron media the echo goes over. */
    enum Transport
    {
        UDP("raw-echo"), IPC("raw-ipc-echo");

        /** Name of the echo end's thread, for pinning. */
        final String roleName;

        Transport(final String roleName)
        {
            this.roleName = roleName;
        }
    }

    private static final int PING_STREAM_ID = 4001;
    /** IPC endpoints share one channel, so each direction has its own stream; UDP ones keep the nodes' one stream. */
    private static final int PONG_STREAM_ID = 4002;
    private static final int FRAGMENT_LIMIT = 16;
    private static final ErrorHandler ERROR_HANDLER = Throwable::printStackTrace;

    private final File base;
    private final int length;
    private MediaDriver sharedDriver;
    private final IdleStrategy pingIdle;
    private final UnsafeBuffer message;
    private Endpoint ping;
    private Endpoint pong;
    private AgentRunner pongRunner;
    private boolean received;
    private final FragmentAssembler pingHandler =
        new FragmentAssembler((buffer, offset, len, header) -> received = true);

    RawEcho(final Transport transport, final int length) throws IOException
    {
        this.length = length;
        this.message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64));
        final int[] ports = BenchNodes.freePorts(2);
        final String url = BenchNodes.url(ports);
        final DmsContext ctx0 = context(url, 0);
        final DmsContext ctx1 = context(url, 1);
        this.pingIdle = AeronSetup.idleStrategy(ctx0);
        this.base = BenchNodes.tempDirectory("dms-echo");
        try
        {
            if (transport == Transport.UDP)
            {
                ping = Endpoint.udp(ctx0, new File(base, "ping"), ctx0.nodeList().node(1));
                pong = Endpoint.udp(ctx1, new File(base, "pong"), ctx1.nodeList().node(0));
            }
            else
            {
                sharedDriver = Endpoint.launchDriver(ctx0, new File(base, "shared"));
                final String channel = "aeron:ipc?mtu=" + ctx0.mtuLength() + "|term-length=" + ctx0.termLength() +
                    "|sparse=true";
                ping = new Endpoint(ctx0, sharedDriver, true, channel, PONG_STREAM_ID, channel, PING_STREAM_ID, null);
                pong = new Endpoint(ctx1, sharedDriver, false, channel, PING_STREAM_ID, channel, PONG_STREAM_ID,
                    null);
            }
            final Endpoint echo = pong;
            final FragmentAssembler echoHandler = new FragmentAssembler(
                (buffer, offset, len, header) -> echo.offer(buffer, offset, len));
            pongRunner = new AgentRunner(AeronSetup.idleStrategy(ctx1), Throwable::printStackTrace, null,
                new Agent()
                {
                    @Override
                    public int doWork()
                    {
                        return echo.invoke() + echo.subscription.poll(echoHandler, FRAGMENT_LIMIT);
                    }

                    @Override
                    public String roleName()
                    {
                        return transport.roleName;
                    }
                });
            AgentRunner.startOnThread(pongRunner);
            awaitConnected();
        }
        catch (final RuntimeException | Error ex)
        {
            close();
            throw ex;
        }
    }

    private static DmsContext context(final String url, final int id)
    {
        final DmsContext ctx = new DmsContext().url(url).nodeId(id);
        return ctx.pageStore(new InMemoryPageStore(ctx.pageSize())).conclude();
    }

    private void awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + BenchNodes.TIMEOUT_NS;
        while (!ping.publication.isConnected() || !pong.publication.isConnected() ||
            !ping.subscription.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("raw echo endpoints did not connect");
            }
            ping.invoke();
            Thread.yield();
        }
    }

    /**
     * Send one message and wait for its echo, running the ping endpoint's duty cycle meanwhile.
     */
    void roundTrip()
    {
        received = false;
        ping.offer(message, 0, length);
        final long deadlineNs = System.nanoTime() + BenchNodes.TIMEOUT_NS;
        while (!received)
        {
            final int work = ping.invoke() + ping.subscription.poll(pingHandler, FRAGMENT_LIMIT);
            if (0 == work && System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("no echo within " + BenchNodes.TIMEOUT_NS + " ns");
            }
            pingIdle.idle(work);
        }
    }

    @Override
    public void close()
    {
        try
        {
            CloseHelper.closeAll(pongRunner, ping, pong, sharedDriver);
        }
        finally
        {
            IoUtil.delete(base, true);
        }
    }

    /**
     * One endpoint: a client, a subscription on its own address and a publication to the peer, and the embedded
     * driver it runs, if any ({@code invokesDriver}: this endpoint's thread runs the driver's duty cycle).
     */
    private static final class Endpoint implements AutoCloseable
    {
        final MediaDriver ownDriver;
        final Aeron aeron;
        final AgentInvoker driverInvoker;
        final AgentInvoker clientInvoker;
        final Subscription subscription;
        final ExclusivePublication publication;

        /** A UDP endpoint with a driver of its own, as a node has. */
        static Endpoint udp(final DmsContext ctx, final File dir, final NodeAddress peer)
        {
            final MediaDriver driver = launchDriver(ctx, dir);
            try
            {
                return new Endpoint(ctx, driver, true, AeronSetup.subscriptionChannel(ctx.self()), PING_STREAM_ID,
                    AeronSetup.publicationChannel(ctx, peer), PING_STREAM_ID, driver);
            }
            catch (final RuntimeException ex)
            {
                driver.close();
                throw ex;
            }
        }

        static MediaDriver launchDriver(final DmsContext ctx, final File dir)
        {
            return MediaDriver.launch(AeronSetup.driverContext(ctx, new File(dir, "aeron"), ERROR_HANDLER));
        }

        /**
         * @param ownDriver the driver this endpoint closes, or null when it belongs to someone else.
         */
        Endpoint(final DmsContext ctx, final MediaDriver driver, final boolean invokesDriver,
            final String subscriptionChannel, final int subscriptionStreamId,
            final String publicationChannel, final int publicationStreamId, final MediaDriver ownDriver)
        {
            // the client invokes the driver only while it awaits the driver's answers (adding and closing
            // resources), which happens on the setting-up thread before the echo runs and after it stops
            aeron = Aeron.connect(AeronSetup.clientContext(ctx, driver, ERROR_HANDLER));
            this.ownDriver = ownDriver;
            driverInvoker = invokesDriver ? driver.sharedAgentInvoker() : null;
            clientInvoker = aeron.conductorAgentInvoker();
            try
            {
                subscription = aeron.addSubscription(subscriptionChannel, subscriptionStreamId);
                publication = aeron.addExclusivePublication(publicationChannel, publicationStreamId);
            }
            catch (final RuntimeException ex)
            {
                aeron.close();
                throw ex;
            }
        }

        int invoke()
        {
            return (driverInvoker == null ? 0 : driverInvoker.invoke()) + clientInvoker.invoke();
        }

        void offer(final DirectBuffer buffer, final int offset, final int length)
        {
            long result;
            while ((result = publication.offer(buffer, offset, length)) <= 0)
            {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    throw new IllegalStateException("raw echo publication failed: result=" + result);
                }
                invoke();
            }
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(aeron, ownDriver);
        }
    }
}
