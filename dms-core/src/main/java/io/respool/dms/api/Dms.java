package io.respool.dms.api;

import io.respool.dms.NodeLauncher;

/**
 * Starts DMS nodes: the one entry point of the API. See {@link NodeLauncher} for the start-up order.
 */
public final class Dms
{
    private Dms()
    {
    }

    /**
     * Start a node.
     *
     * @param ctx its settings; {@link DmsContext#conclude()} is called here.
     * @return the running node.
     * @throws PortConflictException    if the node's port is held, naming who holds it.
     * @throws DirectoryInUseException  if the node directory is in use.
     * @throws DmsConfigException       if a setting is bad.
     */
    public static DmsNode launch(final DmsContext ctx)
    {
        return NodeLauncher.launch(ctx);
    }
}
