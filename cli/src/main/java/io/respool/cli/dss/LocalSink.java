package io.respool.cli.dss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A new local file to copy to; an existing file is never overwritten. Skipped zero ranges stay holes.
 */
final class LocalSink implements CopySink
{
    private final Path path;
    private final FileChannel channel;

    LocalSink(final Path path)
    {
        this.path = path;
        try
        {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot create the local destination", path, ex);
        }
    }

    @Override
    public void write(final ByteBuffer src, final long position)
    {
        try
        {
            long at = position;
            while (src.hasRemaining())
            {
                at += channel.write(src, at);
            }
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot write the local destination at offset " + position, path, ex);
        }
    }

    @Override
    public void finish(final long length)
    {
        try
        {
            if (channel.size() < length)
            {
                channel.write(ByteBuffer.allocate(1), length - 1);
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot finish the local destination", path, ex);
        }
    }

    @Override
    public String abort()
    {
        try
        {
            channel.close();
            Files.deleteIfExists(path);
            return null;
        }
        catch (final IOException ex)
        {
            return LocalFiles.failure("the partly written file is left behind: removing it failed too", path, ex)
                .getMessage();
        }
        catch (final RuntimeException ex)
        {
            return "the partly written file " + path + " is left behind, because removing it failed too: " +
                ex.getMessage() + "; remove it by hand";
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot close the local destination", path, ex);
        }
    }
}
