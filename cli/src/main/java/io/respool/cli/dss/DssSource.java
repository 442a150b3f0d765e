package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.FileType;

import java.nio.ByteBuffer;

/**
 * A DSS file to copy from; links are followed.
 */
final class DssSource implements CopySource
{
    private final DssFile file;

    DssSource(final Dss dss, final String path)
    {
        if (dss.stat(path).type() == FileType.DIRECTORY)
        {
            throw new CliException("cp copies files, not directories: path=" + path + "; copy the files one by one");
        }
        this.file = dss.open(path);
    }

    @Override
    public long size()
    {
        return file.size();
    }

    @Override
    public int read(final ByteBuffer dst, final long position)
    {
        return file.read(dst, position);
    }

    @Override
    public void close()
    {
        file.close();
    }
}
