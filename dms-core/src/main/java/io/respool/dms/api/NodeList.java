package io.respool.dms.api;

import io.respool.common.NodeAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of a cluster, parsed from a {@code dms_url} such as {@code 0:127.0.0.1:1613,1:127.0.0.1:1614}
 * (openGauss {@code ss_interconnect_url}). Entries are {@code id:host:port}; an IPv6 host is written in brackets.
 * Ids need not be dense but must be unique and in 0..63; addresses must be unique.
 */
public final class NodeList
{
    /** Most nodes a cluster may have, as in DMS ({@code DMS_MAX_INSTANCES}). */
    public static final int MAX_NODES = NodeAddress.MAX_NODES;

    private final List<NodeAddress> nodes;
    private final NodeAddress[] byId = new NodeAddress[MAX_NODES];
    private final String url;

    private NodeList(final String url, final List<NodeAddress> nodes)
    {
        this.url = url;
        this.nodes = Collections.unmodifiableList(nodes);
        for (final NodeAddress node : nodes)
        {
            byId[node.id()] = node;
        }
    }

    /**
     * Parse a {@code dms_url}.
     *
     * @param url the list, e.g. {@code 0:127.0.0.1:1613,1:127.0.0.1:1614}.
     * @return the parsed list, in the order written.
     * @throws DmsConfigException naming the bad entry, its position and what is wrong with it.
     */
    public static NodeList parse(final String url)
    {
        if (url == null || url.isBlank())
        {
            throw new DmsConfigException(
                "dms_url is empty: url='" + url + "', expected id:host:port[,id:host:port...], " +
                "e.g. 0:127.0.0.1:1613,1:127.0.0.1:1614");
        }

        final String[] entries = url.split(",", -1);
        if (entries.length > MAX_NODES)
        {
            throw new DmsConfigException(
                "dms_url has too many nodes: count=" + entries.length + ", max=" + MAX_NODES);
        }

        final List<NodeAddress> nodes = new ArrayList<>(entries.length);
        final Map<Integer, Integer> idToIndex = new HashMap<>();
        final Map<String, Integer> addressToIndex = new HashMap<>();
        for (int i = 0; i < entries.length; i++)
        {
            final String entry = entries[i].trim();
            final NodeAddress node = parseEntry(entry, i);
            final Integer dupId = idToIndex.putIfAbsent(node.id(), i);
            if (dupId != null)
            {
                throw new DmsConfigException(badEntry(entry, i,
                    "duplicate node id " + node.id() + " (also entry " + dupId + ")"));
            }
            final Integer dupAddress = addressToIndex.putIfAbsent(node.endpoint(), i);
            if (dupAddress != null)
            {
                throw new DmsConfigException(badEntry(entry, i,
                    "duplicate address " + node.endpoint() + " (also entry " + dupAddress + ")"));
            }
            nodes.add(node);
        }

        return new NodeList(url, nodes);
    }

    private static NodeAddress parseEntry(final String entry, final int index)
    {
        try
        {
            return NodeAddress.parse(entry);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DmsConfigException(badEntry(entry, index, ex.getMessage()));
        }
    }

    private static String badEntry(final String entry, final int index, final String problem)
    {
        return "bad dms_url entry: entry='" + entry + "', position=" + index + ", problem=" + problem +
            "; write entries as id:host:port separated by commas, e.g. 0:127.0.0.1:1613,1:127.0.0.1:1614";
    }

    /**
     * @return the nodes in the order written.
     */
    public List<NodeAddress> nodes()
    {
        return nodes;
    }

    /**
     * @return how many nodes.
     */
    public int size()
    {
        return nodes.size();
    }

    /**
     * @param id a node id.
     * @return the node with that id, or null if none.
     */
    public NodeAddress node(final int id)
    {
        return id < 0 || id >= MAX_NODES ? null : byId[id];
    }

    /**
     * @return a bitmap of the node ids present (bit i set for node i).
     */
    public long idBitmap()
    {
        long bits = 0;
        for (final NodeAddress node : nodes)
        {
            bits |= 1L << node.id();
        }
        return bits;
    }

    /**
     * @return the url this list was parsed from.
     */
    public String url()
    {
        return url;
    }

    @Override
    public String toString()
    {
        return url;
    }
}
