package io.respool.bench.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import org.agrona.UnsafeApi;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * The durable metadata rate: one operation is {@link Dss#createFile} then {@link Dss#delete} of a per-thread name,
 * each durable when it returns. Each change is made durable by the redo log's group commit (one log write and
 * {@code msync}/{@code fdatasync} shared by every change staged meanwhile) and, since the volume group is shared
 * between instances, by a write and sync of the VG head sector that publishes the new log end. Run with 1, 4 and
 * 16 threads: with more threads each sync carries more changes, so the rate should rise well past one thread's.
 * Count the syncs per operation with {@code strace -f -c -e trace=msync,fdatasync} on a {@code -f 0} run.
 * <p>
 * Two one-thread raw baselines, each two durable 4 KiB writes (the floor for two durable changes of one durable
 * write each, without group commit), on the same image, into the blocks of a DSS file so the volume group is not
 * disturbed:
 * <ul>
 *   <li>{@link #rawTwoSyncsLogMechanism}: what the DSS log itself does per commit. {@code MAPPED}: store into a
 *   shared {@code mmap} of the image, then {@code msync(MS_SYNC)} of the page. {@code DIRECT}: {@code O_DIRECT}
 *   {@code pwrite}, then {@code fdatasync}. DSS over this is DSS's own overhead.</li>
 *   <li>{@link #rawTwoSyncsPwrite}: {@code pwrite} + {@code fdatasync} (page cache for {@code MAPPED},
 *   {@code O_DIRECT} for {@code DIRECT}, where it is the same as the other baseline, so the two show the noise).
 *   For {@code MAPPED} it shows what a log written with {@code pwrite} rather than through the mapping would cost.</li>
 * </ul>
 * <p>
 * Pin threads with {@value Affinity#CPUS_ENV_NAME}; put the image elsewhere with {@value BenchVolume#DIR_ENV_NAME}.
 */
@Fork(value = 1, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DssMetadataBenchmark
{
    static final long IMAGE_SIZE = 1L << 30;
    static final int SYNC_SIZE = 4096;
    static final long SEED = 0x5EED_3E7AL;
    static final String DIRECTORY = "+" + BenchVolume.VG_NAME + "/meta";
    static final String SYNC_PATH = "+" + BenchVolume.VG_NAME + "/sync";

    /**
     * The volume group, the directory the files come and go in, and the raw baseline's target blocks.
     */
    @State(Scope.Benchmark)
    public static class Volume
    {
        @Param({ "MAPPED", "DIRECT" })
        String backend;

        BenchVolume volume;
        Dss dss;
        int fd;
        long syncOffset;
        long syncAddress;
        long mappedAddress;
        int syncCursor;

        /**
         * Create the volume group and a one-AU file whose blocks the raw baseline overwrites.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            volume = BenchVolume.create(backend, IMAGE_SIZE, Dss.DEFAULT_AU_SIZE);
            dss = volume.dss();
            dss.mkdir(DIRECTORY);
            try (DssFile file = volume.prepareFile(SYNC_PATH, volume.auSize(), SEED))
            {
                syncOffset = volume.locate(volume.auSize(), SEED)[0];
            }
            fd = volume.fd();
            syncAddress = RawIo.allocateAligned(BenchVolume.ALIGNMENT, 2 * SYNC_SIZE);
            new UnsafeBuffer(syncAddress, 2 * SYNC_SIZE).setMemory(0, 2 * SYNC_SIZE, (byte)0x5A);
            mappedAddress = volume.isDirect() ? 0 : RawIo.mapShared(fd, syncOffset, volume.auSize());
        }

        /**
         * Close the volume group and delete the image.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                if (mappedAddress != 0)
                {
                    RawIo.munmap(mappedAddress, volume.auSize());
                }
                volume.close();
            }
            finally
            {
                RawIo.free(syncAddress);
            }
        }

        /**
         * @return the offset in the AU of the next 4 KiB block to overwrite, moving through it like a log.
         */
        long nextSyncBlock()
        {
            final int blocks = volume.auSize() / SYNC_SIZE;
            final int i = syncCursor;
            syncCursor = i + 1 == blocks ? 0 : i + 1;
            return (long)i * SYNC_SIZE;
        }

        /**
         * One durable 4 KiB write the way the DSS log makes one durable on this backend.
         */
        void logMechanismSync(final long sourceAddress)
        {
            final long block = nextSyncBlock();
            if (mappedAddress != 0)
            {
                UnsafeApi.copyMemory(sourceAddress, mappedAddress + block, SYNC_SIZE);
                RawIo.syncMapped(mappedAddress + block, SYNC_SIZE);
            }
            else
            {
                pwriteSync(sourceAddress, block);
            }
        }

        /**
         * One durable 4 KiB write with {@code pwrite} + {@code fdatasync}.
         */
        void pwriteSync(final long sourceAddress, final long block)
        {
            RawIo.pwriteFully(fd, sourceAddress, SYNC_SIZE, syncOffset + block);
            RawIo.datasync(fd);
        }
    }

    /**
     * A benchmark thread's own file name; pins the thread if asked.
     */
    @State(Scope.Thread)
    public static class Worker
    {
        String path;

        /**
         * Name the thread's file after its index.
         */
        @Setup(Level.Trial)
        public void setUp(final ThreadParams params)
        {
            Affinity.pinCurrentThread(params.getThreadIndex());
            path = DIRECTORY + "/f" + params.getThreadIndex();
        }
    }

    /**
     * Create and delete a file, one thread.
     */
    @Benchmark
    @Threads(1)
    public void createDelete1Thread(final Volume volume, final Worker worker)
    {
        createDelete(volume, worker);
    }

    /**
     * Create and delete a file, 4 threads (each its own name).
     */
    @Benchmark
    @Threads(4)
    public void createDelete4Threads(final Volume volume, final Worker worker)
    {
        createDelete(volume, worker);
    }

    /**
     * Create and delete a file, 16 threads (each its own name).
     */
    @Benchmark
    @Threads(16)
    public void createDelete16Threads(final Volume volume, final Worker worker)
    {
        createDelete(volume, worker);
    }

    /**
     * Two durable 4 KiB writes the way the DSS log does one commit on this backend, one thread.
     */
    @Benchmark
    @Threads(1)
    public void rawTwoSyncsLogMechanism(final Volume volume, final Worker worker)
    {
        volume.logMechanismSync(volume.syncAddress);
        volume.logMechanismSync(volume.syncAddress + SYNC_SIZE);
    }

    /**
     * Two durable 4 KiB writes, {@code pwrite} + {@code fdatasync} each, one thread.
     */
    @Benchmark
    @Threads(1)
    public void rawTwoSyncsPwrite(final Volume volume, final Worker worker)
    {
        volume.pwriteSync(volume.syncAddress, volume.nextSyncBlock());
        volume.pwriteSync(volume.syncAddress + SYNC_SIZE, volume.nextSyncBlock());
    }

    private static void createDelete(final Volume volume, final Worker worker)
    {
        volume.dss.createFile(worker.path);
        volume.dss.delete(worker.path);
    }
}
