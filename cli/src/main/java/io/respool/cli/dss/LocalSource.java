package io.respool.cli.dss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A local regular file to copy from.
 */
final class LocalSource implements CopySource
{
    private final Path path;
    private final FileChannel channel;

    LocalSource(final Path path)
    {
        this.path = path;
        if (Files.isDirectory(path))
        {
            throw new CliException("cp copies files, not directories: path=" + path + "; copy the files one by one");
        }
        try
        {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot open the local source", path, ex);
        }
    }

    @Override
    public long size()
    {
        try
        {
            return channel.size();
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot get the size of the local source", path, ex);
        }
    }

    @Override
    public int read(final ByteBuffer dst, final long position)
    {
        try
        {
            return channel.read(dst, position);
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot read the local source at offset " + position, path, ex);
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
            throw LocalFiles.failure("cannot close the local source", path, ex);
        }
    }
}
