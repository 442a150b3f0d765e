package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDeviceException.Reason;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.respool.blockdev.TestImages.MIB;
import static io.respool.blockdev.TestImages.fill;
import static io.respool.blockdev.TestImages.isRoot;
import static io.respool.blockdev.TestImages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A sparse image on a full host file system: a 1 MiB tmpfs mounted for the test. Writing into holes past the free
 * space must fail with IO_ERROR, not crash the JVM or leak an {@link InternalError}. Needs root and permission to
 * mount; skipped with the reason where either is missing.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FullFileSystemTest
{
    private static final long IMAGE_SIZE = 64 * MIB;
    private static final int PAGE = 8192;

    @TempDir
    Path dir;

    private Path mountPoint;

    @BeforeEach
    void mountSmallFileSystem() throws Exception
    {
        assumeTrue(isRoot(), "mounting a small tmpfs needs root; running as uid " + run("id", "-u").trim());
        final Path target = Files.createDirectory(dir.resolve("small-fs"));
        try
        {
            run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", target.toString());
            mountPoint = target;
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "cannot mount a 1 MiB tmpfs here (no CAP_SYS_ADMIN?): " + ex.getMessage());
        }
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mountPoint != null)
        {
            run("umount", mountPoint.toString());
        }
    }

    @Test
    void shouldThrowIoErrorWhenMappedWriteFillsHostFileSystem()
    {
        final Path image = mountPoint.resolve("full.img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PAGE]);
        fill(buffer, 0, PAGE, 31);

        try (BlockDevice device = BlockDevices.open(image))
        {
            final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () ->
            {
                for (long offset = 0; offset < IMAGE_SIZE; offset += PAGE)
                {
                    device.write(offset, buffer, 0, PAGE);
                }
            });

            assertEquals(Reason.IO_ERROR, ex.reason());
            assertTrue(ex.offset() > 0 && ex.offset() <= MIB, "failed offset: " + ex.offset());
            assertTrue(ex.getMessage().startsWith("write through mapping faulted (SIGBUS): path=" + image),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("host file system may be full"), ex.getMessage());

            device.read(0, buffer, 0, PAGE);
            TestImages.assertPattern(buffer, 0, PAGE, 31);
        }
    }

    /**
     * tmpfs took no {@code O_DIRECT} before Linux 6.6; newer kernels accept it and then fail the write with ENOSPC.
     * Either way the caller gets IO_ERROR with the errno text.
     */
    @Test
    void shouldThrowIoErrorWhenDirectOpenOrWriteFailsOnSmallTmpfs()
    {
        final Path image = mountPoint.resolve("direct.img");
        BlockDevices.createSparseImage(image, IMAGE_SIZE);
        final OpenOptions direct = OpenOptions.defaults().backend(Backend.DIRECT);

        final BlockDevice device;
        try
        {
            device = BlockDevices.open(image, direct);
        }
        catch (final BlockDeviceException ex)
        {
            assertEquals(Reason.IO_ERROR, ex.reason());
            assertTrue(ex.getMessage().contains("may not support O_DIRECT (tmpfs does not): use Backend.MAPPED"),
                ex.getMessage());
            return;
        }

        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAGE, 4096));
        try (device)
        {
            final BlockDeviceException ex = assertThrows(BlockDeviceException.class, () ->
            {
                for (long offset = 0; offset < IMAGE_SIZE; offset += PAGE)
                {
                    device.write(offset, buffer, 0, PAGE);
                }
            });
            assertEquals(Reason.IO_ERROR, ex.reason());
            assertTrue(ex.getMessage().contains("No space left on device"), ex.getMessage());
        }
    }
}
