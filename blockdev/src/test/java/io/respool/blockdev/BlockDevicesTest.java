package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDevice.DeviceKind;
import io.respool.blockdev.BlockDeviceException.Reason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.assertPattern;
import static io.respool.blockdev.TestImages.fill;
import static io.respool.blockdev.TestImages.isRoot;
import static io.respool.blockdev.TestImages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opening: kind detection, backend choice, and every reason an open or an I/O can fail.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BlockDevicesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPickMappedWhenPathIsRegularFile()
    {
        final Path image = dir.resolve("auto.img");
        BlockDevices.createSparseImage(image, MIB);

        assertEquals(DeviceKind.IMAGE_FILE, BlockDevices.kindOf(image));
        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults()))
        {
            assertEquals(Backend.MAPPED, device.backend());
            assertEquals(DeviceKind.IMAGE_FILE, device.kind());
            assertEquals(MIB, device.size());
        }
    }

    @Test
    void shouldUseDirectWithFileAlignmentWhenForcedOnImage()
    {
        final Path image = dir.resolve("forced.img");
        BlockDevices.createSparseImage(image, MIB);

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(Backend.DIRECT)))
        {
            assertEquals(Backend.DIRECT, device.backend());
            assertEquals(DeviceKind.IMAGE_FILE, device.kind());
            assertEquals(BlockDevices.IMAGE_DIRECT_ALIGNMENT, device.alignment());
            assertEquals(BlockDevices.IMAGE_SECTOR_SIZE, device.atomicWriteUnit());
        }
    }

    @Test
    void shouldFollowSymbolicLinkWhenPathIsLink() throws IOException
    {
        final Path image = dir.resolve("target.img");
        BlockDevices.createSparseImage(image, MIB);
        final Path link = Files.createSymbolicLink(dir.resolve("link.img"), image);

        try (BlockDevice device = BlockDevices.open(link))
        {
            assertEquals(DeviceKind.IMAGE_FILE, device.kind());
            assertEquals(link, device.path());
        }
    }

    @Test
    void shouldFailNotFoundWhenPathIsMissing()
    {
        final Path missing = dir.resolve("missing.img");

        final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () -> BlockDevices.open(missing));

        assertEquals(Reason.NOT_FOUND, ex.reason());
        assertEquals(missing, ex.path());
        assertEquals(-1, ex.offset());
        assertEquals(
            "block device not found: path=" + missing + "; create an image with: truncate -s 10G " + missing +
            ", or check the device name",
            ex.getMessage());
    }

    @Test
    void shouldFailNotAFileOrDeviceWhenPathIsDirectory()
    {
        final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () -> BlockDevices.open(dir));

        assertEquals(Reason.NOT_A_FILE_OR_DEVICE, ex.reason());
        assertEquals(
            "not a regular file or block device: path=" + dir + ", type=directory; pass an image file (create one " +
            "with: truncate -s 10G <file>) or a block device such as /dev/sdb",
            ex.getMessage());
    }

    @Test
    void shouldFailNotAFileOrDeviceWhenPathIsCharacterDevice()
    {
        final Path devNull = Path.of("/dev/null");

        final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () -> BlockDevices.open(devNull));

        assertEquals(Reason.NOT_A_FILE_OR_DEVICE, ex.reason());
        assertTrue(ex.getMessage().contains("type=character device"), ex.getMessage());
    }

    @Test
    void shouldFailNotAFileOrDeviceWhenPathIsFifo() throws Exception
    {
        final Path fifo = dir.resolve("fifo");
        run("mkfifo", fifo.toString());

        final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () -> BlockDevices.open(fifo));

        assertEquals(Reason.NOT_A_FILE_OR_DEVICE, ex.reason());
        assertTrue(ex.getMessage().contains("type=fifo"), ex.getMessage());
    }

    /**
     * Root ignores file modes (CAP_DAC_OVERRIDE), so {@code chmod 000} denies nothing when tests run as root, as they
     * do here. As root the immutable attribute ({@code chattr +i}) makes a read-write open fail with EPERM instead;
     * as another user {@code chmod 000} gives EACCES. Where neither can be arranged the test is skipped.
     */
    @Test
    void shouldFailPermissionDeniedWhenFileCannotBeOpenedForWriting() throws Exception
    {
        final Path image = dir.resolve("denied.img");
        BlockDevices.createSparseImage(image, MIB);
        final boolean root = isRoot();
        if (root)
        {
            try
            {
                run("chattr", "+i", image.toString());
            }
            catch (final IOException ex)
            {
                assumeTrue(false, "running as root and cannot set the immutable attribute: " + ex.getMessage());
            }
        }
        else
        {
            Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("---------"));
        }

        try
        {
            final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () -> BlockDevices.open(image));
            assertEquals(Reason.PERMISSION_DENIED, ex.reason());
            assertTrue(ex.getMessage().startsWith(
                "cannot open block device: path=" + image + ", readOnly=false, backend=MAPPED, error="),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("run as a user that can read and write it"), ex.getMessage());

            if (root)
            {
                try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().readOnly(true)))
                {
                    assertTrue(device.isReadOnly());
                }
            }
        }
        finally
        {
            if (root)
            {
                run("chattr", "-i", image.toString());
            }
            else
            {
                Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    @Test
    void shouldMapOpenErrnoToReason()
    {
        final Path path = Path.of("/images/a.img");

        assertEquals(Reason.NOT_FOUND, BlockDevices.openFailure(path, LibC.ENOENT, false, Backend.MAPPED).reason());
        assertEquals(
            Reason.PERMISSION_DENIED, BlockDevices.openFailure(path, LibC.EACCES, true, Backend.MAPPED).reason());
        assertEquals(
            Reason.PERMISSION_DENIED, BlockDevices.openFailure(path, LibC.EPERM, false, Backend.MAPPED).reason());
        assertEquals(
            Reason.NOT_A_FILE_OR_DEVICE, BlockDevices.openFailure(path, LibC.EISDIR, false, Backend.MAPPED).reason());
        assertEquals(Reason.IO_ERROR, BlockDevices.openFailure(path, LibC.EIO, false, Backend.DIRECT).reason());

        final BlockDeviceException readOnlyFs = BlockDevices.openFailure(path, LibC.EROFS, false, Backend.MAPPED);
        assertEquals(Reason.PERMISSION_DENIED, readOnlyFs.reason());
        assertTrue(readOnlyFs.getMessage().contains("Read-only file system (errno=30)"), readOnlyFs.getMessage());
        assertTrue(readOnlyFs.getMessage().contains("OpenOptions.readOnly(true)"), readOnlyFs.getMessage());

        final BlockDeviceException noDirect = BlockDevices.openFailure(path, LibC.EINVAL, false, Backend.DIRECT);
        assertTrue(noDirect.getMessage().contains("may not support O_DIRECT"), noDirect.getMessage());

        assertEquals(
            "cannot open block device: path=/images/a.img, readOnly=true, backend=MAPPED, " +
            "error=Permission denied (errno=13); run as a user that can read it (check ls -l, group membership " +
            "such as 'disk', and lsattr for the immutable flag)",
            BlockDevices.openFailure(path, LibC.EACCES, true, Backend.MAPPED).getMessage());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldFailTooSmallWhenImageIsSmallerThanMinimum(final Backend backend)
    {
        final Path image = dir.resolve("small.img");
        BlockDevices.createSparseImage(image, MIB);
        final OpenOptions options = OpenOptions.defaults().backend(backend).minimumSize(2 * MIB);

        final BlockDeviceException ex =
            assertThrows(BlockDeviceException.class, () -> BlockDevices.open(image, options));

        assertEquals(Reason.TOO_SMALL, ex.reason());
        assertEquals(
            "block device too small: path=" + image + ", size=1048576, minimumSize=2097152; grow it with: " +
            "truncate -s 2097152 " + image,
            ex.getMessage());

        try (BlockDevice device = BlockDevices.open(image, options.minimumSize(MIB)))
        {
            assertEquals(MIB, device.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldFailOutOfRangeWhenIoPassesEndOfDevice(final Backend backend)
    {
        final Path image = dir.resolve("range.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend)))
        {
            final BlockDeviceException read =
                assertThrows(BlockDeviceException.class, () -> device.read(MIB - 4096, buffer, 0, 8192));
            assertEquals(Reason.OUT_OF_RANGE, read.reason());
            assertEquals(MIB - 4096, read.offset());
            assertEquals(
                "I/O outside the block device: path=" + image + ", offset=1044480, length=8192, size=1048576; " +
                "keep offset >= 0, length >= 0 and offset + length <= size",
                read.getMessage());

            assertOutOfRange(() -> device.write(MIB, buffer, 0, 4096));
            assertOutOfRange(() -> device.write(-4096, buffer, 0, 4096));
            assertOutOfRange(() -> device.read(Long.MAX_VALUE - 4095, buffer, 0, 4096));
            assertOutOfRange(() -> device.zero(0, MIB + 4096));
            assertOutOfRange(() -> device.zero(4096, -4096));
            assertOutOfRange(() -> device.flush(MIB, 4096));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldThrowIndexOutOfBoundsWhenBufferRangeIsOutsideBuffer(final Backend backend)
    {
        final Path image = dir.resolve("bounds.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend)))
        {
            assertThrows(IndexOutOfBoundsException.class, () -> device.read(0, buffer, 4096, 4096));
            assertThrows(IndexOutOfBoundsException.class, () -> device.write(0, buffer, -1, 4096));
            assertThrows(IndexOutOfBoundsException.class, () -> device.write(0, buffer, 0, 8192));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldFailReadOnlyAndLeaveDataWhenWritingReadOnlyDevice(final Backend backend)
    {
        final Path image = dir.resolve("ro.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        try (BlockDevice device = BlockDevices.open(image))
        {
            fill(buffer, 0, 4096, 5);
            device.write(0, buffer, 0, 4096);
        }

        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend).readOnly(true)))
        {
            assertTrue(device.isReadOnly());
            final UnsafeBuffer zeros = new UnsafeBuffer(new byte[4096]);

            final BlockDeviceException write =
                assertThrows(BlockDeviceException.class, () -> device.write(0, zeros, 0, 4096));
            assertEquals(Reason.READ_ONLY, write.reason());
            assertEquals(
                "write on read-only block device: path=" + image + ", offset=0; open it with " +
                "OpenOptions.readOnly(false) to change it",
                write.getMessage());
            assertEquals(
                Reason.READ_ONLY, assertThrows(BlockDeviceException.class, () -> device.zero(0, 4096)).reason());

            device.read(0, buffer, 0, 4096);
            assertPattern(buffer, 0, 4096, 5);
            device.flush();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldFailClosedWhenUsedAfterCloseAndCloseTwice(final Backend backend)
    {
        final Path image = dir.resolve("closed.img");
        BlockDevices.createSparseImage(image, MIB);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend));
        device.close();
        device.close();

        final BlockDeviceException ex =
            assertThrows(BlockDeviceException.class, () -> device.read(0, buffer, 0, 4096));
        assertEquals(Reason.CLOSED, ex.reason());
        assertEquals(
            "block device is closed: path=" + image + "; open it again with BlockDevices.open", ex.getMessage());
        assertEquals(Reason.CLOSED, assertThrows(BlockDeviceException.class,
            () -> device.write(0, buffer, 0, 4096)).reason());
        assertEquals(Reason.CLOSED, assertThrows(BlockDeviceException.class, () -> device.zero(0, 4096)).reason());
        assertEquals(Reason.CLOSED, assertThrows(BlockDeviceException.class, device::flush).reason());
        assertEquals(Reason.CLOSED, assertThrows(BlockDeviceException.class, () -> device.flush(0, 1)).reason());
        assertEquals(MIB, device.size());
    }

    @Test
    void shouldCreateExtendAndKeepSizeWhenCreatingSparseImage() throws Exception
    {
        final Path image = dir.resolve("sparse.img");

        BlockDevices.createSparseImage(image, 64 * MIB);
        assertEquals(64 * MIB, Files.size(image));
        assertEquals(0, TestImages.allocatedBlocks(image));

        try (BlockDevice device = BlockDevices.open(image))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
            fill(buffer, 0, 4096, 1);
            device.write(0, buffer, 0, 4096);
        }

        BlockDevices.createSparseImage(image, 64 * MIB);
        assertEquals(64 * MIB, Files.size(image));
        BlockDevices.createSparseImage(image, 128 * MIB);
        assertEquals(128 * MIB, Files.size(image));

        try (BlockDevice device = BlockDevices.open(image))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
            device.read(0, buffer, 0, 4096);
            assertPattern(buffer, 0, 4096, 1);
        }

        final BlockDeviceException shrink =
            assertThrows(BlockDeviceException.class, () -> BlockDevices.createSparseImage(image, MIB));
        assertEquals(Reason.OUT_OF_RANGE, shrink.reason());
        assertEquals(
            "image is larger than asked, refusing to shrink it: path=" + image + ", size=134217728, " +
            "requestedSize=1048576; delete it first or shrink it yourself with: truncate -s 1048576 " + image,
            shrink.getMessage());
        assertEquals(128 * MIB, Files.size(image));
    }

    @Test
    void shouldFailCreatingSparseImageWhenParentIsMissingOrPathIsDirectory()
    {
        final Path orphan = dir.resolve("no-such-dir").resolve("a.img");

        final BlockDeviceException missing =
            assertThrows(BlockDeviceException.class, () -> BlockDevices.createSparseImage(orphan, MIB));
        assertEquals(Reason.NOT_FOUND, missing.reason());
        assertTrue(missing.getMessage().contains("mkdir -p " + orphan.getParent()), missing.getMessage());

        assertEquals(
            Reason.NOT_A_FILE_OR_DEVICE,
            assertThrows(BlockDeviceException.class, () -> BlockDevices.createSparseImage(dir, MIB)).reason());
        assertThrows(IllegalArgumentException.class, () -> BlockDevices.createSparseImage(dir.resolve("n.img"), -1));
    }

    @Test
    void shouldBeImmutableWhenOptionsAreChanged()
    {
        final OpenOptions defaults = OpenOptions.defaults();
        final OpenOptions changed = defaults.backend(Backend.DIRECT).readOnly(true).minimumSize(42);

        assertEquals(null, defaults.backend());
        assertEquals(false, defaults.isReadOnly());
        assertEquals(0, defaults.minimumSize());
        assertEquals(Backend.DIRECT, changed.backend());
        assertEquals(true, changed.isReadOnly());
        assertEquals(42, changed.minimumSize());
        assertEquals("OpenOptions{backend=DIRECT, readOnly=true, minimumSize=42}", changed.toString());
        assertThrows(IllegalArgumentException.class, () -> defaults.minimumSize(-1));
    }

    private static void assertOutOfRange(final org.junit.jupiter.api.function.Executable executable)
    {
        assertEquals(Reason.OUT_OF_RANGE, assertThrows(BlockDeviceException.class, executable).reason());
    }
}
