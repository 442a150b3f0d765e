package io.respool.dms;

import io.respool.dms.api.NodeList;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Chooses a resource's master: resource id, hashed, picks one of {@link #PARTITION_COUNT} partitions, and the
 * partition's entry names the master node. Versioned: a reform publishes a new map (a new version) and every message
 * is stamped with the sender's version, so that one routed by another map is recognised. Immutable: a new map is a
 * new object.
 */
final class PartitionMap
{
    /** Partitions, as DMS's {@code DRC_MAX_PART_NUM}. */
    static final int PARTITION_COUNT = 128;
    /** Bytes of {@link #encode}: the version, then one byte per partition. */
    static final int ENCODED_LENGTH = Integer.BYTES + PARTITION_COUNT;

    private final int version;
    private final int[] partitionToNode = new int[PARTITION_COUNT];

    private PartitionMap(final int version)
    {
        this.version = version;
    }

    /**
     * Spread partitions round-robin over the nodes in id order, or give them all to one node (openGauss's
     * centralized catalog).
     */
    static PartitionMap create(final NodeList nodes, final int centralizedMaster, final int version)
    {
        return create(nodes.idBitmap(), centralizedMaster, version);
    }

    /**
     * @param members           bitmap of the nodes to spread over.
     * @param centralizedMaster the one master, or -1 to spread round-robin in id order.
     * @param version           the map's version.
     * @return the map.
     */
    static PartitionMap create(final long members, final int centralizedMaster, final int version)
    {
        final PartitionMap map = new PartitionMap(version);
        final int[] ids = ids(members);
        for (int p = 0; p < PARTITION_COUNT; p++)
        {
            map.partitionToNode[p] = centralizedMaster >= 0 ? centralizedMaster : ids[p % ids.length];
        }
        return map;
    }

    /**
     * The map after a membership change, spread: every member keeps its partitions up to its fair share, and the
     * partitions of removed nodes (and a member's surplus over its share, when one joins) go to the members below
     * theirs, so that a leave moves only the leaver's partitions.
     *
     * @param previous the map before.
     * @param members  bitmap of the new members.
     * @param version  the new map's version.
     * @return the new map.
     */
    static PartitionMap remaster(final PartitionMap previous, final long members, final int version)
    {
        final int[] ids = ids(members);
        final int[] quota = new int[NodeList.MAX_NODES];
        for (int i = 0; i < ids.length; i++)
        {
            quota[ids[i]] = PARTITION_COUNT / ids.length + (i < PARTITION_COUNT % ids.length ? 1 : 0);
        }
        final PartitionMap map = new PartitionMap(version);
        final int[] count = new int[NodeList.MAX_NODES];
        final boolean[] free = new boolean[PARTITION_COUNT];
        for (int p = 0; p < PARTITION_COUNT; p++)
        {
            final int node = previous.partitionToNode[p];
            if ((members & (1L << node)) != 0 && count[node] < quota[node])
            {
                map.partitionToNode[p] = node;
                count[node]++;
            }
            else
            {
                free[p] = true;
            }
        }
        int next = 0;
        for (int p = 0; p < PARTITION_COUNT; p++)
        {
            if (free[p])
            {
                while (count[ids[next]] >= quota[ids[next]])
                {
                    next++;
                }
                map.partitionToNode[p] = ids[next];
                count[ids[next]]++;
            }
        }
        return map;
    }

    private static int[] ids(final long members)
    {
        final int[] ids = new int[Long.bitCount(members)];
        long rest = members;
        for (int i = 0; rest != 0; i++, rest &= rest - 1)
        {
            ids[i] = Long.numberOfTrailingZeros(rest);
        }
        return ids;
    }

    /**
     * @param buffer where to write {@link #ENCODED_LENGTH} bytes.
     * @param offset where to start.
     */
    void encode(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putInt(offset, version, ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < PARTITION_COUNT; p++)
        {
            buffer.putByte(offset + Integer.BYTES + p, (byte)partitionToNode[p]);
        }
    }

    /**
     * @return the map {@link #encode} wrote.
     */
    static PartitionMap decode(final DirectBuffer buffer, final int offset)
    {
        final PartitionMap map = new PartitionMap(buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN));
        for (int p = 0; p < PARTITION_COUNT; p++)
        {
            map.partitionToNode[p] = buffer.getByte(offset + Integer.BYTES + p);
        }
        return map;
    }

    int version()
    {
        return version;
    }

    static int partition(final long resourceId)
    {
        long h = resourceId * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int)((h & 0x7FFF_FFFFL) % PARTITION_COUNT);
    }

    int masterOf(final long resourceId)
    {
        return partitionToNode[partition(resourceId)];
    }

    int masterOfPartition(final int partition)
    {
        return partitionToNode[partition];
    }

    /** @return how many partitions {@code node} masters. */
    int partitionsOf(final int node)
    {
        int n = 0;
        for (final int master : partitionToNode)
        {
            n += master == node ? 1 : 0;
        }
        return n;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof PartitionMap other && version == other.version &&
            Arrays.equals(partitionToNode, other.partitionToNode);
    }

    @Override
    public int hashCode()
    {
        return version * 31 + Arrays.hashCode(partitionToNode);
    }

    @Override
    public String toString()
    {
        return "PartitionMap{version=" + version + ", masters=" + Arrays.toString(partitionToNode) + "}";
    }
}
