package io.respool.dms.api;

import java.util.List;

/**
 * A node's port is held by another socket, found before anything of the node was started (or when the bind
 * failed with EADDRINUSE, error code 98). The message names the node id, the address and port, and each holder's
 * pid and command line, as {@code lsof -i} would.
 */
public class PortConflictException extends DmsException
{
    private static final long serialVersionUID = 1L;

    private final int nodeId;
    private final String host;
    private final int port;
    private final transient List<PortHolder> holders;

    /**
     * @param nodeId  the node that could not start.
     * @param host    its address.
     * @param port    its port.
     * @param holders who holds the port (may be empty if the bind failed but /proc showed no holder).
     */
    public PortConflictException(final int nodeId, final String host, final int port, final List<PortHolder> holders)
    {
        this(nodeId, host, port, holders, "stop the holding process or give this node another port in dms_url " +
            "(check with: dmscmd check-ports -u '<dms_url>')");
    }

    /**
     * @param nodeId  the node that could not start.
     * @param host    its address.
     * @param port    its port.
     * @param holders who holds the port.
     * @param advice  what to do, when the holder is known to be something the default advice does not fit.
     */
    public PortConflictException(
        final int nodeId, final String host, final int port, final List<PortHolder> holders, final String advice)
    {
        super(DmsErrorCode.PORT_CONFLICT, message(nodeId, host, port, holders) + "; " + advice);
        this.nodeId = nodeId;
        this.host = host;
        this.port = port;
        this.holders = List.copyOf(holders);
    }

    private static String message(final int nodeId, final String host, final int port, final List<PortHolder> holders)
    {
        final StringBuilder sb = new StringBuilder()
            .append("port conflict, node not started: nodeId=").append(nodeId)
            .append(", address=").append(host).append(':').append(port);
        if (holders.isEmpty())
        {
            sb.append(", holder=unknown (bind failed with EADDRINUSE, error code 98)");
        }
        for (final PortHolder holder : holders)
        {
            sb.append(", holder={protocol=").append(holder.protocol())
                .append(", local=").append(holder.localAddress()).append(':').append(holder.port())
                .append(", pid=").append(holder.pid() < 0 ? "unknown" : String.valueOf(holder.pid()))
                .append(", command=").append(holder.command()).append('}');
        }
        return sb.toString();
    }

    /**
     * @return the node that could not start.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return the node's address.
     */
    public String host()
    {
        return host;
    }

    /**
     * @return the conflicting port.
     */
    public int port()
    {
        return port;
    }

    /**
     * @return who holds the port.
     */
    public List<PortHolder> holders()
    {
        return holders;
    }
}
