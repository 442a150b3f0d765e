package io.respool.dss.arbitration;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.format.DiskLease;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.SectorBlock;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads and writes the arbitration sectors of a volume group's entry volume: the lease, and each instance's fence
 * and member sectors (see the package documentation for who writes which). A read returns a new flyweight over its
 * own buffer; check {@link SectorBlock#isValid()} before trusting it. A write seals the sector (checksum) and is
 * durable before it returns. Thread-safe: every call uses its own buffer.
 */
public final class ArbitrationSectors
{
    /** Each arbitration sector starts a block of this size and is alone in it. */
    public static final int BLOCK = 4096;

    private final SectorIo io;

    public ArbitrationSectors(final SectorIo io)
    {
        this.io = io;
    }

    /**
     * Arbitrate straight on {@code entryVolume}, as a module above the engine does. A device that reads and writes
     * only whole blocks larger than a sector gets the sector's block read, patched and written back, which is safe
     * because every arbitration sector starts its own 4 KiB block and nothing else lives in it.
     */
    public static ArbitrationSectors on(final BlockDevice entryVolume)
    {
        final int span = Math.max(SectorBlock.LENGTH, entryVolume.alignment());
        return new ArbitrationSectors(new SectorIo()
        {
            @Override
            public void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
            {
                final UnsafeBuffer block = new UnsafeBuffer(new byte[span]);
                entryVolume.read(offset, block, 0, span);
                dst.putBytes(index, block, 0, length);
            }

            @Override
            public void write(
                final long offset, final DirectBuffer src, final int index, final int length, final boolean durable)
            {
                final UnsafeBuffer block = new UnsafeBuffer(new byte[span]);
                if (span > length)
                {
                    entryVolume.read(offset, block, 0, span);
                }
                block.putBytes(0, src, index, length);
                entryVolume.write(offset, block, 0, span);
                if (durable)
                {
                    entryVolume.flush(offset - offset % BLOCK, BLOCK);
                }
            }
        });
    }

    /**
     * @return a new, initialised sector of the given kind, ready for its fields and then a write.
     */
    public static <T extends SectorBlock<T>> T blank(final T sector)
    {
        return sector.wrap(new UnsafeBuffer(new byte[SectorBlock.LENGTH]), 0).initialise();
    }

    public DiskLease readLease()
    {
        return read(new DiskLease(), EntryVolumeLayout.LEASE_AREA_OFFSET);
    }

    public void writeLease(final DiskLease lease)
    {
        write(lease, EntryVolumeLayout.LEASE_AREA_OFFSET, true);
    }

    /**
     * Free the lease if {@code instanceId} holds it: a fenced instance will not write again, so its lease need not
     * expire first.
     *
     * @return true if it was freed.
     */
    public boolean freeLeaseOf(final int instanceId)
    {
        final DiskLease lease = readLease();
        if (lease.isValid() && lease.owner() == instanceId)
        {
            writeLease(blank(new DiskLease()).owner(DiskLease.FREE).periodMs(lease.periodMs()));
            return true;
        }
        return false;
    }

    public FenceSector readFence(final int instanceId)
    {
        return read(new FenceSector(), EntryVolumeLayout.fenceSectorOffset(instanceId));
    }

    public void writeFence(final int instanceId, final FenceSector fence)
    {
        write(fence, EntryVolumeLayout.fenceSectorOffset(instanceId), true);
    }

    /**
     * Raise the fence generation of {@code instanceId} and set or lift its fence.
     *
     * @return the new generation: the instance has obeyed it once its member sector acknowledges it.
     */
    public long raiseFence(final int instanceId, final boolean fenced, final int by, final long nowMs)
    {
        final FenceSector current = readFence(instanceId);
        final long generation = (current.isValid() ? current.generation() : 0) + 1;
        writeFence(instanceId, blank(new FenceSector()).generation(generation).fenced(fenced).kickedBy(by)
            .changedMs(nowMs));
        return generation;
    }

    public MemberSector readMember(final int instanceId)
    {
        return read(new MemberSector(), EntryVolumeLayout.memberSectorOffset(instanceId));
    }

    public void writeMember(final int instanceId, final MemberSector member)
    {
        write(member, EntryVolumeLayout.memberSectorOffset(instanceId), true);
    }

    /**
     * Read any one-sector structure at {@code offset} (the start of its 4 KiB block).
     */
    public <T extends SectorBlock<T>> T read(final T sector, final long offset)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SectorBlock.LENGTH]);
        io.read(offset, buffer, 0, SectorBlock.LENGTH);
        return sector.wrap(buffer, 0);
    }

    /**
     * Seal and write any one-sector structure at {@code offset} (the start of its 4 KiB block).
     */
    public void write(final SectorBlock<?> sector, final long offset, final boolean durable)
    {
        sector.seal();
        io.write(offset, sector.buffer(), 0, SectorBlock.LENGTH, durable);
    }
}
