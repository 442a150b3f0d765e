package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.common.NodeAddress;
import io.respool.dms.api.PortConflictException;
import io.respool.dms.api.PortHolder;
import io.respool.dms.diag.PortProbe;
import io.respool.dms.stat.StatsFileDescriptor;
import org.agrona.CloseHelper;

import java.io.File;
import java.util.List;

/**
 * Starts DMS nodes for {@link io.respool.dms.api.Dms#launch}, public only so that the API package can reach the
 * engine: applications call {@code Dms.launch}. The order is fixed and each step is undone if a later one fails,
 * so that nothing is left started half-way: check the node's port is free (naming the holder if not), take the node directory, map the
 * statistics file, start the embedded media driver (or find the external one) and the Aeron client and open the
 * lanes, then start the agent thread.
 */
public final class NodeLauncher
{
    private NodeLauncher()
    {
    }

    /**
     * Start a node.
     *
     * @param ctx its settings; {@link DmsContext#conclude()} is called here.
     * @return the running node.
     * @throws io.respool.dms.api.PortConflictException    if the node's port is held, naming who holds it.
     * @throws io.respool.dms.api.DirectoryInUseException  if the node directory is in use.
     * @throws io.respool.dms.api.DmsConfigException       if a setting is bad.
     */
    public static DmsNode launch(final DmsContext ctx)
    {
        ctx.conclude();
        final NodeAddress self = ctx.self();
        final List<PortHolder> holders = new PortProbe().holders(self.host(), self.port());
        if (!holders.isEmpty())
        {
            throw portConflict(ctx, holders);
        }

        NodeDirectory directory = null;
        NodeStats stats = null;
        AeronTransport transport = null;
        try
        {
            directory = NodeDirectory.open(ctx.nodeDirectory(), ctx.nodeId());
            stats = new NodeStats(new File(directory.directory(), StatsFileDescriptor.FILE_NAME), ctx.nodeId(),
                ctx.membershipVersion());
            transport = AeronTransport.start(ctx, directory, stats);
            return new DmsNodeImpl(ctx, directory, stats, transport);
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietCloseAll(transport, stats, directory);
            throw ex;
        }
    }

    /**
     * @param ctx     the node's settings.
     * @param holders who holds its port (may be empty when only the bind said so).
     * @return the conflict, with the advice that fits when the holder is the external media driver itself.
     */
    static PortConflictException portConflict(final DmsContext ctx, final List<PortHolder> holders)
    {
        final NodeAddress self = ctx.self();
        final ExternalDriver driver = ctx.externalAeronDirectory() == null ?
            null : ExternalDriver.read(ctx.externalAeronDirectory());
        if (driver != null && holders.stream().anyMatch((holder) -> holder.pid() == driver.pid()))
        {
            return new PortConflictException(self.id(), self.host(), self.port(), holders, driver.holdsPortAdvice());
        }
        return new PortConflictException(self.id(), self.host(), self.port(), holders);
    }
}