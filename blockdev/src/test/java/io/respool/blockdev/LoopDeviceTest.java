package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDevice.DeviceKind;
import io.respool.blockdev.BlockDeviceException.Reason;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.assertPattern;
import static io.respool.blockdev.TestImages.assertZeros;
import static io.respool.blockdev.TestImages.fill;
import static io.respool.blockdev.TestImages.isRoot;
import static io.respool.blockdev.TestImages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real block device: a loop device over an image file ({@code losetup -f --show}). Needs root and loop device
 * support; where either is missing every test here is skipped with the reason, never failed.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopDeviceTest
{
    private static final long SIZE = 64 * MIB;

    @TempDir
    Path dir;

    private Path backingFile;
    private Path loopDevice;

    @BeforeEach
    void attachLoopDevice() throws Exception
    {
        assumeTrue(isRoot(), "loop devices need root to set up (losetup); running as uid " + run("id", "-u").trim());
        backingFile = dir.resolve("loop-backing.img");
        BlockDevices.createSparseImage(backingFile, SIZE);
        try
        {
            loopDevice = Path.of(run("losetup", "-f", "--show", backingFile.toString()).trim());
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "cannot attach a loop device (no /dev/loop* or no loop driver here): " + ex.getMessage());
        }
        assumeTrue(Files.exists(loopDevice), "losetup attached " + loopDevice + " but the node is not in /dev");
    }

    @AfterEach
    void detachLoopDevice() throws Exception
    {
        if (loopDevice != null)
        {
            run("losetup", "-d", loopDevice.toString());
        }
    }

    @Test
    void shouldOpenDirectWithSectorAlignmentWhenPathIsBlockDevice() throws Exception
    {
        final int logicalBlockSize = Integer.parseInt(Files.readString(
            Path.of("/sys/block", loopDevice.getFileName().toString(), "queue", "logical_block_size")).trim());

        assertEquals(DeviceKind.BLOCK_DEVICE, BlockDevices.kindOf(loopDevice));
        try (BlockDevice device = BlockDevices.open(loopDevice))
        {
            assertEquals(Backend.DIRECT, device.backend());
            assertEquals(DeviceKind.BLOCK_DEVICE, device.kind());
            assertEquals(SIZE, device.size());
            assertEquals(logicalBlockSize, device.alignment());
            assertEquals(logicalBlockSize, device.atomicWriteUnit());
        }
    }

    @Test
    void shouldRoundTripAndReachBackingFileWhenWritingBlockDevice() throws Exception
    {
        final UnsafeBuffer aligned = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int)MIB, 4096));
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[(int)MIB + 3]);

        try (BlockDevice device = BlockDevices.open(loopDevice))
        {
            final int sector = device.alignment();
            fill(aligned, 0, (int)MIB, 21);
            device.write(sector, aligned, 0, (int)MIB);
            fill(heap, 3, 8 * sector, 22);
            device.write(SIZE - 8 * sector, heap, 3, 8 * sector);
            device.flush();

            device.read(sector, heap, 3, (int)MIB);
            assertPattern(heap, 3, (int)MIB, 21);
            device.read(SIZE - 8 * sector, aligned, 0, 8 * sector);
            assertPattern(aligned, 0, 8 * sector, 22);

            final BlockDeviceException misaligned =
                assertThrows(BlockDeviceException.class, () -> device.read(sector / 2, aligned, 0, sector));
            assertEquals(Reason.MISALIGNED, misaligned.reason());

            try (RandomAccessFile file = new RandomAccessFile(backingFile.toFile(), "r"))
            {
                final byte[] bytes = new byte[8 * sector];
                file.seek(SIZE - 8 * sector);
                file.readFully(bytes);
                assertPattern(new UnsafeBuffer(bytes), 0, bytes.length, 22);
            }
        }
    }

    @Test
    void shouldReadZerosWhenBlockDeviceRangeIsZeroedOut()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[(int)MIB]);

        try (BlockDevice device = BlockDevices.open(loopDevice))
        {
            final int sector = device.alignment();
            fill(buffer, 0, (int)MIB, 23);
            device.write(0, buffer, 0, (int)MIB);
            device.zero(sector, MIB - 2L * sector);
            device.flush();

            device.read(0, buffer, 0, (int)MIB);
            assertPattern(buffer, 0, sector, 23);
            assertZeros(buffer, sector, (int)MIB - 2 * sector);
            assertEquals(TestImages.patternByte(23, (int)MIB - 1), buffer.getByte((int)MIB - 1));
        }
    }

    @Test
    void shouldRoundTripWhenBlockDeviceIsMapped()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[10_000]);

        try (BlockDevice device = BlockDevices.open(loopDevice, OpenOptions.defaults().backend(Backend.MAPPED)))
        {
            assertEquals(Backend.MAPPED, device.backend());
            assertEquals(DeviceKind.BLOCK_DEVICE, device.kind());
            assertEquals(1, device.alignment());

            fill(buffer, 0, 10_000, 24);
            device.write(SIZE - 10_001, buffer, 0, 10_000);
            device.zero(SIZE - 10_001, 100);
            device.flush();
            device.read(SIZE - 10_001, buffer, 0, 10_000);
            assertZeros(buffer, 0, 100);
            assertEquals(TestImages.patternByte(24, 100), buffer.getByte(100));
        }
    }

    @Test
    void shouldFailTooSmallNamingBothSizesWhenBlockDeviceIsSmall()
    {
        final BlockDeviceException ex = assertThrows(BlockDeviceException.class,
            () -> BlockDevices.open(loopDevice, OpenOptions.defaults().minimumSize(SIZE + 1)));

        assertEquals(Reason.TOO_SMALL, ex.reason());
        assertEquals(
            "block device too small: path=" + loopDevice + ", size=" + SIZE + ", minimumSize=" + (SIZE + 1) +
            "; use a device of at least " + (SIZE + 1) + " bytes",
            ex.getMessage());
    }
}
