package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.GIB;
import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.TIB;
import static io.respool.blockdev.TestImages.allocatedBlocks;
import static io.respool.blockdev.TestImages.assertPattern;
import static io.respool.blockdev.TestImages.assertZeros;
import static io.respool.blockdev.TestImages.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3 TiB sparse image: one mapping far beyond 2 GiB, with I/O near its end, across both backends.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SparseImageTest
{
    private static final long SIZE = 3 * TIB;
    private static final int LENGTH = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldReadBackNearEndWhenSparseImageIsThreeTebibytes() throws Exception
    {
        final Path image = dir.resolve("huge.img");
        BlockDevices.createSparseImage(image, SIZE);
        assertEquals(SIZE, Files.size(image));

        final long nearEnd = SIZE - LENGTH;
        final long past2GiB = 2 * GIB + 12_345;
        final long middle = 1536 * GIB + 7;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LENGTH]);

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().minimumSize(SIZE)))
        {
            assertEquals(Backend.MAPPED, device.backend());
            assertEquals(SIZE, device.size());

            fill(buffer, 0, LENGTH, 1);
            device.write(nearEnd, buffer, 0, LENGTH);
            fill(buffer, 0, LENGTH, 2);
            device.write(past2GiB, buffer, 0, LENGTH);
            fill(buffer, 0, LENGTH, 3);
            device.write(middle, buffer, 0, LENGTH);
            device.flush();

            device.read(nearEnd, buffer, 0, LENGTH);
            assertPattern(buffer, 0, LENGTH, 1);
            device.read(past2GiB, buffer, 0, LENGTH);
            assertPattern(buffer, 0, LENGTH, 2);
            device.read(SIZE - 2 * LENGTH, buffer, 0, LENGTH);
            assertZeros(buffer, 0, LENGTH);
        }

        final long allocated = allocatedBlocks(image) * 512;
        assertTrue(allocated < 64 * MIB, "a sparse image should hold only what was written: allocated=" + allocated);

        final UnsafeBuffer aligned = new UnsafeBuffer(BufferUtil.allocateDirectAligned(LENGTH, 4096));
        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(Backend.DIRECT)))
        {
            device.read(nearEnd, aligned, 0, LENGTH);
            assertPattern(aligned, 0, LENGTH, 1);

            fill(aligned, 0, LENGTH, 4);
            device.write(SIZE - 2 * LENGTH, aligned, 0, LENGTH);
            device.flush();
        }

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().readOnly(true)))
        {
            device.read(SIZE - 2 * LENGTH, buffer, 0, LENGTH);
            assertPattern(buffer, 0, LENGTH, 4);
            device.read(middle, buffer, 0, LENGTH);
            assertPattern(buffer, 0, LENGTH, 3);
        }
    }
}
