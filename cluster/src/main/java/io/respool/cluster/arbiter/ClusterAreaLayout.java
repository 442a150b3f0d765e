package io.respool.cluster.arbiter;

import io.respool.dss.format.EntryVolumeLayout;

/**
 * Where the cluster manager's sectors lie in its area: on the entry volume of the shared volume group, right after
 * the DSS system area and inside allocation unit 0 (never given to files, at least 2 MiB), or at offset 0 of a
 * separate voting volume. Every sector is one 512-byte {@link io.respool.dss.format.SectorBlock} alone in its own
 * 4 KiB block, written only by the node it belongs to.
 * <pre>
 *   base +       0   reserved (area header, not built yet), 4 KiB
 *   base + 4 KiB * (1 + i)          heartbeat sector of node i                      i &lt; MAX_NODES
 *   base + 132 KiB + 8 KiB * i      Disk Paxos block of node i, copy 0; copy 1 at + 4 KiB
 *   base + 388 KiB                  end ({@link #AREA_LENGTH})
 * </pre>
 * With the default base of 1.5 MiB the area ends at 1.88 MiB, inside the smallest allocation unit 0 (2 MiB).
 */
public final class ClusterAreaLayout
{
    /** Nodes the area has room for. */
    public static final int MAX_NODES = 32;
    /** Every sector starts a block of this size and is alone in it. */
    public static final int BLOCK = 4096;
    /** Base on the entry volume: the end of the DSS system area. */
    public static final long DEFAULT_ENTRY_VOLUME_BASE = EntryVolumeLayout.SYSTEM_AREA_LENGTH;
    public static final long HEARTBEAT_AREA_OFFSET = BLOCK;
    public static final long PAXOS_AREA_OFFSET = HEARTBEAT_AREA_OFFSET + (long)MAX_NODES * BLOCK;
    public static final int PAXOS_SLOT_LENGTH = 2 * BLOCK;
    public static final long AREA_LENGTH = PAXOS_AREA_OFFSET + (long)MAX_NODES * PAXOS_SLOT_LENGTH;

    static
    {
        if (DEFAULT_ENTRY_VOLUME_BASE + AREA_LENGTH > EntryVolumeLayout.MIN_AU_SIZE)
        {
            throw new IllegalStateException("cluster area does not fit in allocation unit 0: end=" +
                (DEFAULT_ENTRY_VOLUME_BASE + AREA_LENGTH) + ", au0=" + EntryVolumeLayout.MIN_AU_SIZE);
        }
    }

    private final long base;

    public ClusterAreaLayout(final long base)
    {
        if (base < 0 || base % BLOCK != 0)
        {
            throw new IllegalArgumentException("cluster area base must be a non-negative multiple of " + BLOCK +
                ": base=" + base);
        }
        this.base = base;
    }

    public long base()
    {
        return base;
    }

    public long heartbeatOffset(final int nodeId)
    {
        return base + HEARTBEAT_AREA_OFFSET + (long)checkNode(nodeId) * BLOCK;
    }

    public long paxosOffset(final int nodeId, final int copy)
    {
        if (copy != 0 && copy != 1)
        {
            throw new IllegalArgumentException("paxos copy must be 0 or 1: copy=" + copy);
        }
        return base + PAXOS_AREA_OFFSET + (long)checkNode(nodeId) * PAXOS_SLOT_LENGTH + (long)copy * BLOCK;
    }

    public static int checkNode(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= MAX_NODES)
        {
            throw new IllegalArgumentException("node id out of range for the cluster area: nodeId=" + nodeId +
                ", max=" + (MAX_NODES - 1));
        }
        return nodeId;
    }
}
