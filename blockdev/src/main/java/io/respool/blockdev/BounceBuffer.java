package io.respool.blockdev;

import java.lang.ref.Cleaner;

/**
 * A per-thread block of native memory from {@code posix_memalign}, aligned for {@code O_DIRECT}, that
 * {@link DirectBlockDevice} copies through when a caller's buffer is on the heap or not aligned.
 * <p>
 * Each thread gets one on its first bounced I/O and keeps it; the memory is freed by a {@link Cleaner} once the
 * thread has ended and the buffer is unreachable. It is shared by every device the thread uses, which is safe
 * because a thread does one I/O at a time.
 */
final class BounceBuffer
{
    /** Alignment of the memory: covers logical sector sizes up to 4096 and the safe alignment for files. */
    static final int ALIGNMENT = 4096;

    /** Bytes per thread; larger requests loop. A multiple of every power-of-two sector size. */
    static final int CAPACITY = 1024 * 1024;

    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<BounceBuffer> BUFFERS = ThreadLocal.withInitial(BounceBuffer::new);

    private final long address;

    private BounceBuffer()
    {
        final long[] memptr = new long[1];
        final int rc = LibC.posix_memalign(memptr, ALIGNMENT, CAPACITY);
        if (0 != rc)
        {
            throw new OutOfMemoryError(
                "posix_memalign failed for O_DIRECT bounce buffer: alignment=" + ALIGNMENT + ", size=" + CAPACITY +
                ", error=" + LibC.describe(rc) + "; free native memory or use buffers aligned to " + ALIGNMENT);
        }

        address = memptr[0];
        final long toFree = address;
        CLEANER.register(this, () -> LibC.free(toFree));
    }

    /**
     * @return this thread's bounce buffer, allocated on first use.
     */
    static BounceBuffer current()
    {
        return BUFFERS.get();
    }

    /**
     * @return address of the aligned memory, valid while this object is reachable.
     */
    long address()
    {
        return address;
    }
}
