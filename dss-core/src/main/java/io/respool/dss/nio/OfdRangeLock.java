package io.respool.dss.nio;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.respool.dss.FileRangeLock;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Linux open-file-description lock ({@code F_OFD_SETLK}) on a byte range of a local lock file, through its own
 * descriptor. Unlike the JDK's {@code fcntl} locks, which belong to the process, an OFD lock belongs to its
 * descriptor: two instances in one JVM exclude each other as two processes do, and closing another descriptor of
 * the file does not drop it. The kernel drops it when the descriptor closes, so when its process dies.
 */
final class OfdRangeLock implements FileRangeLock
{
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_CLOEXEC = 02000000;
    private static final int MODE = 0644;
    private static final int F_OFD_SETLK = 37;
    private static final short F_RDLCK = 0;
    private static final short F_WRLCK = 1;
    private static final int EAGAIN = 11;
    private static final int EACCES = 13;

    /** {@code struct flock} on 64-bit Linux. */
    private static final int L_TYPE_OFFSET = 0;
    private static final int L_WHENCE_OFFSET = 2;
    private static final int L_START_OFFSET = 8;
    private static final int L_LEN_OFFSET = 16;
    private static final int L_PID_OFFSET = 24;
    private static final int FLOCK_LENGTH = 32;
    private static final short SEEK_SET = 0;

    /** Variadic C functions, so through a JNA interface (direct mapping cannot pass varargs). */
    private interface C extends Library
    {
        int open(String path, int flags, Object... mode);

        int fcntl(int fd, int cmd, Object... lock);

        int close(int fd);
    }

    private static final C LIBC = Native.load(Platform.C_LIBRARY_NAME, C.class);

    private int fd;

    private OfdRangeLock(final int fd)
    {
        this.fd = fd;
    }

    /**
     * @param size as {@link java.nio.channels.FileChannel#lock}: {@code Long.MAX_VALUE} (or a range past it) is
     *             everything from {@code position} on.
     * @return the lock, or null if a conflicting lock is held through another descriptor.
     */
    static OfdRangeLock tryLock(final Path lockFile, final long position, final long size, final boolean shared)
        throws IOException
    {
        final int fd = LIBC.open(lockFile.toString(), O_RDWR | O_CREAT | O_CLOEXEC, MODE);
        if (fd < 0)
        {
            throw new IOException("cannot open the lock file: path=" + lockFile + ", errno=" + Native.getLastError() +
                "; check _DISK_LOCK_FILE_PATH in dss_inst.ini");
        }
        final Memory flock = new Memory(FLOCK_LENGTH);
        flock.clear();
        flock.setShort(L_TYPE_OFFSET, shared ? F_RDLCK : F_WRLCK);
        flock.setShort(L_WHENCE_OFFSET, SEEK_SET);
        flock.setLong(L_START_OFFSET, position);
        flock.setLong(L_LEN_OFFSET, size == Long.MAX_VALUE || position + size < 0 ? 0 : size);
        flock.setInt(L_PID_OFFSET, 0);
        if (LIBC.fcntl(fd, F_OFD_SETLK, flock) == 0)
        {
            return new OfdRangeLock(fd);
        }
        final int errno = Native.getLastError();
        LIBC.close(fd);
        if (errno == EAGAIN || errno == EACCES)
        {
            return null;
        }
        throw new IOException("fcntl(F_OFD_SETLK) failed: path=" + lockFile + ", position=" + position + ", size=" +
            size + ", errno=" + errno + "; file locks on DSS need Linux 3.15 or later");
    }

    /**
     * @return true until released: the kernel cannot take it from a live descriptor.
     */
    @Override
    public synchronized boolean isValid()
    {
        return fd >= 0;
    }

    /**
     * Release the lock; idempotent.
     */
    @Override
    public synchronized void release()
    {
        if (fd >= 0)
        {
            LIBC.close(fd);
            fd = -1;
        }
    }
}
