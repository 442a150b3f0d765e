package io.respool.dss;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;

/**
 * An open DSS file. Thread-safe: positional reads and writes may run from many threads at once; the sequential
 * position is shared by the handle, as with a {@code FileChannel}.
 * <p>
 * Durability: data and size changes made by writes are durable after {@link #flush()} returns. Metadata operations
 * ({@link #truncate}, {@link #allocate}) are durable when they return. A range never written reads as zeros.
 * <p>
 * If the file is deleted while open, the handle keeps working until it is closed; its space is freed on close.
 */
public interface DssFile extends AutoCloseable
{
    /**
     * @return the path the file was opened by.
     */
    String path();

    /**
     * Read up to {@code length} bytes at {@code position} into {@code dst} at {@code index}.
     *
     * @return bytes read, fewer than asked only at end of file, -1 if {@code position} is at or past the end.
     */
    int read(long position, MutableDirectBuffer dst, int index, int length);

    /**
     * Read into {@code dst} from its position to its limit, starting at file {@code position}; advances
     * {@code dst}'s position. Heap and direct buffers are copied into without an intermediate buffer.
     *
     * @return bytes read, -1 at end of file.
     */
    int read(ByteBuffer dst, long position);

    /**
     * Read at the handle's position and advance it.
     *
     * @return bytes read, -1 at end of file.
     */
    int read(ByteBuffer dst);

    /**
     * Write {@code length} bytes from {@code src} at {@code index} to file {@code position}, allocating space and
     * extending the file as needed.
     */
    void write(long position, DirectBuffer src, int index, int length);

    /**
     * Write {@code src} from its position to its limit at file {@code position}; advances {@code src}'s position.
     *
     * @return bytes written.
     */
    int write(ByteBuffer src, long position);

    /**
     * Write at the handle's position (or at the end in APPEND mode) and advance it.
     *
     * @return bytes written.
     */
    int write(ByteBuffer src);

    /**
     * @return the handle's position for sequential reads and writes.
     */
    long position();

    /**
     * Set the handle's position; may be past the end.
     */
    DssFile position(long newPosition);

    /**
     * @return the logical length in bytes.
     */
    long size();

    /**
     * Set the length: shrinking frees whole allocation units past the new end, growing reads as zeros.
     * Durable on return.
     */
    void truncate(long newSize);

    /**
     * Reserve zeroed space for {@code [offset, offset + length)} (like {@code fallocate}); grows the file to
     * {@code offset + length} unless {@code keepSize}. Durable on return.
     */
    void allocate(long offset, long length, boolean keepSize);

    /**
     * Make every write to this file that returned before this call, and the file's size, durable.
     */
    void flush();

    /**
     * @return attributes of the file.
     */
    FileStat stat();

    /**
     * Close the handle. Idempotent. Does not flush.
     */
    @Override
    void close();
}
