package io.respool.cluster.arbiter;

import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.arbitration.SectorIo;
import io.respool.dss.format.SectorBlock;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The cluster area's {@link SectorIo} over the arbitration package's sectors of an entry volume ({@link
 * ArbitrationSectors#on}), which reads and writes whole device blocks as a direct-I/O device needs. Every cluster
 * sector starts its own 4 KiB block, so the block it rewrites holds nothing of another writer. Thread-safe.
 */
public final class EntryVolumeSectorIo implements SectorIo
{
    private final ArbitrationSectors sectors;

    public EntryVolumeSectorIo(final ArbitrationSectors sectors)
    {
        this.sectors = sectors;
    }

    @Override
    public void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
    {
        checkLength(length);
        dst.putBytes(index, sectors.read(new RawSector(), offset).buffer(), 0, length);
    }

    @Override
    public void write(final long offset, final DirectBuffer src, final int index, final int length,
        final boolean durable)
    {
        checkLength(length);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[SectorBlock.LENGTH]);
        copy.putBytes(0, src, index, length);
        sectors.write(new RawSector().wrap(copy, 0), offset, durable);
    }

    private static void checkLength(final int length)
    {
        if (length != SectorBlock.LENGTH)
        {
            throw new IllegalArgumentException("cluster sectors are read and written whole: length=" + length +
                ", sector=" + SectorBlock.LENGTH);
        }
    }

    /**
     * A sector as bytes: sealing it again gives the checksum its writer already put there (same function, seed 0).
     */
    private static final class RawSector extends SectorBlock<RawSector>
    {
        @Override
        protected long magic()
        {
            return 0;
        }

        @Override
        protected int currentVersion()
        {
            return 1;
        }
    }
}
