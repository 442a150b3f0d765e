package io.respool.dss.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@code READ_ONLY} "mapping" of a DSS file range: the range is copied into a local temporary file, which is
 * mapped and removed at once (the mapping keeps it until it is unmapped). Only the JDK can make a
 * {@link MappedByteBuffer}, and DSS data is spread over allocation units on shared volumes, so a copy is the
 * honest form: it costs a read of the range and as much local temporary space, and it does not see later writes.
 * Libraries that map files they never change (Lucene's {@code MMapDirectory}) are what it is for.
 */
final class ReadOnlyMapping
{
    private static final int COPY_CHUNK = 1 << 20;

    private ReadOnlyMapping()
    {
    }

    static MappedByteBuffer copyOf(final FileChannel source, final long position, final int size) throws IOException
    {
        final Path copy = Files.createTempFile("dss-map-", ".bin");
        try (FileChannel local = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer chunk = ByteBuffer.allocate(Math.min(COPY_CHUNK, Math.max(size, 1)));
            long done = 0;
            while (done < size)
            {
                chunk.clear().limit((int)Math.min(chunk.capacity(), size - done));
                final int n = source.read(chunk, position + done);
                if (n < 0)
                {
                    throw new IOException("file shrank while it was being mapped: position=" + (position + done));
                }
                chunk.flip();
                while (chunk.hasRemaining())
                {
                    local.write(chunk, done + chunk.position());
                }
                done += n;
            }
            return local.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        finally
        {
            Files.deleteIfExists(copy);
        }
    }
}
