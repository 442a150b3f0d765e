package io.respool.dss.config;

/**
 * One entry of {@code DSS_NODES_LIST}: {@code id:host:port}.
 */
public record NodeAddress(int id, String host, int port)
{
    @Override
    public String toString()
    {
        return id + ":" + host + ":" + port;
    }
}
