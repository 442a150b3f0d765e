package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;

import java.nio.ByteBuffer;

/**
 * A new DSS file to copy to; an existing one is never overwritten. Skipped zero ranges take no space.
 */
final class DssSink implements CopySink
{
    private final Dss dss;
    private final String path;
    private final DssFile file;

    DssSink(final Dss dss, final String path)
    {
        this.dss = dss;
        this.path = path;
        this.file = dss.open(path, OpenFlag.CREATE_NEW, OpenFlag.WRITE);
    }

    @Override
    public void write(final ByteBuffer src, final long position)
    {
        long at = position;
        while (src.hasRemaining())
        {
            at += file.write(src, at);
        }
    }

    @Override
    public void finish(final long length)
    {
        if (file.size() < length)
        {
            file.truncate(length);
        }
        file.flush();
    }

    @Override
    public void abort()
    {
        try
        {
            file.close();
            dss.delete(path);
        }
        catch (final RuntimeException ignore)
        {
            // the copy already failed; that error is the one to report
        }
    }

    @Override
    public void close()
    {
        file.close();
    }
}
