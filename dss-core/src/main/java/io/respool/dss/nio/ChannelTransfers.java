package io.respool.dss.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * {@link FileChannel#transferTo} and {@link FileChannel#transferFrom} for DSS channels: a copy loop through one
 * heap buffer, using positional I/O on the DSS side so the channel's position does not change.
 */
final class ChannelTransfers
{
    static final int CHUNK = 256 * 1024;

    private ChannelTransfers()
    {
    }

    /**
     * @return bytes transferred; fewer than {@code count} at end of file or if {@code target} takes less.
     */
    static long transferTo(
        final FileChannel source, final long position, final long count, final WritableByteChannel target)
        throws IOException
    {
        final long total = Math.min(count, Math.max(0, source.size() - position));
        final ByteBuffer buffer = ByteBuffer.allocate((int)Math.min(total, CHUNK));
        long done = 0;
        while (done < total)
        {
            buffer.clear().limit((int)Math.min(total - done, buffer.capacity()));
            final int n = source.read(buffer, position + done);
            if (n <= 0)
            {
                break;
            }
            buffer.flip();
            done += target.write(buffer);
            if (buffer.hasRemaining())
            {
                break;
            }
        }
        return done;
    }

    /**
     * @return bytes transferred; 0 if {@code position} is past the end of {@code target}, fewer than
     *         {@code count} if {@code source} ends or has nothing available.
     */
    static long transferFrom(
        final FileChannel target, final ReadableByteChannel source, final long position, final long count)
        throws IOException
    {
        if (position > target.size())
        {
            return 0;
        }
        final ByteBuffer buffer = ByteBuffer.allocate((int)Math.min(count, CHUNK));
        long done = 0;
        while (done < count)
        {
            buffer.clear().limit((int)Math.min(count - done, buffer.capacity()));
            final int n = source.read(buffer);
            if (n <= 0)
            {
                break;
            }
            buffer.flip();
            while (buffer.hasRemaining())
            {
                target.write(buffer, position + done + buffer.position());
            }
            done += n;
        }
        return done;
    }
}
