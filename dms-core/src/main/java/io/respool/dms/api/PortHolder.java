package io.respool.dms.api;

/**
 * A socket found in {@code /proc/net/{udp,udp6,tcp,tcp6}} bound to a port, and the process that holds it.
 *
 * @param protocol     {@code udp}, {@code udp6}, {@code tcp} or {@code tcp6}.
 * @param localAddress the bound local address as text.
 * @param port         the local port.
 * @param inode        the socket inode.
 * @param pid          the process holding it, or -1 if it could not be found (not permitted, or it just exited).
 * @param command      the process command line with arguments separated by spaces, or a note why it is unknown.
 */
public record PortHolder(String protocol, String localAddress, int port, long inode, long pid, String command)
{
    @Override
    public String toString()
    {
        return protocol + " " + localAddress + ":" + port + " held by pid=" + (pid < 0 ? "unknown" : pid) +
            ", command=" + command;
    }
}
