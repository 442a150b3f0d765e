package io.respool.dms;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsContext;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;

/**
 * How a node sets up Aeron, in one place: the embedded media driver, the channels and the idle strategy. Public so
 * that a benchmark comparing DMS against a raw Aeron echo runs the echo on exactly the same settings.
 */
public final class AeronSetup
{
    private AeronSetup()
    {
    }

    /**
     * The embedded media driver of a node: {@link ThreadingMode#INVOKER} (the node's one agent thread runs it),
     * its own directory deleted on start and shutdown, sparse term buffers, the context's MTU and term length.
     *
     * @param ctx            the node's settings (MTU and term length are read).
     * @param aeronDirectory the driver's own directory.
     * @param errorHandler   where driver errors go.
     * @return a driver context ready for {@link MediaDriver#launch(MediaDriver.Context)}.
     */
    public static MediaDriver.Context driverContext(
        final DmsContext ctx, final File aeronDirectory, final ErrorHandler errorHandler)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectory.getAbsolutePath())
            .threadingMode(ThreadingMode.INVOKER)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(ctx.termLength())
            .ipcTermBufferLength(ctx.termLength())
            .mtuLength(ctx.mtuLength())
            .errorHandler(errorHandler);
    }

    /**
     * The node's Aeron client: its conductor is invoked by the node's agent thread, and so is the embedded driver
     * if there is one.
     *
     * @param ctx          the node's settings (driver timeout, external Aeron directory).
     * @param driver       the embedded driver, or null to connect to the external one.
     * @param errorHandler where client errors go.
     * @return a client context ready for {@link Aeron#connect(Aeron.Context)}.
     */
    public static Aeron.Context clientContext(
        final DmsContext ctx, final MediaDriver driver, final ErrorHandler errorHandler)
    {
        final Aeron.Context aeronCtx = new Aeron.Context()
            .useConductorAgentInvoker(true)
            .driverTimeoutMs(ctx.driverTimeoutMs())
            .errorHandler(errorHandler);
        if (driver != null)
        {
            aeronCtx.aeronDirectoryName(driver.aeronDirectoryName()).driverAgentInvoker(driver.sharedAgentInvoker());
        }
        else
        {
            aeronCtx.aeronDirectoryName(ctx.externalAeronDirectory());
        }
        return aeronCtx;
    }

    /**
     * @param self the node's own address.
     * @return the channel a node subscribes to on its own endpoint.
     */
    public static String subscriptionChannel(final NodeAddress self)
    {
        return "aeron:udp?endpoint=" + self.endpoint();
    }

    /**
     * @param ctx  the node's settings (MTU and term length are read).
     * @param peer the address published to.
     * @return the channel a node publishes on to a peer.
     */
    public static String publicationChannel(final DmsContext ctx, final NodeAddress peer)
    {
        return "aeron:udp?endpoint=" + peer.endpoint() + "|mtu=" + ctx.mtuLength() + "|term-length=" +
            ctx.termLength() + "|sparse=true|linger=0";
    }

    /**
     * @param ctx the node's settings (MTU and term length are read).
     * @return the channel nodes on one shared driver publish and subscribe IPC streams on.
     */
    public static String ipcChannel(final DmsContext ctx)
    {
        return "aeron:ipc?mtu=" + ctx.mtuLength() + "|term-length=" + ctx.termLength() + "|sparse=true";
    }

    /**
     * @param ctx the node's settings (the idle strategy name is read and checked).
     * @return a new instance of the idle strategy the node agent uses.
     */
    public static IdleStrategy idleStrategy(final DmsContext ctx)
    {
        return IdleStrategies.create(ctx.idleStrategy());
    }
}
