package io.respool.common;

/**
 * One node of a cluster: its id, the host it listens on and its port. The one entry type of both openGauss lists,
 * {@code dms_url} (DMS) and {@code DSS_NODES_LIST} (DSS), written {@code id:host:port}; an IPv6 host is written in
 * brackets, {@code 3:[::1]:1613}.
 *
 * @param id   node (instance) id, 0 to {@link #MAX_NODES} - 1.
 * @param host IPv4 address, host name or IPv6 address (without brackets).
 * @param port port, 1 to 65535.
 */
public record NodeAddress(int id, String host, int port)
{
    /** openGauss allows 64 instances: ids 0 to 63. */
    public static final int MAX_NODES = 64;

    /**
     * Checks the fields, so that every address in the system is a valid one.
     */
    public NodeAddress
    {
        final String problem = problem(id, host, port);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem + ": id=" + id + ", host='" + host + "', port=" + port);
        }
    }

    /**
     * Parse one {@code id:host:port} entry.
     *
     * @param entry the entry, blanks around it and its parts allowed.
     * @return the address.
     * @throws IllegalArgumentException whose message says what is wrong with the entry, for the caller to wrap
     *                                  with the file or setting it came from.
     */
    public static NodeAddress parse(final String entry)
    {
        final String text = entry == null ? "" : entry.trim();
        if (text.isEmpty())
        {
            throw new IllegalArgumentException("empty entry (stray comma?)");
        }

        final int firstColon = text.indexOf(':');
        final int lastColon = text.lastIndexOf(':');
        if (firstColon <= 0 || lastColon == firstColon)
        {
            throw new IllegalArgumentException("expected id:host:port");
        }

        final int id = parseInt("node id", text.substring(0, firstColon));
        String host = text.substring(firstColon + 1, lastColon).trim();
        if (host.startsWith("["))
        {
            if (!host.endsWith("]") || host.length() < 3)
            {
                throw new IllegalArgumentException("unbalanced brackets around IPv6 host");
            }
            host = host.substring(1, host.length() - 1);
        }
        else if (host.indexOf(':') >= 0)
        {
            throw new IllegalArgumentException("IPv6 host must be written in brackets");
        }
        final int port = parseInt("port", text.substring(lastColon + 1));
        final String problem = problem(id, host, port);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem);
        }

        return new NodeAddress(id, host, port);
    }

    /**
     * The address as {@code host:port}, with an IPv6 host in brackets, as Aeron channel endpoints want it.
     *
     * @return the endpoint.
     */
    public String endpoint()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * @return the entry as written in a node list, {@code id:host:port}.
     */
    @Override
    public String toString()
    {
        return id + ":" + endpoint();
    }

    private static String problem(final int id, final String host, final int port)
    {
        if (id < 0 || id >= MAX_NODES)
        {
            return "node id out of range 0.." + (MAX_NODES - 1);
        }
        if (host == null || host.isEmpty() || host.chars().anyMatch(Character::isWhitespace))
        {
            return "host is empty or contains blanks";
        }
        if (port < 1 || port > 65535)
        {
            return "port out of range 1..65535";
        }
        return null;
    }

    private static int parseInt(final String what, final String text)
    {
        try
        {
            return Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " is not a number: '" + text + "'", ex);
        }
    }
}
