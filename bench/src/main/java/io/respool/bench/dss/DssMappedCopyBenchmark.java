package io.respool.bench.dss;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The floor of the MAPPED data path of {@link DssDataPathBenchmark}: a MAPPED DSS read or write is a copy between
 * the caller buffer and the device's {@code mmap} of the image, so its floor is that copy alone, not a
 * {@code pread}/{@code pwrite}. Each fork builds the same {@link DataPathImage} on a MAPPED volume group (left open,
 * as in the DSS forks), maps the whole image a second time, shared, and copies the same 8 KiB with
 * {@link UnsafeBuffer} at the image offsets holding the blocks the DSS method touches, in the same order.
 * <p>
 * What the floor includes: the 8 KiB copy and the page faults the kernel takes on the mapping (the first store to a
 * clean page, as on the DSS mapping). What it leaves out is exactly what DSS adds: the file handle's checks, its I/O
 * read lock and fence gate, the extent lookup from file offset to image offset, the written-size bookkeeping, and
 * the device's range checks and close guard. Neither side does an {@code msync} per operation: the DSS MAPPED write
 * syncs only in {@code flush()}, so neither is durable.
 */
@Fork(value = 1, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DssMappedCopyBenchmark
{
    static final int IO_SIZE = DataPathImage.IO_SIZE;
    static final int OFFSET_COUNT = DataPathImage.OFFSET_COUNT;

    private DataPathImage image;
    private long mappingAddress;
    private UnsafeBuffer mapping;
    private UnsafeBuffer ioBuffer;
    private long[] imageOffsets;
    private int cursor;

    /**
     * Build the image, map it, and read one byte of every page of the file's AUs, so that the floor starts where
     * the DSS mapping does after {@code prepareFile}'s writes and flush: every page mapped, clean, and
     * write-protected until its first store (a read fault maps a page of a shared file mapping read-only).
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        Affinity.pinCurrentThread(0);
        image = new DataPathImage("MAPPED");
        ioBuffer = image.ioBuffer;
        imageOffsets = image.imageOffsets;
        cursor = 0;
        if (DataPathImage.IMAGE_SIZE > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("the image does not fit one UnsafeBuffer: IMAGE_SIZE=" +
                DataPathImage.IMAGE_SIZE);
        }
        mappingAddress = RawIo.mapShared(image.volume.fd(), 0, DataPathImage.IMAGE_SIZE);
        mapping = new UnsafeBuffer(mappingAddress, (int)DataPathImage.IMAGE_SIZE);
        long touched = 0;
        for (final long auOffset : image.auOffsets)
        {
            for (int page = 0; page < image.volume.auSize(); page += BenchVolume.ALIGNMENT)
            {
                touched += mapping.getByte((int)(auOffset + page));
            }
        }
        if (touched == Long.MIN_VALUE)
        {
            throw new IllegalStateException("unreachable: the sum keeps the page-touching loop from being removed");
        }
    }

    /**
     * Unmap, then close the file and volume group and delete the image.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            RawIo.munmap(mappingAddress, DataPathImage.IMAGE_SIZE);
        }
        finally
        {
            image.close();
        }
    }

    /**
     * The floor of a MAPPED {@code readDss}: the same 8 KiB copied out of the mapping into the caller buffer.
     */
    @Benchmark
    public void readMappedCopy()
    {
        ioBuffer.putBytes(0, mapping, (int)imageOffsets[next()], IO_SIZE);
    }

    /**
     * The floor of a MAPPED {@code writeDss}: the same 8 KiB copied from the caller buffer into the mapping.
     */
    @Benchmark
    public void writeMappedCopy()
    {
        mapping.putBytes((int)imageOffsets[next()], ioBuffer, 0, IO_SIZE);
    }

    private int next()
    {
        final int i = cursor;
        cursor = (i + 1) & (OFFSET_COUNT - 1);
        return i;
    }
}
