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
 * The raw Aeron baseline: an 8 KiB message echoed between two endpoints set up exactly as DMS nodes set up theirs
 * ({@link AeronSetup}: one embedded driver per endpoint in invoker mode, the same channels, MTU, term length and
 * idle strategy). The echo side is an agent on its own thread, as a node's agent is; the ping side is the calling
 * thread, which runs its endpoint's duty cycle itself while it waits (Aeron's Ping/Pong shape, the transport's best
 * case: no hand-off between an application thread and an agent).
 */
final class RawEcho implements AutoCloseable
{
    /** Name of the echo end's thread. */
    static final String ROLE_NAME = "raw-echo";
    private static final int STREAM_ID = 4001;
    private static final int FRAGMENT_LIMIT = 16;

    private final File base;
    private final int length;
    private final IdleStrategy pingIdle;
    private final UnsafeBuffer message;
    private Endpoint ping;
    private Endpoint pong;
    private AgentRunner pongRunner;
    private boolean received;
    private final FragmentAssembler pingHandler =
        new FragmentAssembler((buffer, offset, len, header) -> received = true);

    RawEcho(final int length) throws IOException
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
            ping = new Endpoint(ctx0, new File(base, "ping"), ctx0.nodeList().node(1));
            pong = new Endpoint(ctx1, new File(base, "pong"), ctx1.nodeList().node(0));
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
                        return ROLE_NAME;
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
            CloseHelper.closeAll(pongRunner, ping, pong);
        }
        finally
        {
            IoUtil.delete(base, true);
        }
    }

    /** One endpoint: an embedded driver, a client, a subscription on its own address and a publication to the peer. */
    private static final class Endpoint implements AutoCloseable
    {
        final MediaDriver driver;
        final Aeron aeron;
        final AgentInvoker driverInvoker;
        final AgentInvoker clientInvoker;
        final Subscription subscription;
        final ExclusivePublication publication;

        Endpoint(final DmsContext ctx, final File dir, final NodeAddress peer)
        {
            final ErrorHandler errorHandler = Throwable::printStackTrace;
            driver = MediaDriver.launch(AeronSetup.driverContext(ctx, new File(dir, "aeron"), errorHandler));
            try
            {
                aeron = Aeron.connect(AeronSetup.clientContext(ctx, driver, errorHandler));
            }
            catch (final RuntimeException ex)
            {
                driver.close();
                throw ex;
            }
            driverInvoker = driver.sharedAgentInvoker();
            clientInvoker = aeron.conductorAgentInvoker();
            subscription = aeron.addSubscription(AeronSetup.subscriptionChannel(ctx.self()), STREAM_ID);
            publication = aeron.addExclusivePublication(AeronSetup.publicationChannel(ctx, peer), STREAM_ID);
        }

        int invoke()
        {
            return driverInvoker.invoke() + clientInvoker.invoke();
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
            CloseHelper.closeAll(aeron, driver);
        }
    }
}
