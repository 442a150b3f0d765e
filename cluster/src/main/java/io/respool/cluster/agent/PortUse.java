package io.respool.cluster.agent;

/**
 * A port a resource will bind, checked before the resource is started.
 *
 * @param host the address it binds (a literal, a name, or 0.0.0.0).
 * @param port the port.
 */
public record PortUse(String host, int port)
{
    /**
     * @param text {@code host:port}, or a bare port meaning 0.0.0.0.
     * @return the port use.
     */
    public static PortUse parse(final String text)
    {
        final int colon = text.lastIndexOf(':');
        final String host = colon < 0 ? "0.0.0.0" : text.substring(0, colon);
        try
        {
            final int port = Integer.parseInt(text.substring(colon + 1).trim());
            if (port < 1 || port > 65535)
            {
                throw new NumberFormatException();
            }
            return new PortUse(host, port);
        }
        catch (final NumberFormatException ex)
        {
            throw new AgentConfigException("bad port: value=" + text + ", expected host:port with port 1..65535");
        }
    }

    @Override
    public String toString()
    {
        return host + ":" + port;
    }
}
