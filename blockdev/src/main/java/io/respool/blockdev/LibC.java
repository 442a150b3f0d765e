package io.respool.blockdev;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Direct-mapped ({@link Native#register(Class, String)}) bindings to the few libc calls this module needs.
 * <p>
 * Pointers are passed as {@code long} addresses and sizes and offsets as {@code long} ({@code size_t}/{@code off_t}
 * on 64-bit Linux), so a call on the hot path allocates nothing. A call that fails returns -1 (or, for
 * {@link #mmap}, {@link #MAP_FAILED}); read {@code errno} with {@link Native#getLastError()} straight after it,
 * on the same thread. Only 64-bit Linux on x86-64 and aarch64 is supported: the flag values below are those ABIs'.
 */
final class LibC
{
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EACCES = 13;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EROFS = 30;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 02000000;
    /** {@code O_DIRECT}: {@code 040000} on x86-64, {@code 0200000} on aarch64 (asm-generic/fcntl.h differs). */
    static final int O_DIRECT;

    static final int SEEK_END = 2;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_NORESERVE = 0x4000;
    /** {@code mmap} returns {@code (void *)-1} on failure, not NULL. */
    static final long MAP_FAILED = -1L;
    static final int MS_SYNC = 4;

    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;

    /** {@code _IOR(0x12, 114, size_t)}: device size in bytes as a {@code uint64_t}. */
    static final long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 104)}: logical sector size as an {@code int}. */
    static final long BLKSSZGET = 0x1268L;
    /** {@code _IO(0x12, 127)}: write zeroes over {@code uint64_t range[2] = {start, length}}. */
    static final long BLKZEROOUT = 0x127fL;

    static
    {
        if (!Platform.isLinux() || !Platform.is64Bit())
        {
            throw new UnsupportedOperationException(
                "blockdev needs 64-bit Linux: os.name=" + System.getProperty("os.name") +
                ", os.arch=" + System.getProperty("os.arch") + "; run on x86-64 or aarch64 Linux");
        }

        if (Platform.isARM())
        {
            O_DIRECT = 0200000;
        }
        else if (Platform.isIntel())
        {
            O_DIRECT = 040000;
        }
        else
        {
            throw new UnsupportedOperationException(
                "blockdev does not know O_DIRECT for this CPU: os.arch=" + System.getProperty("os.arch") +
                "; add its value to LibC.O_DIRECT");
        }

        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC()
    {
    }

    static native int open(String path, int flags, int mode);

    static native int close(int fd);

    static native long pread(int fd, long buf, long count, long offset);

    static native long pwrite(int fd, long buf, long count, long offset);

    static native long lseek(int fd, long offset, int whence);

    static native int ftruncate(int fd, long length);

    static native int fdatasync(int fd);

    /** Not used by the backends (they flush data with fdatasync/msync); for callers that need metadata too. */
    static native int fsync(int fd);

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(long addr, long length);

    static native int msync(long addr, long length, int flags);

    static native int fallocate(int fd, int mode, long offset, long length);

    /** {@code ioctl} whose argument is a {@code uint64_t} array: BLKGETSIZE64 (out), BLKZEROOUT (in). */
    static native int ioctl(int fd, long request, long[] arg);

    /** {@code ioctl} whose argument is an {@code int} out-parameter: BLKSSZGET. */
    static native int ioctl(int fd, long request, int[] arg);

    static native int posix_memalign(long[] memptr, long alignment, long size);

    static native void free(long address);

    static native String strerror(int errno);

    /**
     * @return errno of the last failed call on this thread.
     */
    static int errno()
    {
        return Native.getLastError();
    }

    /**
     * @param errno error number.
     * @return text such as {@code "No such file or directory (errno=2)"}.
     */
    static String describe(final int errno)
    {
        String text;
        try
        {
            text = strerror(errno);
        }
        catch (final RuntimeException ex)
        {
            text = null;
        }

        return (text == null ? "unknown error" : text) + " (errno=" + errno + ")";
    }
}
