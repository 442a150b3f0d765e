package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDeviceException.Reason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.allocatedBlocks;
import static io.respool.blockdev.TestImages.assertPattern;
import static io.respool.blockdev.TestImages.assertZeros;
import static io.respool.blockdev.TestImages.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct backend forced on an image file: alignment rules and zeroing.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DirectBlockDeviceTest
{
    private static final OpenOptions DIRECT = OpenOptions.defaults().backend(Backend.DIRECT);

    @TempDir
    Path dir;

    @Test
    void shouldFailMisalignedAndWriteNothingWhenOffsetOrLengthIsNotAligned()
    {
        final Path image = dir.resolve("misaligned.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        fill(buffer, 0, 8192, 11);

        try (BlockDevice device = BlockDevices.open(image, DIRECT))
        {
            final BlockDeviceException offset =
                assertThrows(BlockDeviceException.class, () -> device.write(512, buffer, 0, 4096));
            assertEquals(Reason.MISALIGNED, offset.reason());
            assertEquals(512, offset.offset());
            assertEquals(
                "misaligned I/O for direct block device: path=" + image + ", offset=512, length=4096, " +
                "alignment=4096; use multiples of the alignment, or the MAPPED backend for an image",
                offset.getMessage());

            assertEquals(Reason.MISALIGNED, assertThrows(BlockDeviceException.class,
                () -> device.write(0, buffer, 0, 4097)).reason());
            assertEquals(Reason.MISALIGNED, assertThrows(BlockDeviceException.class,
                () -> device.read(4096, buffer, 0, 100)).reason());
            assertEquals(Reason.MISALIGNED, assertThrows(BlockDeviceException.class,
                () -> device.zero(4096, 512)).reason());
        }

        try (BlockDevice device = BlockDevices.open(image))
        {
            final UnsafeBuffer read = new UnsafeBuffer(new byte[8192]);
            device.read(0, read, 0, 8192);
            assertZeros(read, 0, 8192);
        }
    }

    @Test
    void shouldReadZerosAndFreeBlocksWhenRangeIsZeroed() throws Exception
    {
        final Path image = dir.resolve("zero.img");
        BlockDevices.createSparseImage(image, 8 * MIB);
        final int length = (int)(2 * MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);

        try (BlockDevice device = BlockDevices.open(image, DIRECT))
        {
            fill(buffer, 0, length, 4);
            device.write(MIB, buffer, 0, length);
            device.flush();
            final long blocksBefore = allocatedBlocks(image);
            assertTrue(blocksBefore >= length / 512, "blocks allocated after write: " + blocksBefore);

            device.zero(MIB + 4096, length - 8192);
            device.flush();

            final long blocksAfter = allocatedBlocks(image);
            assertTrue(
                blocksAfter <= blocksBefore - (length - 8192) / 512,
                "blocks should drop by the punched range: before=" + blocksBefore + ", after=" + blocksAfter);

            device.read(MIB, buffer, 0, length);
            assertPattern(buffer, 0, 4096, 4);
            assertZeros(buffer, 4096, length - 8192);
            for (int i = length - 4096; i < length; i++)
            {
                assertEquals(TestImages.patternByte(4, i), buffer.getByte(i), "byte after the zeroed range " + i);
            }
        }
    }

    @Test
    void shouldWriteZerosWhenHolesCannotBePunched()
    {
        final Path image = dir.resolve("write-zeros.img");
        BlockDevices.createSparseImage(image, 8 * MIB);
        final int length = (int)(3 * MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);

        try (BlockDevice device = BlockDevices.open(image, DIRECT))
        {
            fill(buffer, 0, length, 6);
            device.write(0, buffer, 0, length);
            ((DirectBlockDevice)device).writeZeros(4096, length - 8192);

            device.read(0, buffer, 0, length);
            assertPattern(buffer, 0, 4096, 6);
            assertZeros(buffer, 4096, length - 8192);
            assertEquals(TestImages.patternByte(6, length - 1), buffer.getByte(length - 1));
        }
    }

    @Test
    void shouldLeaveUnalignedTailOutOfReachWhenImageSizeIsNotAligned()
    {
        final Path image = dir.resolve("tail.img");
        BlockDevices.createSparseImage(image, MIB + 1000);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);

        try (BlockDevice device = BlockDevices.open(image, DIRECT))
        {
            assertEquals(MIB + 1000, device.size());
            device.read(MIB - 4096, buffer, 0, 4096);
            assertEquals(Reason.OUT_OF_RANGE, assertThrows(BlockDeviceException.class,
                () -> device.read(MIB, buffer, 0, 4096)).reason());
            assertEquals(Reason.MISALIGNED, assertThrows(BlockDeviceException.class,
                () -> device.read(MIB, buffer, 0, 1000)).reason());
        }
    }
}
