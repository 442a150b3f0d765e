package io.respool.dss.engine;

import io.respool.dss.format.DiskLease;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.SectorBlock;
import io.respool.dss.format.VgHead;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads and writes the one-sector structures that instances sharing a volume group use to coordinate: the VG head,
 * the SHARE_DISK lease, and each instance's fence and member sectors. Each sits alone in its own 4 KiB block, so
 * writing one never rewrites another instance's sector. A write is flushed before it returns. Thread-safe: every
 * call uses its own buffer.
 */
final class SharedSectors
{
    private final DeviceIo io;

    SharedSectors(final DeviceIo io)
    {
        this.io = io;
    }

    VgHead readHead()
    {
        return read(new VgHead(), EntryVolumeLayout.VG_HEAD_OFFSET);
    }

    DiskLease readLease()
    {
        return read(new DiskLease(), EntryVolumeLayout.LEASE_AREA_OFFSET);
    }

    FenceSector readFence(final int instanceId)
    {
        return read(new FenceSector(), EntryVolumeLayout.fenceSectorOffset(instanceId));
    }

    MemberSector readMember(final int instanceId)
    {
        return read(new MemberSector(), EntryVolumeLayout.memberSectorOffset(instanceId));
    }

    /**
     * @return a new, initialised sector of the given kind, ready for fields then {@link #write}.
     */
    static <T extends SectorBlock<T>> T blank(final T sector)
    {
        return sector.wrap(new UnsafeBuffer(new byte[SectorBlock.LENGTH]), 0).initialise();
    }

    /**
     * @param durable flush it too. Only the "held" mark written when the lock is taken must be durable (it decides
     *                whether the next holder seals the log's end); the end LSN published after each commit is a hint
     *                for readers, who see it through the page cache or the device at once, and the log is durable.
     */
    void writeHead(final VgHead head, final boolean durable)
    {
        if (durable)
        {
            write(head, EntryVolumeLayout.VG_HEAD_OFFSET);
        }
        else
        {
            head.seal();
            io.write(EntryVolumeLayout.VG_HEAD_OFFSET, head.buffer(), 0, SectorBlock.LENGTH);
        }
    }

    void writeLease(final DiskLease lease)
    {
        write(lease, EntryVolumeLayout.LEASE_AREA_OFFSET);
    }

    void writeFence(final int instanceId, final FenceSector fence)
    {
        write(fence, EntryVolumeLayout.fenceSectorOffset(instanceId));
    }

    void writeMember(final int instanceId, final MemberSector member)
    {
        write(member, EntryVolumeLayout.memberSectorOffset(instanceId));
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
        io.write(offset, sectorBuffer(sector), 0, SectorBlock.LENGTH);
        io.device().flush(offset - offset % 4096, 4096);
    }

    private static UnsafeBuffer sectorBuffer(final SectorBlock<?> sector)
    {
        return sector.buffer();
    }
}
