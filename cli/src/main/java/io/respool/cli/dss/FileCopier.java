package io.respool.cli.dss;

import java.nio.ByteBuffer;

/**
 * Streams one file to another in {@link #CHUNK} pieces through one direct buffer. A piece that is all zeros is not
 * written: the destination keeps a hole there (DSS files and local files both read holes as zeros), so copying a
 * sparse file keeps it sparse. The destination's length is set at the end and made durable.
 */
final class FileCopier
{
    static final int CHUNK = 4 * 1024 * 1024;

    /** Copies at least this long get a progress bar, when progress bars are on. */
    static final long PROGRESS_THRESHOLD = 32L * 1024 * 1024;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);

    /**
     * @param progress drawn while copying, or null.
     * @return bytes copied.
     */
    long copy(final CopySource source, final CopySink sink, final ProgressBar progress)
    {
        long position = 0;
        int length;
        do
        {
            length = fill(source, position);
            if (length > 0 && !isZero(buffer))
            {
                sink.write(buffer, position);
            }
            position += length;
            if (progress != null)
            {
                progress.update(position, System.nanoTime());
            }
        }
        while (length == CHUNK);
        sink.finish(position);
        if (progress != null)
        {
            progress.finish(position, System.nanoTime());
        }
        return position;
    }

    /**
     * @return bytes read into the buffer, flipped for writing; fewer than {@link #CHUNK} only at end of file.
     */
    private int fill(final CopySource source, final long position)
    {
        buffer.clear();
        while (buffer.hasRemaining())
        {
            if (source.read(buffer, position + buffer.position()) <= 0)
            {
                break;
            }
        }
        buffer.flip();
        return buffer.remaining();
    }

    private boolean isZero(final ByteBuffer data)
    {
        return data.mismatch(zeros.duplicate().clear().limit(data.remaining())) < 0;
    }
}
