package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDeviceException.Reason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.KIB;
import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.allocatedBlocks;
import static io.respool.blockdev.TestImages.assertPattern;
import static io.respool.blockdev.TestImages.assertZeros;
import static io.respool.blockdev.TestImages.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the mapped backend does: unaligned zeroing with a punched hole, and SIGBUS turned into IO_ERROR.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MappedBlockDeviceTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadZerosAndFreeBlocksWhenRangeIsZeroed() throws Exception
    {
        final Path image = dir.resolve("zero.img");
        BlockDevices.createSparseImage(image, 8 * MIB);
        final int length = (int)(2 * MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);

        try (BlockDevice device = BlockDevices.open(image))
        {
            fill(buffer, 0, length, 3);
            device.write(MIB, buffer, 0, length);
            device.flush();
            final long blocksBefore = allocatedBlocks(image);
            assertTrue(blocksBefore >= length / 512, "blocks allocated after write: " + blocksBefore);

            final long zeroOffset = MIB + 100;
            final long zeroLength = length - 300;
            device.zero(zeroOffset, zeroLength);
            device.flush();

            final long blocksAfter = allocatedBlocks(image);
            assertTrue(
                blocksAfter <= blocksBefore - (length - 2 * 4 * KIB) / 512,
                "blocks should drop by the punched pages: before=" + blocksBefore + ", after=" + blocksAfter);

            final UnsafeBuffer read = new UnsafeBuffer(new byte[length]);
            device.read(MIB, read, 0, length);
            assertPattern(read, 0, 100, 3);
            assertZeros(read, 100, (int)zeroLength);
            for (int i = 100 + (int)zeroLength; i < length; i++)
            {
                assertEquals(TestImages.patternByte(3, i), read.getByte(i), "byte after the zeroed range " + i);
            }
        }
    }

    @Test
    void shouldZeroWithoutHoleWhenRangeIsWithinOnePage()
    {
        final Path image = dir.resolve("small-zero.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);

        try (BlockDevice device = BlockDevices.open(image))
        {
            fill(buffer, 0, 4096, 9);
            device.write(8192, buffer, 0, 4096);
            device.zero(8192 + 10, 20);
            device.read(8192, buffer, 0, 4096);
            assertPattern(buffer, 0, 10, 9);
            assertZeros(buffer, 10, 20);
            assertEquals(TestImages.patternByte(9, 30), buffer.getByte(30));
        }
    }

    @Test
    void shouldThrowIoErrorWhenMappedFileIsTruncatedUnderneath() throws Exception
    {
        final Path image = dir.resolve("truncated.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);

        try (BlockDevice device = BlockDevices.open(image))
        {
            // Warm the copy path up so that the fault is also seen from JIT-compiled code.
            for (int i = 0; i < 20_000; i++)
            {
                device.read(512 * KIB, buffer, 0, 8192);
                device.write(512 * KIB, buffer, 0, 8192);
            }

            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
            {
                file.setLength(0);
            }

            for (int i = 0; i < 1_000; i++)
            {
                final BlockDeviceException readFault =
                    assertThrows(BlockDeviceException.class, () -> device.read(512 * KIB, buffer, 0, 8192));
                assertEquals(Reason.IO_ERROR, readFault.reason());
                assertEquals(512 * KIB, readFault.offset());
                assertEquals(image, readFault.path());
                assertTrue(readFault.getMessage().startsWith(
                    "read through mapping faulted (SIGBUS): path=" + image + ", offset=524288, length=8192"),
                    readFault.getMessage());
                assertTrue(readFault.getMessage().contains("host file system may be full"), readFault.getMessage());

                final BlockDeviceException writeFault =
                    assertThrows(BlockDeviceException.class, () -> device.write(512 * KIB, buffer, 0, 8192));
                assertEquals(Reason.IO_ERROR, writeFault.reason());
            }
        }
    }

    @Test
    void shouldOpenMappedWhenImageIsEmpty()
    {
        final Path image = dir.resolve("empty.img");
        BlockDevices.createSparseImage(image, 0);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1]);

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(Backend.MAPPED)))
        {
            assertEquals(0, device.size());
            device.read(0, buffer, 0, 0);
            device.flush();
            assertEquals(
                Reason.OUT_OF_RANGE,
                assertThrows(BlockDeviceException.class, () -> device.read(0, buffer, 0, 1)).reason());
        }
    }
}
