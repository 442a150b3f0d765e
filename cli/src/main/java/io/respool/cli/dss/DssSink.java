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
    public String abort()
    {
        // The copy already failed and that error is the one to report. The partial file goes even when closing it
        // fails too (a write that hit a full host file system fails its close as well).
        try
        {
            file.close();
        }
        catch (final RuntimeException ignore)
        {
            // its handle is released either way
        }
        try
        {
            dss.delete(path);
            return null;
        }
        catch (final RuntimeException ex)
        {
            // e.g. the host file system under a sparse image is full, so not even the removal can be logged
            return "the partly written file " + path + " is left behind, because removing it failed too: " +
                ex.getMessage() + "; once the cause is fixed, remove it with: dsscmd rm -p " + path;
        }
    }

    @Override
    public void close()
    {
        file.close();
    }
}
