package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.config.DssHome;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The open DSS file systems of a provider, one per DSS home, keyed by the home's real path, and the parsing of
 * {@code dss:<dss home>[!/+vg/path]} URIs. Thread-safe.
 */
final class FileSystemRegistry
{
    /** Separates the DSS home from the DSS path in a URI. */
    static final String PATH_SEPARATOR = "!/";

    private final Map<Path, DssFileSystem> fileSystems = new HashMap<>();

    /**
     * Open the DSS home of {@code uri} with {@link Dss#open}.
     *
     * @throws FileSystemAlreadyExistsException if one is open for that home.
     */
    DssFileSystem open(final DssFileSystemProvider provider, final URI uri) throws IOException
    {
        final Path home = homeOf(uri);
        synchronized (fileSystems)
        {
            if (fileSystems.containsKey(home))
            {
                throw new FileSystemAlreadyExistsException("a DSS file system is already open for this home: home=" +
                    home + "; share it with FileSystems.getFileSystem(uri), or close it first");
            }
            final DssHome dssHome;
            final Dss dss;
            try
            {
                dssHome = DssHome.load(home);
                dss = Dss.open(dssHome);
            }
            catch (final DssException ex)
            {
                throw NioExceptions.translate(ex, home.toString(), null);
            }
            final DssFileSystem fileSystem = new DssFileSystem(provider, home, dss, new FileLockTable(dssHome, dss));
            fileSystems.put(home, fileSystem);
            return fileSystem;
        }
    }

    /**
     * @throws FileSystemNotFoundException if none is open for the home of {@code uri}.
     */
    DssFileSystem get(final URI uri)
    {
        final Path home = homeOf(uri);
        synchronized (fileSystems)
        {
            final DssFileSystem fileSystem = fileSystems.get(home);
            if (fileSystem == null)
            {
                throw new FileSystemNotFoundException("no DSS file system is open for this home: home=" + home +
                    "; open it with FileSystems.newFileSystem(uri, Map.of())");
            }
            return fileSystem;
        }
    }

    void remove(final DssFileSystem fileSystem)
    {
        synchronized (fileSystems)
        {
            fileSystems.remove(fileSystem.home(), fileSystem);
        }
    }

    /**
     * @return the DSS path part of {@code uri}, {@code +vg/...}, or null if it names only a home.
     */
    static String dssPathOf(final URI uri)
    {
        final String part = uri.getSchemeSpecificPart();
        final int split = part.lastIndexOf(PATH_SEPARATOR);
        if (split < 0 || !part.startsWith("+", split + PATH_SEPARATOR.length()))
        {
            return null;
        }
        return part.substring(split + PATH_SEPARATOR.length());
    }

    /**
     * @return the DSS home of {@code uri}, absolute and, if it exists, real.
     */
    static Path homeOf(final URI uri)
    {
        if (!DssFileSystemProvider.SCHEME.equalsIgnoreCase(uri.getScheme()))
        {
            throw new IllegalArgumentException("not a DSS URI: uri=" + uri + ", scheme=" + uri.getScheme() +
                "; write dss:<dss home>");
        }
        if (uri.getRawAuthority() != null || uri.getRawQuery() != null || uri.getRawFragment() != null)
        {
            throw new IllegalArgumentException("DSS URI has an authority, query or fragment: uri=" + uri +
                "; write dss:<absolute dss home>[!/+vg/path]");
        }
        final String part = uri.getSchemeSpecificPart();
        final String dssPath = dssPathOf(uri);
        final String homeText = dssPath == null ? part :
            part.substring(0, part.length() - dssPath.length() - PATH_SEPARATOR.length());
        final Path home = Path.of(homeText).toAbsolutePath().normalize();
        try
        {
            return home.toRealPath();
        }
        catch (final IOException ex)
        {
            return home;
        }
    }
}
