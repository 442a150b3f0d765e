package io.respool.dss.engine;

import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.arbitration.SectorIo;
import io.respool.dss.format.DiskLease;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.FileLockSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.SectorBlock;
import io.respool.dss.format.VgHead;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads and writes the one-sector structures that instances sharing a volume group use to coordinate: the VG head,
 * which is the engine's, and the arbitration sectors (the SHARE_DISK lease, each instance's fence and member
 * sectors), which are {@link ArbitrationSectors}'. Each sits alone in its own 4 KiB block, so writing one never
 * rewrites another instance's sector. Thread-safe: every call uses its own buffer.
 */
final class SharedSectors
{
    private final ArbitrationSectors arbitration;
    private final DeviceIo io;

    SharedSectors(final DeviceIo io)
    {
        this.io = io;
        this.arbitration = new ArbitrationSectors(new SectorIo()
        {
            @Override
            public void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
            {
                io.read(offset, dst, index, length);
            }

            @Override
            public void write(
                final long offset, final DirectBuffer src, final int index, final int length, final boolean durable)
            {
                io.write(offset, src, index, length);
                if (durable)
                {
                    io.device().flush(offset - offset % ArbitrationSectors.BLOCK, ArbitrationSectors.BLOCK);
                }
            }
        });
    }

    /**
     * @return the arbitration sectors alone, as a cluster manager sees them.
     */
    ArbitrationSectors arbitration()
    {
        return arbitration;
    }

    VgHead readHead()
    {
        return arbitration.read(new VgHead(), EntryVolumeLayout.VG_HEAD_OFFSET);
    }

    DiskLease readLease()
    {
        return arbitration.readLease();
    }

    FenceSector readFence(final int instanceId)
    {
        return arbitration.readFence(instanceId);
    }

    MemberSector readMember(final int instanceId)
    {
        return arbitration.readMember(instanceId);
    }

    /**
     * @return a new, initialised sector of the given kind, ready for fields then a write.
     */
    static <T extends SectorBlock<T>> T blank(final T sector)
    {
        return ArbitrationSectors.blank(sector);
    }

    /**
     * @param durable flush it too. Only the "held" mark written when the lock is taken must be durable (it decides
     *                whether the next holder seals the log's end); the end LSN published after each commit is a hint
     *                for readers, who see it through the page cache or the device at once, and the log is durable.
     */
    void writeHead(final VgHead head, final boolean durable)
    {
        arbitration.write(head, EntryVolumeLayout.VG_HEAD_OFFSET, durable);
    }

    void writeLease(final DiskLease lease)
    {
        arbitration.writeLease(lease);
    }

    void writeFence(final int instanceId, final FenceSector fence)
    {
        arbitration.writeFence(instanceId, fence);
    }

    void writeMember(final int instanceId, final MemberSector member)
    {
        arbitration.writeMember(instanceId, member);
    }

    /**
     * @return the whole file-lock table, every instance's slot, in one read.
     */
    UnsafeBuffer readFileLockTable()
    {
        final UnsafeBuffer table = new UnsafeBuffer(new byte[(int)EntryVolumeLayout.FILE_LOCK_TABLE_LENGTH]);
        io.read(EntryVolumeLayout.FILE_LOCK_TABLE_OFFSET, table, 0, table.capacity());
        return table;
    }

    /**
     * Write sector {@code sector} of {@code instanceId}'s file-lock slot. Only that instance's member writes its
     * slot, so the read-modify-write of its 4 KiB block on a direct-I/O device rewrites only its own sectors.
     */
    void writeFileLock(final int instanceId, final int sector, final FileLockSector locks)
    {
        arbitration.write(locks, EntryVolumeLayout.fileLockSectorOffset(instanceId, sector), true);
    }

    /**
     * Zero {@code instanceId}'s whole file-lock slot, in one write, unless it is zero already.
     */
    void clearFileLockSlot(final int instanceId)
    {
        final long offset = EntryVolumeLayout.fileLockSectorOffset(instanceId, 0);
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[EntryVolumeLayout.FILE_LOCK_SLOT_LENGTH]);
        io.read(offset, slot, 0, slot.capacity());
        for (int i = 0; i < slot.capacity(); i += Long.BYTES)
        {
            if (slot.getLong(i) != 0)
            {
                slot.setMemory(0, slot.capacity(), (byte)0);
                io.write(offset, slot, 0, slot.capacity());
                io.device().flush(offset, slot.capacity());
                return;
            }
        }
    }
}
