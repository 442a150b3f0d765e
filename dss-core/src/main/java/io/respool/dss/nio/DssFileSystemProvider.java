package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code dss} file system provider: {@code FileSystems.newFileSystem(URI.create("dss:" + dssHome), Map.of())}
 * opens every volume group of a DSS home ({@link Dss#open}) as one {@link java.nio.file.FileSystem} whose paths are
 * {@code +vg/dir/name}. Registered through {@code META-INF/services}; thread-safe.
 * <p>
 * URIs: {@code dss:<absolute dss home>} names a file system, {@code dss:<absolute dss home>!/+vg/dir/name} a path
 * in it. Only one file system per DSS home is open at a time (a volume group admits one process, and the file
 * system owns its {@link Dss}); share it through {@link java.nio.file.FileSystems#getFileSystem(URI)}. The
 * environment map is not used.
 * <p>
 * What DSS cannot do throws {@link UnsupportedOperationException} with the reason: POSIX, DOS, owner and user
 * attributes, setting file times, hard links, writable memory mapping and watch services. File locks hold across
 * the instances of a volume group in either storage mode ({@link FileLockTable}).
 */
public final class DssFileSystemProvider extends FileSystemProvider
{
    /** The URI scheme, {@code dss}. */
    public static final String SCHEME = "dss";

    private final FileSystemRegistry registry = new FileSystemRegistry();

    /**
     * Used by {@link java.util.ServiceLoader}; code should reach the provider through
     * {@link java.nio.file.FileSystems} or {@link java.nio.file.FileSystem#provider()}.
     */
    public DssFileSystemProvider()
    {
    }

    /**
     * @return {@code dss}.
     */
    @Override
    public String getScheme()
    {
        return SCHEME;
    }

    /**
     * Open the DSS home named by {@code uri}, {@code dss:<dss home>}.
     *
     * @throws FileSystemAlreadyExistsException if a file system for this DSS home is open.
     * @throws FileSystemException              if DSS cannot open the home (its message says why).
     */
    @Override
    public FileSystem newFileSystem(final URI uri, final Map<String, ?> env) throws IOException
    {
        return registry.open(this, uri);
    }

    /**
     * @return the open file system of the DSS home named by {@code uri}.
     * @throws FileSystemNotFoundException if none is open.
     */
    @Override
    public FileSystem getFileSystem(final URI uri)
    {
        return registry.get(uri);
    }

    /**
     * @param uri {@code dss:<dss home>!/+vg/dir/name}, as {@link Path#toUri()} gives; the file system must be open.
     */
    @Override
    public Path getPath(final URI uri)
    {
        final String path = FileSystemRegistry.dssPathOf(uri);
        if (path == null)
        {
            throw new IllegalArgumentException("DSS URI names no path: uri=" + uri +
                "; write dss:<dss home>!/+vg/dir/name");
        }
        return registry.get(uri).getPath(path);
    }

    void removeFileSystem(final DssFileSystem fileSystem)
    {
        registry.remove(fileSystem);
    }

    static DssNioPath toDssPath(final Path path)
    {
        if (path == null)
        {
            throw new NullPointerException("path is null");
        }
        if (!(path instanceof DssNioPath))
        {
            throw new ProviderMismatchException("not a DSS path: path=" + path + ", fileSystem=" +
                path.getFileSystem() + "; use a path from the DSS FileSystem");
        }
        return (DssNioPath)path;
    }

    static boolean followLinks(final LinkOption... options)
    {
        boolean follow = true;
        for (final LinkOption option : options)
        {
            if (option == LinkOption.NOFOLLOW_LINKS)
            {
                follow = false;
            }
            else if (option == null)
            {
                throw new NullPointerException("link option is null");
            }
        }
        return follow;
    }

    static UnsupportedOperationException cannotSetTimes(final Path path)
    {
        return new UnsupportedOperationException("cannot set times of a DSS file: path=" + path +
            "; DSS stamps creation and modification times itself");
    }

    private static void checkNoAttributes(final Path path, final FileAttribute<?>... attributes)
    {
        if (attributes.length > 0)
        {
            throw new UnsupportedOperationException("cannot set file attributes on DSS: path=" + path +
                ", attribute=" + attributes[0].name() + "; DSS has no owners, groups or permissions");
        }
    }

    /**
     * Open a {@link FileChannel}; see {@link FileChannel#open} for the options. {@code SPARSE} is ignored,
     * {@code SYNC}/{@code DSYNC} flush every write, {@code DELETE_ON_CLOSE} removes the file when the channel
     * closes (whatever is at the path then), {@code NOFOLLOW_LINKS} fails on a link. A directory opens for
     * reading ({@link DssDirectoryChannel}), to be forced.
     */
    @Override
    public FileChannel newFileChannel(
        final Path path, final Set<? extends OpenOption> options, final FileAttribute<?>... attributes)
        throws IOException
    {
        final DssNioPath dssPath = toDssPath(path);
        final OpenOptionSet openOptions = OpenOptionSet.of(options);
        checkNoAttributes(path, attributes);
        final DssFileSystem fileSystem = dssPath.getFileSystem();
        final String text = DssFileSystem.dssPathOf(dssPath);
        try
        {
            final Dss dss = fileSystem.dss();
            openOptions.checkExisting(dss, text);
            final LockableChannel channel;
            try
            {
                channel = new DssFileChannel(fileSystem, text, dss.open(text, openOptions.flags()), openOptions);
            }
            catch (final DssException ex)
            {
                if (ex.errorCode() != ErrorCode.IS_A_DIRECTORY)
                {
                    throw ex;
                }
                return DssDirectoryChannel.open(dssPath, text, openOptions);
            }
            fileSystem.register(channel);
            return channel;
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, text, null);
        }
    }

    /**
     * @return a {@link FileChannel}, as {@link #newFileChannel}.
     */
    @Override
    public SeekableByteChannel newByteChannel(
        final Path path, final Set<? extends OpenOption> options, final FileAttribute<?>... attributes)
        throws IOException
    {
        return newFileChannel(path, options, attributes);
    }

    /**
     * List a directory (following a link to it); entries come sorted by name.
     */
    @Override
    public DirectoryStream<Path> newDirectoryStream(
        final Path dir, final DirectoryStream.Filter<? super Path> filter) throws IOException
    {
        final DssNioPath dssPath = toDssPath(dir);
        final DssFileSystem fileSystem = dssPath.getFileSystem();
        final String text = DssFileSystem.dssPathOf(dssPath);
        try
        {
            final List<FileStat> entries = fileSystem.dss().list(text);
            final List<String> names = new ArrayList<>(entries.size());
            for (final FileStat entry : entries)
            {
                names.add(entry.name());
            }
            final DssDirectoryStream stream = new DssDirectoryStream(fileSystem, dssPath, names, filter);
            fileSystem.register(stream);
            return stream;
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, text, null);
        }
    }

    /**
     * Make a directory; its parent must exist.
     *
     * @throws UnsupportedOperationException if attributes are given: DSS has no permissions.
     */
    @Override
    public void createDirectory(final Path dir, final FileAttribute<?>... attributes) throws IOException
    {
        final DssNioPath dssPath = toDssPath(dir);
        checkNoAttributes(dir, attributes);
        final DssFileSystem fileSystem = dssPath.getFileSystem();
        final String text = DssFileSystem.dssPathOf(dssPath);
        try
        {
            fileSystem.dss().mkdir(text);
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, text, null);
        }
    }

    /**
     * Create a link. DSS stores absolute targets: a relative {@code target} is resolved against the link's
     * directory, so {@link #readSymbolicLink} returns the absolute form.
     */
    @Override
    public void createSymbolicLink(final Path link, final Path target, final FileAttribute<?>... attributes)
        throws IOException
    {
        final DssNioPath linkPath = toDssPath(link);
        final DssNioPath targetPath = toDssPath(target);
        checkNoAttributes(link, attributes);
        final DssFileSystem fileSystem = linkPath.getFileSystem();
        final String text = DssFileSystem.dssPathOf(linkPath);
        final DssNioPath absoluteLink = DssNioPath.parse(fileSystem, text);
        final DssNioPath parent = absoluteLink.getParent() == null ? absoluteLink : absoluteLink.getParent();
        final String targetText = DssFileSystem.dssPathOf(parent.resolve(targetPath.toString()));
        try
        {
            fileSystem.dss().symlink(targetText, text);
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, text, targetText);
        }
    }

    /**
     * Always throws: DSS has no hard links.
     */
    @Override
    public void createLink(final Path link, final Path existing)
    {
        throw new UnsupportedOperationException("DSS has no hard links: link=" + link + ", existing=" + existing +
            "; a DSS file has exactly one name, use Files.createSymbolicLink instead");
    }

    /**
     * Remove a file, a link (not its target) or an empty directory.
     */
    @Override
    public void delete(final Path path) throws IOException
    {
        final DssNioPath dssPath = toDssPath(path);
        final DssFileSystem fileSystem = dssPath.getFileSystem();
        final String text = DssFileSystem.dssPathOf(dssPath);
        try
        {
            final Dss dss = fileSystem.dss();
            final FileStat stat = dss.lstat(text);
            if (stat.type() != FileType.DIRECTORY)
            {
                dss.delete(text);
            }
            else if (DssNioPath.parse(fileSystem, text).getNameCount() == 0)
            {
                throw new FileSystemException(text, null,
                    "cannot delete the root of a volume group; remove the volume group with dsscmd instead");
            }
            else
            {
                dss.rmdir(text, false);
            }
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, text, null);
        }
    }

    /**
     * Copy within DSS: a file's data (with {@link Dss#copy} inside one DSS home), a directory as an empty one, a
     * link as a link with {@code NOFOLLOW_LINKS}. {@code COPY_ATTRIBUTES} is accepted and copies nothing.
     */
    @Override
    public void copy(final Path source, final Path target, final CopyOption... options) throws IOException
    {
        CopyMove.copy(toDssPath(source), toDssPath(target), options);
    }

    /**
     * Move within DSS: one atomic rename within a volume group; copy then remove across volume groups.
     * {@code ATOMIC_MOVE} is a single rename and fails with {@link java.nio.file.FileAlreadyExistsException} if the
     * target exists.
     */
    @Override
    public void move(final Path source, final Path target, final CopyOption... options) throws IOException
    {
        CopyMove.move(toDssPath(source), toDssPath(target), options);
    }

    /**
     * Same path, or both resolve (through links) to the same DSS path; both must exist.
     */
    @Override
    public boolean isSameFile(final Path path, final Path path2) throws IOException
    {
        final DssNioPath first = toDssPath(path);
        if (first.equals(path2))
        {
            return true;
        }
        if (!(path2 instanceof DssNioPath) || ((DssNioPath)path2).getFileSystem() != first.getFileSystem())
        {
            return false;
        }
        final DssFileSystem fileSystem = first.getFileSystem();
        return fileSystem.realPath(first, true).equals(fileSystem.realPath((DssNioPath)path2, true));
    }

    /**
     * @return false: DSS has no hidden files.
     */
    @Override
    public boolean isHidden(final Path path)
    {
        toDssPath(path);
        return false;
    }

    /**
     * @return the volume group the file (after following links) is in.
     */
    @Override
    public FileStore getFileStore(final Path path) throws IOException
    {
        final DssNioPath real = toDssPath(path).toRealPath();
        return new DssFileStore(real.getFileSystem(), real.volumeGroup());
    }

    /**
     * Check the file exists (following links). DSS has no permissions: reading and writing are always allowed,
     * executing only directories (searching them).
     */
    @Override
    public void checkAccess(final Path path, final AccessMode... modes) throws IOException
    {
        final DssNioPath dssPath = toDssPath(path);
        final BasicFileAttributes attributes = dssPath.getFileSystem().stat(dssPath, true);
        for (final AccessMode mode : modes)
        {
            if (mode == AccessMode.EXECUTE && !attributes.isDirectory())
            {
                throw new AccessDeniedException(DssFileSystem.dssPathOf(dssPath), null,
                    "DSS files cannot be executed");
            }
        }
    }

    /**
     * @return the basic view for {@link BasicFileAttributeView}, else null: DSS has no other views.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(
        final Path path, final Class<V> type, final LinkOption... options)
    {
        final DssNioPath dssPath = toDssPath(path);
        if (type == BasicFileAttributeView.class)
        {
            return (V)new DssFileAttributeView(dssPath, followLinks(options));
        }
        return null;
    }

    /**
     * @throws UnsupportedOperationException for anything but {@link BasicFileAttributes}: DSS has no POSIX or DOS
     *                                       attributes.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(
        final Path path, final Class<A> type, final LinkOption... options) throws IOException
    {
        final DssNioPath dssPath = toDssPath(path);
        if (type != BasicFileAttributes.class)
        {
            throw new UnsupportedOperationException("attributes not supported by DSS: type=" + type.getName() +
                ", path=" + path + "; only BasicFileAttributes exist, DSS has no owners, groups or permissions");
        }
        return (A)dssPath.getFileSystem().stat(dssPath, followLinks(options));
    }

    /**
     * Read {@code basic:} attributes by name ({@code *} for all; the view may be omitted).
     *
     * @throws UnsupportedOperationException for any other view.
     */
    @Override
    public Map<String, Object> readAttributes(final Path path, final String attributes, final LinkOption... options)
        throws IOException
    {
        final DssNioPath dssPath = toDssPath(path);
        final String names = AttributeNames.namesOf(attributes, dssPath.toString());
        return AttributeNames.read(dssPath.getFileSystem().stat(dssPath, followLinks(options)), names);
    }

    /**
     * Always throws: the basic times cannot be set on DSS ({@link UnsupportedOperationException}), the other basic
     * attributes are read-only ({@link IllegalArgumentException}) and there are no other views.
     */
    @Override
    public void setAttribute(final Path path, final String attribute, final Object value, final LinkOption... options)
    {
        final DssNioPath dssPath = toDssPath(path);
        if (AttributeNames.isTime(AttributeNames.namesOf(attribute, dssPath.toString())))
        {
            throw cannotSetTimes(path);
        }
    }

    /**
     * @return the target of a link, as DSS stores it: an absolute path.
     */
    @Override
    public Path readSymbolicLink(final Path link) throws IOException
    {
        final DssNioPath dssPath = toDssPath(link);
        final DssFileSystem fileSystem = dssPath.getFileSystem();
        final String text = DssFileSystem.dssPathOf(dssPath);
        try
        {
            final Dss dss = fileSystem.dss();
            final FileStat stat = dss.lstat(text);
            if (stat.type() != FileType.LINK)
            {
                throw NioExceptions.notLink(text, stat.type());
            }
            return fileSystem.getPath(dss.readlink(text));
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, text, null);
        }
    }
}
