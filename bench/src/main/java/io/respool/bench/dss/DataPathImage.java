package io.respool.bench.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * What every data-path fork measures on, built the same way in each: a 1 GiB DSS file, pre-allocated and fully
 * written, on a sparse image in a temporary directory; the 4096-aligned native caller buffer of 8 KiB filled with
 * seeded bytes; and 2^20 random 8 KiB-aligned file offsets from a seeded generator beside the image offsets holding
 * the same file blocks (found through {@link BenchVolume#locate}), so that DSS and every floor visit the same blocks
 * in the same sequence. {@link #close()} closes the file and the volume group and deletes the image.
 */
final class DataPathImage implements AutoCloseable
{
    static final int IO_SIZE = 8192;
    static final long FILE_SIZE = 1L << 30;
    static final long IMAGE_SIZE = FILE_SIZE + (256L << 20);
    static final int OFFSET_COUNT = 1 << 20;
    static final long SEED = 0x5EED_D55L;
    static final String PATH = "+" + BenchVolume.VG_NAME + "/data";

    final BenchVolume volume;
    final DssFile file;
    /** Image offset of file AU {@code i} at index {@code i}. */
    final long[] auOffsets;
    final long ioAddress;
    final UnsafeBuffer ioBuffer;
    final long[] fileOffsets = new long[OFFSET_COUNT];
    final long[] imageOffsets = new long[OFFSET_COUNT];

    /**
     * @param backend {@code MAPPED} or {@code DIRECT}.
     */
    DataPathImage(final String backend)
    {
        volume = BenchVolume.create(backend, IMAGE_SIZE, Dss.DEFAULT_AU_SIZE);
        file = volume.prepareFile(PATH, FILE_SIZE, SEED);
        auOffsets = volume.locate(FILE_SIZE, SEED);

        ioAddress = RawIo.allocateAligned(BenchVolume.ALIGNMENT, IO_SIZE);
        ioBuffer = new UnsafeBuffer(ioAddress, IO_SIZE);
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < IO_SIZE; i += 8)
        {
            ioBuffer.putLong(i, random.nextLong(), ByteOrder.LITTLE_ENDIAN);
        }

        final int auSize = volume.auSize();
        final long slots = FILE_SIZE / IO_SIZE;
        for (int i = 0; i < OFFSET_COUNT; i++)
        {
            final long offset = random.nextLong(slots) * IO_SIZE;
            fileOffsets[i] = offset;
            imageOffsets[i] = auOffsets[(int)(offset / auSize)] + offset % auSize;
        }
    }

    @Override
    public void close()
    {
        try
        {
            file.close();
            volume.close();
        }
        finally
        {
            RawIo.free(ioAddress);
        }
    }
}
