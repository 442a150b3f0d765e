package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDevice.DeviceKind;
import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.assertPattern;
import static io.respool.blockdev.TestImages.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips through both backends on an image file (DIRECT forced), with every kind of caller buffer.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BlockDeviceRoundTripTest
{
    private static final long IMAGE_SIZE = 16 * MIB;
    /** Longer than the bounce buffer, so a bounced transfer loops. */
    private static final int LARGE = (int)(3 * MIB + 8192);

    @TempDir
    Path dir;

    /**
     * A caller buffer and the index to use in it.
     */
    enum BufferKind
    {
        HEAP_ARRAY
        {
            MutableDirectBuffer allocate(final int length)
            {
                return new UnsafeBuffer(new byte[length + 7]);
            }

            int index()
            {
                return 7;
            }
        },
        HEAP_BYTE_BUFFER
        {
            MutableDirectBuffer allocate(final int length)
            {
                return new UnsafeBuffer(ByteBuffer.allocate(length + 100), 100, length);
            }
        },
        EXPANDABLE_ARRAY
        {
            MutableDirectBuffer allocate(final int length)
            {
                return new ExpandableArrayBuffer(length);
            }
        },
        DIRECT
        {
            MutableDirectBuffer allocate(final int length)
            {
                return new UnsafeBuffer(ByteBuffer.allocateDirect(length));
            }
        },
        DIRECT_ALIGNED
        {
            MutableDirectBuffer allocate(final int length)
            {
                return new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, BounceBuffer.ALIGNMENT));
            }
        },
        DIRECT_MISALIGNED
        {
            MutableDirectBuffer allocate(final int length)
            {
                return new UnsafeBuffer(BufferUtil.allocateDirectAligned(length + 4096, BounceBuffer.ALIGNMENT));
            }

            int index()
            {
                return 512;
            }
        };

        abstract MutableDirectBuffer allocate(int length);

        int index()
        {
            return 0;
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void shouldRoundTripOnMappedImageWhenBufferIsOfAnyKind(final BufferKind kind)
    {
        roundTrip(Backend.MAPPED, kind, BufferKind.HEAP_ARRAY);
        roundTrip(Backend.MAPPED, BufferKind.HEAP_ARRAY, kind);
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void shouldRoundTripOnDirectImageWhenBufferIsOfAnyKind(final BufferKind kind)
    {
        roundTrip(Backend.DIRECT, kind, BufferKind.DIRECT_ALIGNED);
        roundTrip(Backend.DIRECT, BufferKind.DIRECT_ALIGNED, kind);
    }

    @Test
    void shouldReadAndWriteInPlaceOnlyWhenDirectBufferIsAligned()
    {
        final UnsafeBuffer aligned = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8192, 4096));
        assertTrue(DirectBlockDevice.isUsableInPlace(aligned.byteArray(), aligned.addressOffset(), 4096));
        assertFalse(DirectBlockDevice.isUsableInPlace(aligned.byteArray(), aligned.addressOffset() + 512, 4096));
        assertTrue(DirectBlockDevice.isUsableInPlace(aligned.byteArray(), aligned.addressOffset() + 512, 512));

        final UnsafeBuffer heap = new UnsafeBuffer(new byte[8192]);
        assertFalse(DirectBlockDevice.isUsableInPlace(heap.byteArray(), heap.addressOffset(), 1));
    }

    @Test
    void shouldRoundTripOnMappedImageWhenOffsetAndLengthAreUnaligned()
    {
        final Path image = dir.resolve("unaligned.img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE - 3);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[10_000]);
        final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(10_000));

        try (BlockDevice device = BlockDevices.open(image))
        {
            assertEquals(Backend.MAPPED, device.backend());
            assertEquals(DeviceKind.IMAGE_FILE, device.kind());
            assertEquals(IMAGE_SIZE - 3, device.size());
            assertEquals(1, device.alignment());
            assertEquals(512, device.atomicWriteUnit());

            fill(src, 3, 9_001, 42);
            device.write(4093, src, 3, 9_001);
            device.write(device.size() - 777, src, 3, 777);
            device.read(4093, dst, 11, 9_001);
            assertPattern(dst, 11, 9_001, 42);
            device.read(device.size() - 777, dst, 0, 777);
            assertPattern(dst, 0, 777, 42);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldKeepDataWhenFlushedClosedAndReopened(final Backend backend)
    {
        final Path image = dir.resolve("reopen.img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final OpenOptions options = OpenOptions.defaults().backend(backend);

        try (BlockDevice device = BlockDevices.open(image, options))
        {
            fill(buffer, 0, 8192, 7);
            device.write(IMAGE_SIZE - 8192, buffer, 0, 8192);
            device.write(8192, buffer, 0, 4096);
            device.flush();
            device.flush(8192, 4096);
        }

        for (final Backend reopenWith : Backend.values())
        {
            try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(reopenWith)))
            {
                final UnsafeBuffer read = new UnsafeBuffer(new byte[8192]);
                device.read(IMAGE_SIZE - 8192, read, 0, 8192);
                assertPattern(read, 0, 8192, 7);
                device.read(8192, read, 0, 4096);
                assertPattern(read, 0, 4096, 7);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldDoNothingWhenLengthIsZero(final Backend backend)
    {
        final Path image = dir.resolve("empty-io.img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend)))
        {
            device.read(IMAGE_SIZE, buffer, 0, 0);
            device.write(0, buffer, 0, 0);
            device.zero(IMAGE_SIZE, 0);
            device.flush(0, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldKeepDisjointWritesWhenManyThreadsWriteAtOnce(final Backend backend) throws Exception
    {
        final Path image = dir.resolve("threads.img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE);
        final int threads = 4;
        final int pagesPerThread = 64;
        final int pageSize = 8192;

        final ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend)))
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                futures.add(executor.submit(() ->
                {
                    final UnsafeBuffer page = new UnsafeBuffer(new byte[pageSize]);
                    for (int p = 0; p < pagesPerThread; p++)
                    {
                        final int pageNo = p * threads + thread;
                        fill(page, 0, pageSize, pageNo);
                        device.write((long)pageNo * pageSize, page, 0, pageSize);
                    }
                    return null;
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get(10, TimeUnit.SECONDS);
            }

            final UnsafeBuffer page = new UnsafeBuffer(new byte[pageSize]);
            for (int pageNo = 0; pageNo < threads * pagesPerThread; pageNo++)
            {
                device.read((long)pageNo * pageSize, page, 0, pageSize);
                assertPattern(page, 0, pageSize, pageNo);
            }
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    private void roundTrip(final Backend backend, final BufferKind writeKind, final BufferKind readKind)
    {
        final Path image = dir.resolve(backend + "-" + writeKind + "-" + readKind + ".img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE);
        final MutableDirectBuffer src = writeKind.allocate(LARGE);
        final MutableDirectBuffer dst = readKind.allocate(LARGE);
        final int seed = writeKind.ordinal() * 10 + readKind.ordinal();

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend)))
        {
            assertEquals(backend, device.backend());
            assertEquals(DeviceKind.IMAGE_FILE, device.kind());
            assertEquals(image, device.path());
            assertFalse(device.isReadOnly());

            fill(src, writeKind.index(), LARGE, seed);
            device.write(MIB, src, writeKind.index(), LARGE);
            device.write(0, src, writeKind.index(), 4096);

            device.read(MIB, dst, readKind.index(), LARGE);
            assertPattern(dst, readKind.index(), LARGE, seed);
            device.read(0, dst, readKind.index(), 4096);
            assertPattern(dst, readKind.index(), 4096, seed);
        }
    }
}
