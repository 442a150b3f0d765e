package io.respool.dms.api;

/**
 * One entry of a {@code dms_url}: a node id (0..63), the address it listens on and its UDP port.
 *
 * @param id   node (instance) id, 0 to {@link NodeList#MAX_NODES} - 1.
 * @param host IPv4 address or host name (IPv6 literals are written in brackets in the url).
 * @param port UDP port, 1 to 65535.
 */
public record NodeAddress(int id, String host, int port)
{
    @Override
    public String toString()
    {
        return id + ":" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The address as {@code host:port}, as Aeron channel endpoints want it.
     *
     * @return the endpoint.
     */
    public String endpoint()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
