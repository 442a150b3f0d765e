package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.OpenFlag;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The open options of a channel, checked as {@link java.nio.channels.FileChannel#open} checks them, and their DSS
 * {@link OpenFlag}s. {@code SPARSE} is accepted and ignored (DSS files are always sparse); {@code SYNC} and
 * {@code DSYNC} make every write flush.
 */
final class OpenOptionSet
{
    final boolean readable;
    final boolean writable;
    final boolean append;
    final boolean create;
    final boolean createNew;
    final boolean truncate;
    final boolean deleteOnClose;
    final boolean sync;
    final boolean noFollowLinks;

    private OpenOptionSet(final Set<? extends OpenOption> options)
    {
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        boolean deleteOnClose = false;
        boolean sync = false;
        boolean noFollowLinks = false;
        for (final OpenOption option : options)
        {
            if (option == LinkOption.NOFOLLOW_LINKS)
            {
                noFollowLinks = true;
                continue;
            }
            if (!(option instanceof StandardOpenOption))
            {
                if (option == null)
                {
                    throw new NullPointerException("open option is null");
                }
                throw new UnsupportedOperationException("open option not supported by DSS: option=" + option +
                    "; DSS supports the StandardOpenOptions and NOFOLLOW_LINKS");
            }
            switch ((StandardOpenOption)option)
            {
                case READ -> read = true;
                case WRITE -> write = true;
                case APPEND -> append = true;
                case CREATE -> create = true;
                case CREATE_NEW -> createNew = true;
                case TRUNCATE_EXISTING -> truncate = true;
                case DELETE_ON_CLOSE -> deleteOnClose = true;
                case SYNC, DSYNC -> sync = true;
                case SPARSE ->
                {
                    // DSS files are sparse anyway
                }
                default -> throw new UnsupportedOperationException("open option not supported by DSS: option=" +
                    option);
            }
        }
        if (append && read)
        {
            throw new IllegalArgumentException("READ + APPEND not allowed: open for reading or for appending");
        }
        if (append && truncate)
        {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed: choose one");
        }
        this.writable = write || append;
        this.readable = read || !this.writable;
        this.append = append;
        this.create = create && this.writable;
        this.createNew = createNew && this.writable;
        this.truncate = truncate && this.writable;
        this.deleteOnClose = deleteOnClose;
        this.sync = sync;
        this.noFollowLinks = noFollowLinks;
    }

    static OpenOptionSet of(final Set<? extends OpenOption> options)
    {
        return new OpenOptionSet(options);
    }

    /**
     * With CREATE_NEW or NOFOLLOW_LINKS, check what exists at {@code path} before DSS opens it: CREATE_NEW fails on
     * anything there, dangling links included; NOFOLLOW_LINKS fails on a link.
     */
    void checkExisting(final Dss dss, final String path) throws IOException
    {
        if (!noFollowLinks && !createNew)
        {
            return;
        }
        final FileStat stat;
        try
        {
            stat = dss.lstat(path);
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() == ErrorCode.NOT_FOUND)
            {
                return;
            }
            throw ex;
        }
        if (createNew)
        {
            throw new FileAlreadyExistsException(path, null, "exists and CREATE_NEW was given");
        }
        if (stat.type() == FileType.LINK)
        {
            throw new FileSystemException(path, null, "is a symbolic link and NOFOLLOW_LINKS was given");
        }
    }

    /**
     * @return the flags for {@link io.respool.dss.Dss#open}.
     */
    OpenFlag[] flags()
    {
        final List<OpenFlag> flags = new ArrayList<>(4);
        flags.add(OpenFlag.READ);
        if (writable)
        {
            flags.add(OpenFlag.WRITE);
        }
        if (append)
        {
            flags.add(OpenFlag.APPEND);
        }
        if (createNew)
        {
            flags.add(OpenFlag.CREATE);
            flags.add(OpenFlag.CREATE_NEW);
        }
        else if (create)
        {
            flags.add(OpenFlag.CREATE);
        }
        if (truncate)
        {
            flags.add(OpenFlag.TRUNCATE);
        }
        return flags.toArray(new OpenFlag[0]);
    }
}
