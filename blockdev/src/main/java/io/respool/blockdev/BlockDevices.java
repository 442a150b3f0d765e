package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDevice.DeviceKind;
import io.respool.blockdev.BlockDeviceException.Reason;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens {@link BlockDevice}s and creates sparse image files.
 * <pre>{@code
 * BlockDevices.createSparseImage(image, 10L << 30);
 * try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults()))
 * {
 *     device.write(0, buffer, 0, 8192);
 *     device.flush();
 * }
 * }</pre>
 */
public final class BlockDevices
{
    /** Logical sector size assumed for image files: what a torn write never splits. */
    public static final int IMAGE_SECTOR_SIZE = 512;

    /** Alignment of direct I/O on an image file: safe on any file system and disk. */
    public static final int IMAGE_DIRECT_ALIGNMENT = 4096;

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;

    private BlockDevices()
    {
    }

    /**
     * Open with {@link OpenOptions#defaults()}.
     *
     * @see #open(Path, OpenOptions)
     */
    public static BlockDevice open(final Path path)
    {
        return open(path, OpenOptions.defaults());
    }

    /**
     * Open an image file or a block device. Symbolic links are followed (so {@code /dev/disk/by-id/...} works).
     * The device is not opened exclusively ({@code O_EXCL}): in a shared-disk cluster several hosts open the same
     * device, and coordinating writers is the caller's job.
     *
     * @param path    regular file or block device.
     * @param options backend, read-only flag and minimum size.
     * @return the open device; close it when done.
     * @throws BlockDeviceException with {@link Reason#NOT_FOUND} if the path does not exist,
     *                              {@link Reason#NOT_A_FILE_OR_DEVICE} if it is neither a regular file nor a block
     *                              device, {@link Reason#PERMISSION_DENIED} if it cannot be opened for the access
     *                              asked, {@link Reason#TOO_SMALL} if smaller than {@link OpenOptions#minimumSize()},
     *                              {@link Reason#IO_ERROR} for anything else.
     */
    public static BlockDevice open(final Path path, final OpenOptions options)
    {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");

        final DeviceKind kind = kindOf(path);
        final Backend backend = options.backend() != null ?
            options.backend() : (DeviceKind.BLOCK_DEVICE == kind ? Backend.DIRECT : Backend.MAPPED);
        final boolean readOnly = options.isReadOnly();

        final int flags = (readOnly ? LibC.O_RDONLY : LibC.O_RDWR) | LibC.O_CLOEXEC |
            (Backend.DIRECT == backend ? LibC.O_DIRECT : 0);
        final int fd = LibC.open(path.toString(), flags, 0);
        if (fd < 0)
        {
            throw openFailure(path, LibC.errno(), readOnly, backend);
        }

        boolean success = false;
        try
        {
            final long size = DeviceKind.BLOCK_DEVICE == kind ? blockDeviceSize(path, fd) : fileSize(path, fd);
            checkMinimumSize(path, kind, size, options.minimumSize());
            final int sectorSize = DeviceKind.BLOCK_DEVICE == kind ? logicalSectorSize(path, fd) : IMAGE_SECTOR_SIZE;

            final BlockDevice device;
            if (Backend.MAPPED == backend)
            {
                device = new MappedBlockDevice(path, kind, fd, size, readOnly, sectorSize);
            }
            else
            {
                final int alignment = DeviceKind.BLOCK_DEVICE == kind ? sectorSize : IMAGE_DIRECT_ALIGNMENT;
                device = new DirectBlockDevice(path, kind, fd, size, readOnly, alignment, sectorSize);
            }
            success = true;

            return device;
        }
        finally
        {
            if (!success)
            {
                LibC.close(fd);
            }
        }
    }

    /**
     * Create a sparse image file of {@code size} bytes, like {@code truncate -s SIZE PATH}: no blocks are
     * allocated until written. An existing smaller image is extended (its data kept, the new tail a hole); an
     * existing image of exactly {@code size} is left alone. An existing larger image is <b>not</b> shrunk, since that
     * would drop data: that fails with {@link Reason#OUT_OF_RANGE}.
     *
     * @param path image file to create; its parent directory must exist.
     * @param size size in bytes, at least 0 (ext4 takes up to 16 TiB with 4 KiB blocks).
     * @throws BlockDeviceException with {@link Reason#NOT_FOUND} if the parent directory is missing,
     *                              {@link Reason#NOT_A_FILE_OR_DEVICE} if the path exists and is not a regular file,
     *                              {@link Reason#PERMISSION_DENIED}, {@link Reason#OUT_OF_RANGE} as above, or
     *                              {@link Reason#IO_ERROR} (for example a size the file system cannot hold).
     */
    public static void createSparseImage(final Path path, final long size)
    {
        Objects.requireNonNull(path, "path");
        if (size < 0)
        {
            throw new IllegalArgumentException(
                "image size must not be negative: path=" + path + ", size=" + size + "; pass a size in bytes");
        }

        if (Files.exists(path) && DeviceKind.IMAGE_FILE != kindOf(path))
        {
            throw new BlockDeviceException(
                Reason.NOT_A_FILE_OR_DEVICE, path, -1,
                "cannot create image over a block device: path=" + path + "; pick a path for a regular file");
        }

        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            final long existing = file.length();
            if (existing > size)
            {
                throw new BlockDeviceException(
                    Reason.OUT_OF_RANGE, path, -1,
                    "image is larger than asked, refusing to shrink it: path=" + path + ", size=" + existing +
                    ", requestedSize=" + size + "; delete it first or shrink it yourself with: truncate -s " + size +
                    " " + path);
            }
            if (existing < size)
            {
                file.setLength(size);
            }
        }
        catch (final IOException ex)
        {
            throw createFailure(path, size, ex);
        }
    }

    /**
     * What a path is, following symbolic links.
     *
     * @throws BlockDeviceException with {@link Reason#NOT_FOUND}, {@link Reason#NOT_A_FILE_OR_DEVICE},
     *                              {@link Reason#PERMISSION_DENIED} or {@link Reason#IO_ERROR}.
     */
    public static DeviceKind kindOf(final Path path)
    {
        final int mode;
        try
        {
            mode = (Integer)Files.getAttribute(path, "unix:mode");
        }
        catch (final NoSuchFileException ex)
        {
            throw notFound(path, ex);
        }
        catch (final AccessDeniedException ex)
        {
            throw new BlockDeviceException(
                Reason.PERMISSION_DENIED, path, -1,
                "cannot look up block device: path=" + path + ", error=" + ex.getMessage() +
                "; run as a user that can search its directories", ex);
        }
        catch (final IOException ex)
        {
            throw new BlockDeviceException(
                Reason.IO_ERROR, path, -1,
                "cannot stat block device: path=" + path + ", error=" + ex +
                "; check the path and its file system", ex);
        }

        return switch (mode & S_IFMT)
        {
            case S_IFREG -> DeviceKind.IMAGE_FILE;
            case S_IFBLK -> DeviceKind.BLOCK_DEVICE;
            default -> throw new BlockDeviceException(
                Reason.NOT_A_FILE_OR_DEVICE, path, -1,
                "not a regular file or block device: path=" + path + ", type=" + typeName(mode & S_IFMT) +
                "; pass an image file (create one with: truncate -s 10G <file>) or a block device such as " +
                "/dev/sdb");
        };
    }

    /**
     * Turn the errno of a failed {@code open} into an exception: ENOENT is {@link Reason#NOT_FOUND}; EACCES, EPERM
     * and EROFS are {@link Reason#PERMISSION_DENIED}; EISDIR is {@link Reason#NOT_A_FILE_OR_DEVICE}; anything else
     * is {@link Reason#IO_ERROR}.
     */
    static BlockDeviceException openFailure(
        final Path path, final int errno, final boolean readOnly, final Backend backend)
    {
        final String what = "cannot open block device: path=" + path + ", readOnly=" + readOnly +
            ", backend=" + backend + ", error=" + LibC.describe(errno);
        return switch (errno)
        {
            case LibC.ENOENT -> new BlockDeviceException(
                Reason.NOT_FOUND, path, -1, what + "; create an image with: truncate -s 10G " + path);

            case LibC.EACCES, LibC.EPERM -> new BlockDeviceException(
                Reason.PERMISSION_DENIED, path, -1,
                what + "; run as a user that can " + (readOnly ? "read" : "read and write") + " it (check " +
                "ls -l, group membership such as 'disk', and lsattr for the immutable flag)" +
                (readOnly ? "" : ", or open it with OpenOptions.readOnly(true)"));

            case LibC.EROFS -> new BlockDeviceException(
                Reason.PERMISSION_DENIED, path, -1,
                what + "; the file system is mounted read-only: open with OpenOptions.readOnly(true) " +
                "or remount it read-write");

            case LibC.EISDIR -> new BlockDeviceException(
                Reason.NOT_A_FILE_OR_DEVICE, path, -1, what + "; pass an image file or a block device");

            case LibC.EINVAL -> new BlockDeviceException(
                Reason.IO_ERROR, path, -1,
                what + (Backend.DIRECT == backend ?
                "; the file system may not support O_DIRECT (tmpfs does not): use Backend.MAPPED" :
                "; check the path"));

            default -> new BlockDeviceException(
                Reason.IO_ERROR, path, -1, what + "; check the device and the kernel log (dmesg)");
        };
    }

    private static BlockDeviceException notFound(final Path path, final Throwable cause)
    {
        return new BlockDeviceException(
            Reason.NOT_FOUND, path, -1,
            "block device not found: path=" + path + "; create an image with: truncate -s 10G " + path +
            ", or check the device name", cause);
    }

    private static BlockDeviceException createFailure(final Path path, final long size, final IOException ex)
    {
        final Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent))
        {
            return new BlockDeviceException(
                Reason.NOT_FOUND, path, -1,
                "cannot create image, parent directory missing: path=" + path + ", size=" + size +
                "; create it with: mkdir -p " + parent, ex);
        }

        final Reason reason = Files.exists(path) && !Files.isWritable(path) ||
            !Files.exists(path) && parent != null && !Files.isWritable(parent) ?
            Reason.PERMISSION_DENIED : Reason.IO_ERROR;

        return new BlockDeviceException(
            reason, path, -1,
            "cannot create sparse image: path=" + path + ", size=" + size + ", error=" + ex.getMessage() +
            (Reason.PERMISSION_DENIED == reason ?
            "; run as a user that can write it and its directory" :
            "; check free space and the file system's maximum file size"), ex);
    }

    private static void checkMinimumSize(
        final Path path, final DeviceKind kind, final long size, final long minimumSize)
    {
        if (size < minimumSize)
        {
            throw new BlockDeviceException(
                Reason.TOO_SMALL, path, -1,
                "block device too small: path=" + path + ", size=" + size + ", minimumSize=" + minimumSize +
                (DeviceKind.IMAGE_FILE == kind ?
                "; grow it with: truncate -s " + minimumSize + " " + path :
                "; use a device of at least " + minimumSize + " bytes"));
        }
    }

    private static long fileSize(final Path path, final int fd)
    {
        final long size = LibC.lseek(fd, 0, LibC.SEEK_END);
        if (size < 0)
        {
            throw DeviceErrors.ioError(path, "lseek(SEEK_END)", 0, 0, LibC.errno());
        }

        return size;
    }

    private static long blockDeviceSize(final Path path, final int fd)
    {
        final long[] size = new long[1];
        if (0 != LibC.ioctl(fd, LibC.BLKGETSIZE64, size))
        {
            throw DeviceErrors.ioError(path, "ioctl(BLKGETSIZE64)", 0, 0, LibC.errno());
        }

        return size[0];
    }

    private static int logicalSectorSize(final Path path, final int fd)
    {
        final int[] sectorSize = new int[1];
        if (0 != LibC.ioctl(fd, LibC.BLKSSZGET, sectorSize))
        {
            throw DeviceErrors.ioError(path, "ioctl(BLKSSZGET)", 0, 0, LibC.errno());
        }

        return sectorSize[0];
    }

    private static String typeName(final int type)
    {
        return switch (type)
        {
            case 0040000 -> "directory";
            case 0020000 -> "character device";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            case 0120000 -> "symbolic link";
            default -> "unknown(" + Integer.toOctalString(type) + ")";
        };
    }
}
