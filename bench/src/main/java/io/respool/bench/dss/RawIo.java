package io.respool.bench.dss;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The benchmarks' own direct-mapped ({@link Native#register(Class, String)}) libc binding, so the raw baselines do not
 * go through any project code. Pointers are {@code long} addresses, {@code size_t}/{@code off_t} are {@code long}
 * (64-bit Linux only), and nothing allocates on a call. A failed call returns -1: read {@link Native#getLastError()}
 * straight after it.
 */
final class RawIo
{
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 02000000;
    static final int PROT_READ_WRITE = 3;
    static final int MAP_SHARED = 1;
    static final long MAP_FAILED = -1L;
    static final int MS_SYNC = 4;
    /** {@code O_DIRECT}: {@code 040000} on x86-64, {@code 0200000} on aarch64. */
    static final int O_DIRECT;

    static
    {
        if (!Platform.isLinux() || !Platform.is64Bit())
        {
            throw new UnsupportedOperationException("DSS benchmarks need 64-bit Linux: os.name=" +
                System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch"));
        }
        O_DIRECT = Platform.isARM() ? 0200000 : 040000;
        Native.register(RawIo.class, Platform.C_LIBRARY_NAME);
    }

    private RawIo()
    {
    }

    static native int open(String path, int flags, int mode);

    static native int close(int fd);

    static native long pread(int fd, long buf, long count, long offset);

    static native long pwrite(int fd, long buf, long count, long offset);

    static native int fdatasync(int fd);

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(long addr, long length);

    static native int msync(long addr, long length, int flags);

    static native int posix_memalign(long[] memptr, long alignment, long size);

    static native void free(long ptr);

    static native int sched_setaffinity(int pid, long cpusetsize, long[] mask);

    /**
     * Open an image read-write, with {@code O_DIRECT} if {@code direct}.
     *
     * @return the file descriptor.
     */
    static int openImage(final String path, final boolean direct)
    {
        final int fd = open(path, O_RDWR | O_CLOEXEC | (direct ? O_DIRECT : 0), 0);
        if (fd < 0)
        {
            throw new IllegalStateException("open failed: path=" + path + ", direct=" + direct + ", errno=" +
                Native.getLastError());
        }
        return fd;
    }

    /**
     * @return {@code length} bytes of native memory aligned to {@code alignment}, for {@code O_DIRECT}; give it back
     * with {@link #free(long)}.
     */
    static long allocateAligned(final long alignment, final long length)
    {
        final long[] memptr = new long[1];
        final int rc = posix_memalign(memptr, alignment, length);
        if (rc != 0)
        {
            throw new OutOfMemoryError("posix_memalign failed: alignment=" + alignment + ", length=" + length +
                ", error=" + rc);
        }
        return memptr[0];
    }

    /**
     * {@code pread} exactly {@code length} bytes; a short read or an error throws.
     */
    static void preadFully(final int fd, final long address, final int length, final long offset)
    {
        final long n = pread(fd, address, length, offset);
        if (n != length)
        {
            throw new IllegalStateException("pread failed: fd=" + fd + ", offset=" + offset + ", length=" + length +
                ", returned=" + n + ", errno=" + Native.getLastError());
        }
    }

    /**
     * {@code pwrite} exactly {@code length} bytes; a short write or an error throws.
     */
    static void pwriteFully(final int fd, final long address, final int length, final long offset)
    {
        final long n = pwrite(fd, address, length, offset);
        if (n != length)
        {
            throw new IllegalStateException("pwrite failed: fd=" + fd + ", offset=" + offset + ", length=" + length +
                ", returned=" + n + ", errno=" + Native.getLastError());
        }
    }

    /**
     * Map {@code length} bytes of {@code fd} at page-aligned {@code offset}, shared and writable.
     *
     * @return the address; give it back with {@link #munmap(long, long)}.
     */
    static long mapShared(final int fd, final long offset, final long length)
    {
        final long address = mmap(0, length, PROT_READ_WRITE, MAP_SHARED, fd, offset);
        if (address == MAP_FAILED)
        {
            throw new IllegalStateException("mmap failed: fd=" + fd + ", offset=" + offset + ", length=" + length +
                ", errno=" + Native.getLastError());
        }
        return address;
    }

    /**
     * {@code msync(MS_SYNC)} of page-aligned memory, throwing on failure.
     */
    static void syncMapped(final long address, final long length)
    {
        if (msync(address, length, MS_SYNC) != 0)
        {
            throw new IllegalStateException("msync failed: address=" + address + ", length=" + length + ", errno=" +
                Native.getLastError());
        }
    }

    /**
     * {@code fdatasync}, throwing on failure.
     */
    static void datasync(final int fd)
    {
        if (fdatasync(fd) != 0)
        {
            throw new IllegalStateException("fdatasync failed: fd=" + fd + ", errno=" + Native.getLastError());
        }
    }
}
