package io.respool.bench.dss;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.engine.Volumes;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * One benchmark volume group: a sparse image file in a fresh temporary directory (under {@value #DIR_ENV_NAME} if
 * set, else {@code java.io.tmpdir}), formatted and opened with the backend asked for, plus a raw file descriptor on
 * the same image for the baselines ({@code O_DIRECT} when the backend is {@code DIRECT}, page cache otherwise).
 * <p>
 * {@link #prepareFile} writes a DSS file whose every allocation unit starts with a marker, then finds each marker in
 * the image with raw reads: that gives the image offset of every file AU, so a raw baseline can touch exactly the
 * blocks the DSS call touches, without relying on DSS internals. {@link #close()} deletes the directory.
 */
final class BenchVolume implements AutoCloseable
{
    static final String VG_NAME = "bench";
    static final String DIR_ENV_NAME = "RESPOOL_BENCH_DIR";
    static final int ALIGNMENT = 4096;
    static final int CHUNK = 1024 * 1024;

    private static final long MARKER_MAGIC = 0x524553504F4F4C42L;

    private final Path directory;
    private final Path image;
    private final long imageSize;
    private final int auSize;
    private final boolean direct;
    private final Dss dss;
    private final int fd;

    private BenchVolume(final Path directory, final Path image, final long imageSize, final int auSize,
        final boolean direct, final Dss dss, final int fd)
    {
        this.directory = directory;
        this.image = image;
        this.imageSize = imageSize;
        this.auSize = auSize;
        this.direct = direct;
        this.dss = dss;
        this.fd = fd;
    }

    /**
     * Create the image and volume group and open both DSS and the raw descriptor.
     *
     * @param backend {@code MAPPED} or {@code DIRECT}: set as {@code respool.dss.backend} for this JVM.
     */
    static BenchVolume create(final String backend, final long imageSize, final int auSize)
    {
        final boolean direct = "DIRECT".equals(backend);
        if (!direct && !"MAPPED".equals(backend))
        {
            throw new IllegalArgumentException("unknown backend: " + backend + "; use MAPPED or DIRECT");
        }
        System.setProperty(Volumes.BACKEND_PROP_NAME, backend);
        final Path directory = createDirectory();
        final Path image = directory.resolve("vg.img");
        BlockDevices.createSparseImage(image, imageSize);
        Dss.createVolumeGroup(VG_NAME, image, auSize);
        final Dss dss = Dss.openVolumeGroup(VG_NAME, image);
        checkBackend(image, direct);
        final int fd = RawIo.openImage(image.toString(), direct);
        return new BenchVolume(directory, image, imageSize, auSize, direct, dss, fd);
    }

    Dss dss()
    {
        return dss;
    }

    /**
     * @return the raw descriptor on the image.
     */
    int fd()
    {
        return fd;
    }

    int auSize()
    {
        return auSize;
    }

    boolean isDirect()
    {
        return direct;
    }

    /**
     * Create {@code path}, reserve {@code length} bytes ({@link DssFile#allocate}), write all of it with seeded random
     * bytes (so reads hit written blocks, not holes), each AU starting with a marker, and flush.
     *
     * @return the open file (writable).
     */
    DssFile prepareFile(final String path, final long length, final long seed)
    {
        if (length % auSize != 0)
        {
            throw new IllegalArgumentException("length must be whole AUs: length=" + length + ", auSize=" + auSize);
        }
        final DssFile file = dss.open(path, OpenFlag.CREATE, OpenFlag.WRITE);
        file.allocate(0, length, false);
        final long address = RawIo.allocateAligned(ALIGNMENT, CHUNK);
        try
        {
            final UnsafeBuffer chunk = new UnsafeBuffer(address, CHUNK);
            final SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < CHUNK; i += 8)
            {
                chunk.putLong(i, random.nextLong(), ByteOrder.LITTLE_ENDIAN);
            }
            for (long position = 0; position < length; position += CHUNK)
            {
                if (position % auSize == 0)
                {
                    chunk.putLong(0, MARKER_MAGIC ^ seed, ByteOrder.LITTLE_ENDIAN);
                    chunk.putLong(8, position / auSize, ByteOrder.LITTLE_ENDIAN);
                }
                else
                {
                    chunk.putLong(0, random.nextLong(), ByteOrder.LITTLE_ENDIAN);
                    chunk.putLong(8, random.nextLong(), ByteOrder.LITTLE_ENDIAN);
                }
                file.write(position, chunk, 0, CHUNK);
            }
            file.flush();
        }
        finally
        {
            RawIo.free(address);
        }
        return file;
    }

    /**
     * Find the image offset of each AU of a file written by {@link #prepareFile} with the same {@code seed}, by
     * reading the first block of every AU of the image through the raw descriptor.
     *
     * @return image offset of file AU {@code i} at index {@code i}.
     */
    long[] locate(final long length, final long seed)
    {
        final long[] offsets = new long[(int)(length / auSize)];
        Arrays.fill(offsets, -1);
        final long address = RawIo.allocateAligned(ALIGNMENT, ALIGNMENT);
        try
        {
            final UnsafeBuffer block = new UnsafeBuffer(address, ALIGNMENT);
            for (long at = 0; at + auSize <= imageSize; at += auSize)
            {
                RawIo.preadFully(fd, address, ALIGNMENT, at);
                if (block.getLong(0, ByteOrder.LITTLE_ENDIAN) == (MARKER_MAGIC ^ seed))
                {
                    final long fileAu = block.getLong(8, ByteOrder.LITTLE_ENDIAN);
                    if (fileAu < 0 || fileAu >= offsets.length || offsets[(int)fileAu] != -1)
                    {
                        throw new IllegalStateException("bad or duplicate marker: imageOffset=" + at + ", fileAu=" +
                            fileAu);
                    }
                    offsets[(int)fileAu] = at;
                }
            }
        }
        finally
        {
            RawIo.free(address);
        }
        for (int i = 0; i < offsets.length; i++)
        {
            if (offsets[i] == -1)
            {
                throw new IllegalStateException("marker of file AU not found in image: fileAu=" + i + ", image=" +
                    image);
            }
        }
        return offsets;
    }

    /**
     * Close DSS and the raw descriptor, then delete the directory with the image.
     */
    @Override
    public void close()
    {
        try
        {
            dss.close();
        }
        finally
        {
            RawIo.close(fd);
            deleteDirectory(directory);
        }
    }

    private static Path createDirectory()
    {
        final String parent = System.getenv(DIR_ENV_NAME);
        try
        {
            return parent == null || parent.isBlank() ?
                Files.createTempDirectory("respool-dss-bench-") :
                Files.createTempDirectory(Path.of(parent), "respool-dss-bench-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create benchmark directory: parent=" + parent, ex);
        }
    }

    /**
     * Make sure the backend is the one asked for: a {@code MAPPED} volume shows in {@code /proc/self/maps}, a
     * {@code DIRECT} one does not.
     */
    private static void checkBackend(final Path image, final boolean direct)
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps")))
        {
            final String real = image.toRealPath().toString();
            final boolean mapped = lines.anyMatch(line -> line.endsWith(real));
            if (mapped == direct)
            {
                throw new IllegalStateException("backend is not what was asked: image=" + image + ", mapped=" +
                    mapped + ", askedDirect=" + direct);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read /proc/self/maps", ex);
        }
    }

    private static void deleteDirectory(final Path directory)
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete benchmark directory: " + directory, ex);
        }
    }
}
