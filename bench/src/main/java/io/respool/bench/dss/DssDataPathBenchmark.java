package io.respool.bench.dss;

import io.respool.dss.DssFile;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * 8 KiB random reads and writes through the DSS file API ({@link DssFile#read(long,
 * org.agrona.MutableDirectBuffer, int, int)}, {@link DssFile#write(long, org.agrona.DirectBuffer, int, int)}), each
 * beside the same operation done with raw {@code pread}/{@code pwrite} on the same image file, at the image offsets
 * holding the same file blocks, in the same order.
 * <p>
 * Every fork builds the same {@link DataPathImage}: a 1 GiB DSS file, pre-allocated and fully written, on a sparse
 * image in a temporary directory (deleted at the end). Offsets are 8 KiB-aligned, drawn from a seeded generator, so
 * the DSS and raw methods visit the same blocks in the same sequence. The caller buffer is 4096-aligned native
 * memory, so neither path needs a bounce copy.
 * <ul>
 *   <li>{@code backend=MAPPED}: DSS copies to and from its {@code mmap} of the image; the baseline is a page-cache
 *   {@code pread}/{@code pwrite}. Neither is durable (nor is the DSS write until {@code flush()}).</li>
 *   <li>{@code backend=DIRECT}: DSS does {@code O_DIRECT} I/O; the baseline is {@code O_DIRECT} on its own
 *   descriptor.</li>
 * </ul>
 * The figure to read is DSS time over raw time per backend and operation; issue 2's target is DSS at 0.9x raw
 * throughput or better. A MAPPED read or write is a memory copy, which no system call matches, so its own floor is
 * {@link DssMappedCopyBenchmark} (issue 14's target: the MAPPED write at 0.8x the memory copy or better). Pin the
 * benchmark thread with {@value Affinity#CPUS_ENV_NAME}; put the image elsewhere with
 * {@value BenchVolume#DIR_ENV_NAME}.
 */
@Fork(value = 1, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DssDataPathBenchmark
{
    static final int IO_SIZE = DataPathImage.IO_SIZE;
    static final int OFFSET_COUNT = DataPathImage.OFFSET_COUNT;

    @Param({ "MAPPED", "DIRECT" })
    String backend;

    private DataPathImage image;
    private DssFile file;
    private int fd;
    private long ioAddress;
    private UnsafeBuffer ioBuffer;
    private long[] fileOffsets;
    private long[] imageOffsets;
    private int cursor;

    /**
     * Build the image and the offset sequences; runs on the benchmark thread, which it pins if asked.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        Affinity.pinCurrentThread(0);
        image = new DataPathImage(backend);
        file = image.file;
        fd = image.volume.fd();
        ioAddress = image.ioAddress;
        ioBuffer = image.ioBuffer;
        fileOffsets = image.fileOffsets;
        imageOffsets = image.imageOffsets;
        cursor = 0;
    }

    /**
     * Close the file and volume group and delete the image.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        image.close();
    }

    /**
     * One 8 KiB read through {@link DssFile#read(long, org.agrona.MutableDirectBuffer, int, int)}.
     */
    @Benchmark
    public int readDss()
    {
        final int n = file.read(fileOffsets[next()], ioBuffer, 0, IO_SIZE);
        if (n != IO_SIZE)
        {
            throw new IllegalStateException("short DSS read: " + n);
        }
        return n;
    }

    /**
     * One 8 KiB {@code pread} of the same image block {@link #readDss()} reads.
     */
    @Benchmark
    public long readRaw()
    {
        final long n = RawIo.pread(fd, ioAddress, IO_SIZE, imageOffsets[next()]);
        if (n != IO_SIZE)
        {
            throw new IllegalStateException("short pread: " + n);
        }
        return n;
    }

    /**
     * One 8 KiB write through {@link DssFile#write(long, org.agrona.DirectBuffer, int, int)}, inside the written
     * size (no allocation, no size change).
     */
    @Benchmark
    public void writeDss()
    {
        file.write(fileOffsets[next()], ioBuffer, 0, IO_SIZE);
    }

    /**
     * One 8 KiB {@code pwrite} of the same image block {@link #writeDss()} writes.
     */
    @Benchmark
    public long writeRaw()
    {
        final long n = RawIo.pwrite(fd, ioAddress, IO_SIZE, imageOffsets[next()]);
        if (n != IO_SIZE)
        {
            throw new IllegalStateException("short pwrite: " + n);
        }
        return n;
    }

    private int next()
    {
        final int i = cursor;
        cursor = (i + 1) & (OFFSET_COUNT - 1);
        return i;
    }
}
