package io.respool.blockdev;

import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An exclusive, advisory {@code flock} on a device or image file, held by this process until {@link #close()} and
 * released by the kernel if the process dies. {@code flock} belongs to its own open file description, so closing
 * other descriptors of the same file (as {@code fcntl} locks would) never drops it.
 */
public final class DeviceLock implements AutoCloseable
{
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    private static final int EWOULDBLOCK = 11;

    static
    {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private static native int open(String path, int flags, int mode);

    private static native int flock(int fd, int operation);

    private static native int close(int fd);

    private final Path path;
    private int fd;

    private DeviceLock(final Path path, final int fd)
    {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Take the lock without waiting.
     *
     * @throws BlockDeviceException IO_ERROR naming the holder's pid and command line if another open file holds it.
     */
    public static DeviceLock tryLock(final Path path)
    {
        final int fd = open(path.toString(), O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            final int errno = Native.getLastError();
            throw new BlockDeviceException(BlockDeviceException.Reason.IO_ERROR, path, -1,
                "cannot open for locking: path=" + path + ", errno=" + errno);
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        {
            final int errno = Native.getLastError();
            close(fd);
            if (errno == EWOULDBLOCK)
            {
                throw new BlockDeviceException(BlockDeviceException.Reason.IO_ERROR, path, -1,
                    "in use by another process: path=" + path + ", holder=" + describeHolder(path) +
                    "; stop that process, or wait for it to finish");
            }
            throw new BlockDeviceException(BlockDeviceException.Reason.IO_ERROR, path, -1,
                "flock failed: path=" + path + ", errno=" + errno);
        }
        return new DeviceLock(path, fd);
    }

    public Path path()
    {
        return path;
    }

    @Override
    public synchronized void close()
    {
        if (fd >= 0)
        {
            flock(fd, LOCK_UN);
            close(fd);
            fd = -1;
        }
    }

    /**
     * @return "pid N (command line)" of a process holding a flock on {@code path}, from /proc/locks, or "unknown".
     */
    static String describeHolder(final Path path)
    {
        try
        {
            final long inode = ((Number)Files.getAttribute(path, "unix:ino")).longValue();
            for (final String line : Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.US_ASCII))
            {
                final String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && "FLOCK".equals(f[1]))
                {
                    final String[] id = f[5].split(":");
                    if (id.length == 3 && Long.parseLong(id[2]) == inode)
                    {
                        final String pid = f[4];
                        return "pid " + pid + " (" + commandLine(pid) + ")";
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
        return "unknown";
    }

    private static String commandLine(final String pid)
    {
        try
        {
            final byte[] raw = Files.readAllBytes(Path.of("/proc", pid, "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        }
        catch (final IOException ex)
        {
            return "command line unreadable";
        }
    }
}
