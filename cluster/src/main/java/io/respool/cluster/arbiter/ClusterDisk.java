package io.respool.cluster.arbiter;

import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.arbitration.SectorIo;
import io.respool.dss.format.SectorBlock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The cluster area's sectors through a {@link SectorIo} (the arbitration package's view of the entry volume, or a
 * voting volume). A read returns a new flyweight over its own buffer; a write seals the sector and is durable before
 * it returns, except a heartbeat's, which is only visible ({@link #writeHeartbeat}). I/O errors are the {@link SectorIo}'s unchecked exceptions. Thread-safe: every call has its own buffer.
 */
public final class ClusterDisk
{
    private final SectorIo io;
    private final ClusterAreaLayout layout;

    public ClusterDisk(final SectorIo io, final ClusterAreaLayout layout)
    {
        this.io = io;
        this.layout = layout;
    }

    public ClusterAreaLayout layout()
    {
        return layout;
    }

    /**
     * Zero every sector of the area, once, when the cluster is created: a never-written sector then reads as empty,
     * not as corrupt. Never run it while any node runs.
     */
    public void format(final int nodeCount)
    {
        final UnsafeBuffer zero = new UnsafeBuffer(new byte[SectorBlock.LENGTH]);
        for (int node = 0; node < nodeCount; node++)
        {
            io.write(layout.heartbeatOffset(node), zero, 0, SectorBlock.LENGTH, true);
            io.write(layout.paxosOffset(node, 0), zero, 0, SectorBlock.LENGTH, true);
            io.write(layout.paxosOffset(node, 1), zero, 0, SectorBlock.LENGTH, true);
        }
    }

    public HeartbeatSector readHeartbeat(final int nodeId)
    {
        return read(new HeartbeatSector(), layout.heartbeatOffset(nodeId));
    }

    /**
     * Write a heartbeat where every reader sees it, without waiting for it to be durable: liveness needs the write
     * visible, not surviving a power loss (a restarted node has a new incarnation). On a direct-I/O device the write
     * itself reaches the device; on a mapped image file the page cache is the one every process of the host reads.
     * A flush (msync, fdatasync) would wait behind every other file's journal commit: two nodes on one image both
     * fenced themselves when one such flush took 2.4 s under load (cluster/DESIGN.md).
     */
    public void writeHeartbeat(final HeartbeatSector sector)
    {
        sector.seal();
        io.write(layout.heartbeatOffset(sector.nodeId()), sector.buffer(), 0, SectorBlock.LENGTH, false);
    }

    /**
     * Read both copies of a node's Paxos block.
     */
    public PaxosRead readPaxos(final int nodeId)
    {
        return PaxosRead.of(
            read(new PaxosBlock(), layout.paxosOffset(nodeId, 0)),
            read(new PaxosBlock(), layout.paxosOffset(nodeId, 1)));
    }

    /**
     * Write a node's Paxos block into {@code copy} (the one that does not hold its latest valid write).
     */
    public void writePaxos(final PaxosBlock block, final int copy)
    {
        write(block, layout.paxosOffset(block.nodeId(), copy));
    }

    static <T extends SectorBlock<T>> T blank(final T sector)
    {
        return ArbitrationSectors.blank(sector);
    }

    private <T extends SectorBlock<T>> T read(final T sector, final long offset)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SectorBlock.LENGTH]);
        io.read(offset, buffer, 0, SectorBlock.LENGTH);
        return sector.wrap(buffer, 0);
    }

    private void write(final SectorBlock<?> sector, final long offset)
    {
        sector.seal();
        io.write(offset, sector.buffer(), 0, SectorBlock.LENGTH, true);
    }
}
