package io.respool.dms;

import io.respool.common.NodeAddress;
import io.respool.dms.api.NodeList;

/**
 * Chooses a resource's master: resource id, hashed, picks one of {@link #PARTITION_COUNT} partitions, and the
 * partition's entry names the master node. Versioned, so that a later reform can publish a new map and messages
 * routed by an old one can be recognised. Immutable: a new map is a new object.
 */
final class PartitionMap
{
    /** Partitions, as DMS's {@code DRC_MAX_PART_NUM}. */
    static final int PARTITION_COUNT = 128;

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
        final PartitionMap map = new PartitionMap(version);
        final int[] ids = nodes.nodes().stream().mapToInt(NodeAddress::id).sorted().toArray();
        for (int p = 0; p < PARTITION_COUNT; p++)
        {
            map.partitionToNode[p] = centralizedMaster >= 0 ? centralizedMaster : ids[p % ids.length];
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
}
