package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.VolumeGroup;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The file system of one DSS home: every volume group of its {@code cfg/dss_vg_conf.ini}, each a root {@code +vg}
 * and a {@link FileStore}. Owns the {@link Dss} it was opened with and closes it, with every channel and directory
 * stream still open, on {@link #close()}. Thread-safe.
 */
final class DssFileSystem extends FileSystem
{
    /** Symbolic links followed before giving up, as the DSS engine does. */
    static final int MAX_LINK_HOPS = 40;

    private static final Set<String> VIEWS = Set.of(DssFileAttributeView.NAME);

    private final DssFileSystemProvider provider;
    private final Path home;
    private final Dss dss;
    private final FileLockTable fileLocks;
    private final List<String> volumeGroupNames;
    private final DssNioPath defaultDirectory;
    private final Set<Closeable> openResources = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    DssFileSystem(final DssFileSystemProvider provider, final Path home, final Dss dss, final FileLockTable fileLocks)
    {
        this.provider = provider;
        this.home = home;
        this.dss = dss;
        this.fileLocks = fileLocks;
        final List<String> names = new ArrayList<>();
        for (final VolumeGroup group : dss.volumeGroups())
        {
            names.add(group.name());
        }
        this.volumeGroupNames = List.copyOf(names);
        this.defaultDirectory = DssNioPath.parse(this, "+" + (names.isEmpty() ? "data" : names.get(0)));
    }

    /**
     * @return the DSS home directory, as the provider's key.
     */
    Path home()
    {
        return home;
    }

    /**
     * @return the open DSS instance.
     * @throws ClosedFileSystemException once closed.
     */
    Dss dss()
    {
        ensureOpen();
        return dss;
    }

    /**
     * @return this instance's file locks.
     */
    FileLockTable fileLocks()
    {
        return fileLocks;
    }

    /**
     * @return the DSS instance even while this file system is closing, for channels that close with it.
     */
    Dss dssWhileClosing()
    {
        return dss;
    }

    void ensureOpen()
    {
        if (!open)
        {
            throw new ClosedFileSystemException();
        }
    }

    DssNioPath defaultDirectory()
    {
        return defaultDirectory;
    }

    /**
     * @return the DSS path string a file operation on {@code path} uses: absolute and normalized.
     */
    static String dssPathOf(final DssNioPath path)
    {
        return path.toAbsolutePath().normalize().toString();
    }

    URI uriOf(final String absolutePath)
    {
        try
        {
            return new URI(DssFileSystemProvider.SCHEME, home + FileSystemRegistry.PATH_SEPARATOR + absolutePath, null);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException("cannot form a DSS URI: home=" + home + ", path=" + absolutePath, ex);
        }
    }

    /**
     * Map a DSS failure to the matching {@code java.nio} exception; a failure because this file system was closed
     * meanwhile becomes {@link ClosedFileSystemException}.
     */
    IOException translate(final DssException ex, final String file, final String other)
    {
        if (ex.errorCode() == ErrorCode.CLOSED && !open)
        {
            final ClosedFileSystemException closed = new ClosedFileSystemException();
            closed.initCause(ex);
            throw closed;
        }
        return NioExceptions.translate(ex, file, other);
    }

    void register(final Closeable resource)
    {
        openResources.add(resource);
        if (!open)
        {
            openResources.remove(resource);
            closeQuietly(resource);
            throw new ClosedFileSystemException();
        }
    }

    void unregister(final Closeable resource)
    {
        openResources.remove(resource);
    }

    /**
     * Resolve symbolic links component by component through DSS.
     *
     * @param followLast follow a link in the last component too.
     * @param mustExist  fail with {@link java.nio.file.NoSuchFileException} if the last component is missing;
     *                   otherwise a missing last component is returned as is (its parent must exist).
     * @return the absolute, normalized path with no links (but perhaps the last one).
     */
    DssNioPath resolveLinks(final DssNioPath path, final boolean followLast, final boolean mustExist)
        throws IOException
    {
        final String text = dssPathOf(path);
        final DssNioPath start = DssNioPath.parse(this, text);
        try
        {
            final Dss instance = dss();
            DssNioPath resolved = start.getRoot();
            instance.lstat(resolved.toString());
            final List<String> remaining = new ArrayList<>();
            for (int i = 0; i < start.getNameCount(); i++)
            {
                remaining.add(start.getName(i).toString());
            }
            int hops = 0;
            while (!remaining.isEmpty())
            {
                final DssNioPath candidate = resolved.resolve(remaining.remove(0));
                final FileStat stat;
                try
                {
                    stat = instance.lstat(candidate.toString());
                }
                catch (final DssException ex)
                {
                    if (ex.errorCode() == ErrorCode.NOT_FOUND && remaining.isEmpty() && !mustExist)
                    {
                        return candidate;
                    }
                    throw ex;
                }
                if (stat.type() != FileType.LINK || (remaining.isEmpty() && !followLast))
                {
                    resolved = candidate;
                    continue;
                }
                if (++hops > MAX_LINK_HOPS)
                {
                    throw new FileSystemException(text, null, "too many levels of symbolic links: hops=" + hops +
                        "; a link cycle?");
                }
                final DssNioPath target = DssNioPath.parse(this, instance.readlink(candidate.toString())).normalize();
                resolved = target.getRoot();
                instance.lstat(resolved.toString());
                final List<String> targetNames = new ArrayList<>();
                for (int i = 0; i < target.getNameCount(); i++)
                {
                    targetNames.add(target.getName(i).toString());
                }
                remaining.addAll(0, targetNames);
            }
            return resolved;
        }
        catch (final DssException ex)
        {
            throw translate(ex, text, null);
        }
    }

    /**
     * @return the basic attributes of {@code path}, following a final link if {@code followLinks}.
     */
    DssFileAttributes stat(final DssNioPath path, final boolean followLinks) throws IOException
    {
        final String text = DssFileSystem.dssPathOf(path);
        try
        {
            final Dss instance = dss();
            return new DssFileAttributes(followLinks ? instance.stat(text) : instance.lstat(text));
        }
        catch (final DssException ex)
        {
            throw translate(ex, text, null);
        }
    }

    /**
     * {@link Path#toRealPath}: follow every link, or with {@code followLinks} false only check that the file
     * exists.
     */
    DssNioPath realPath(final DssNioPath path, final boolean followLinks) throws IOException
    {
        if (followLinks)
        {
            return resolveLinks(path, true, true);
        }
        final String text = dssPathOf(path);
        try
        {
            dss().lstat(text);
        }
        catch (final DssException ex)
        {
            throw translate(ex, text, null);
        }
        return DssNioPath.parse(this, text);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssFileSystemProvider provider()
    {
        return provider;
    }

    /**
     * Close every open channel and directory stream, then the {@link Dss}. Idempotent.
     */
    @Override
    public void close() throws IOException
    {
        synchronized (this)
        {
            if (!open)
            {
                return;
            }
            open = false;
        }
        try
        {
            for (final Closeable resource : List.copyOf(openResources))
            {
                closeQuietly(resource);
            }
            openResources.clear();
            dss.close();
        }
        catch (final DssException ex)
        {
            throw NioExceptions.translate(ex, home.toString(), null);
        }
        finally
        {
            provider.removeFileSystem(this);
        }
    }

    private static void closeQuietly(final Closeable resource)
    {
        try
        {
            resource.close();
        }
        catch (final IOException | RuntimeException ignore)
        {
            // closing the file system anyway; the Dss close below reports what matters
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isOpen()
    {
        return open;
    }

    /**
     * @return false: DSS file systems are writable.
     */
    @Override
    public boolean isReadOnly()
    {
        return false;
    }

    /**
     * @return {@code /}.
     */
    @Override
    public String getSeparator()
    {
        return "/";
    }

    /**
     * @return one root {@code +vg} per volume group, in configuration order.
     */
    @Override
    public Iterable<Path> getRootDirectories()
    {
        ensureOpen();
        final List<Path> roots = new ArrayList<>(volumeGroupNames.size());
        for (final String name : volumeGroupNames)
        {
            roots.add(DssNioPath.parse(this, "+" + name));
        }
        return List.copyOf(roots);
    }

    /**
     * @return one store per volume group, in configuration order.
     */
    @Override
    public Iterable<FileStore> getFileStores()
    {
        ensureOpen();
        final List<FileStore> stores = new ArrayList<>(volumeGroupNames.size());
        for (final String name : volumeGroupNames)
        {
            stores.add(new DssFileStore(this, name));
        }
        return List.copyOf(stores);
    }

    /**
     * @return {@code basic} only.
     */
    @Override
    public Set<String> supportedFileAttributeViews()
    {
        return VIEWS;
    }

    /**
     * Join the parts with {@code /} and parse: {@code getPath("+data", "dir", "file")} is {@code +data/dir/file}.
     */
    @Override
    public DssNioPath getPath(final String first, final String... more)
    {
        if (more.length == 0)
        {
            return DssNioPath.parse(this, first);
        }
        final StringBuilder builder = new StringBuilder(first);
        for (final String part : more)
        {
            if (!part.isEmpty())
            {
                if (builder.length() > 0)
                {
                    builder.append('/');
                }
                builder.append(part);
            }
        }
        return DssNioPath.parse(this, builder.toString());
    }

    /**
     * {@code glob:} and {@code regex:} syntaxes, matched against the path string.
     */
    @Override
    public PathMatcher getPathMatcher(final String syntaxAndPattern)
    {
        final int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("path matcher needs syntax:pattern: argument=" + syntaxAndPattern +
                "; e.g. glob:+data/**/*.dat or regex:.*\\.dat");
        }
        final String syntax = syntaxAndPattern.substring(0, colon);
        final String pattern = syntaxAndPattern.substring(colon + 1);
        final Pattern regex;
        if ("glob".equalsIgnoreCase(syntax))
        {
            regex = Pattern.compile(Globs.toRegex(pattern));
        }
        else if ("regex".equalsIgnoreCase(syntax))
        {
            regex = Pattern.compile(pattern);
        }
        else
        {
            throw new UnsupportedOperationException("path matcher syntax not supported: syntax=" + syntax +
                "; use glob: or regex:");
        }
        return (path) -> regex.matcher(path.toString()).matches();
    }

    /**
     * Always throws: DSS has no users or groups.
     */
    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService()
    {
        throw new UnsupportedOperationException("DSS has no users or groups: home=" + home +
            "; files have no owner to look up");
    }

    /**
     * Always throws: DSS has no change notifications.
     */
    @Override
    public WatchService newWatchService()
    {
        throw new UnsupportedOperationException("DSS has no watch service: home=" + home +
            "; DSS keeps no change notifications, poll with Files.readAttributes instead");
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "DssFileSystem{home=" + home + ", volumeGroups=" + Arrays.toString(volumeGroupNames.toArray()) +
            ", open=" + open + "}";
    }
}
