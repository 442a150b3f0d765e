package io.respool.dss.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A path of a {@link DssFileSystem}: absolute {@code +vg/dir/name}, whose root is {@code +vg}, or relative
 * {@code dir/name}. Immutable.
 * <p>
 * Names follow the DSS rules (1 to 63 characters from {@code [0-9A-Za-z_.-]}). DSS itself has no {@code .} or
 * {@code ..}, but paths accept them as intermediate values, as {@link #relativize} produces them; {@link #normalize}
 * removes them lexically, and every file operation uses the normalized absolute path. The empty path behaves as on
 * the default file system: one empty name. Relative paths resolve against the root of the first volume group.
 */
final class DssNioPath implements Path
{
    private static final String[] EMPTY_NAMES = { "" };
    private static final String CURRENT = PathSyntax.CURRENT;
    private static final String PARENT = PathSyntax.PARENT;

    private final DssFileSystem fileSystem;
    private final String vg;
    private final String[] names;
    private final String text;

    /**
     * @param vg    volume group for an absolute path, null for a relative one.
     * @param names names below the root; {@code {""}} for the empty path.
     */
    private DssNioPath(final DssFileSystem fileSystem, final String vg, final String[] names)
    {
        this.fileSystem = fileSystem;
        this.vg = vg;
        this.names = names;
        this.text = PathSyntax.format(vg, names);
    }

    /**
     * Parse a path string: repeated and trailing slashes collapse.
     *
     * @throws InvalidPathException if a name breaks the DSS naming rules.
     */
    static DssNioPath parse(final DssFileSystem fileSystem, final String input)
    {
        final PathSyntax.Parsed parsed = PathSyntax.parse(input);
        return new DssNioPath(fileSystem, parsed.vg(), parsed.names().length == 0 && parsed.vg() == null ?
            EMPTY_NAMES : parsed.names());
    }

    private DssNioPath derive(final String newVg, final List<String> newNames)
    {
        if (newVg == null && newNames.isEmpty())
        {
            return new DssNioPath(fileSystem, null, EMPTY_NAMES);
        }
        return new DssNioPath(fileSystem, newVg, newNames.toArray(new String[0]));
    }

    private DssNioPath relative(final String[] newNames)
    {
        return new DssNioPath(fileSystem, null, newNames.length == 0 ? EMPTY_NAMES : newNames);
    }

    private DssNioPath check(final Path other)
    {
        if (!(other instanceof DssNioPath))
        {
            throw new ProviderMismatchException("not a DSS path: path=" + other + ", provider=" +
                (other == null ? null : other.getFileSystem().provider()) + "; get DSS paths from the DSS FileSystem");
        }
        return (DssNioPath)other;
    }

    boolean isEmpty()
    {
        return vg == null && names.length == 1 && names[0].isEmpty();
    }

    /**
     * @return the volume group of an absolute path, null for a relative one.
     */
    String volumeGroup()
    {
        return vg;
    }

    private String[] namesOrNone()
    {
        return isEmpty() ? new String[0] : names;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssFileSystem getFileSystem()
    {
        return fileSystem;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isAbsolute()
    {
        return vg != null;
    }

    /**
     * @return {@code +vg} for an absolute path, null for a relative one.
     */
    @Override
    public DssNioPath getRoot()
    {
        return vg == null ? null : (names.length == 0 ? this : new DssNioPath(fileSystem, vg, new String[0]));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssNioPath getFileName()
    {
        if (names.length == 0)
        {
            return null;
        }
        return vg == null && names.length == 1 ? this : relative(new String[] { names[names.length - 1] });
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssNioPath getParent()
    {
        if (vg == null)
        {
            return names.length <= 1 ? null : relative(Arrays.copyOf(names, names.length - 1));
        }
        return names.length == 0 ? null : new DssNioPath(fileSystem, vg, Arrays.copyOf(names, names.length - 1));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int getNameCount()
    {
        return names.length;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssNioPath getName(final int index)
    {
        if (index < 0 || index >= names.length)
        {
            throw new IllegalArgumentException("name index out of range: index=" + index + ", nameCount=" +
                names.length + ", path=" + text);
        }
        return relative(new String[] { names[index] });
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssNioPath subpath(final int beginIndex, final int endIndex)
    {
        if (beginIndex < 0 || beginIndex >= names.length || endIndex <= beginIndex || endIndex > names.length)
        {
            throw new IllegalArgumentException("subpath out of range: beginIndex=" + beginIndex + ", endIndex=" +
                endIndex + ", nameCount=" + names.length + ", path=" + text);
        }
        return relative(Arrays.copyOfRange(names, beginIndex, endIndex));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean startsWith(final Path other)
    {
        if (!(other instanceof DssNioPath) || ((DssNioPath)other).fileSystem != fileSystem)
        {
            return false;
        }
        final DssNioPath that = (DssNioPath)other;
        if (isAbsolute() != that.isAbsolute() || (vg != null && !vg.equals(that.vg)))
        {
            return false;
        }
        if (that.isEmpty() || isEmpty())
        {
            return that.isEmpty() && isEmpty();
        }
        if (that.names.length > names.length)
        {
            return false;
        }
        for (int i = 0; i < that.names.length; i++)
        {
            if (!names[i].equals(that.names[i]))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean endsWith(final Path other)
    {
        if (!(other instanceof DssNioPath) || ((DssNioPath)other).fileSystem != fileSystem)
        {
            return false;
        }
        final DssNioPath that = (DssNioPath)other;
        if (that.isAbsolute())
        {
            return equals(that);
        }
        if (that.isEmpty() || isEmpty())
        {
            return that.isEmpty() && isEmpty();
        }
        final int shift = names.length - that.names.length;
        if (shift < 0)
        {
            return false;
        }
        for (int i = 0; i < that.names.length; i++)
        {
            if (!names[shift + i].equals(that.names[i]))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Remove {@code .} and {@code name/..} lexically; {@code ..} at a volume group root is dropped.
     */
    @Override
    public DssNioPath normalize()
    {
        if (isEmpty())
        {
            return this;
        }
        final List<String> result = new ArrayList<>(names.length);
        for (final String name : names)
        {
            if (CURRENT.equals(name))
            {
                continue;
            }
            if (PARENT.equals(name))
            {
                if (!result.isEmpty() && !PARENT.equals(result.get(result.size() - 1)))
                {
                    result.remove(result.size() - 1);
                }
                else if (vg == null)
                {
                    result.add(name);
                }
                continue;
            }
            result.add(name);
        }
        return result.size() == names.length ? this : derive(vg, result);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssNioPath resolve(final Path other)
    {
        final DssNioPath that = check(other);
        if (that.isAbsolute())
        {
            return that;
        }
        if (that.isEmpty())
        {
            return this;
        }
        if (isEmpty())
        {
            return that;
        }
        final String[] joined = Arrays.copyOf(names, names.length + that.names.length);
        System.arraycopy(that.names, 0, joined, names.length, that.names.length);
        return new DssNioPath(fileSystem, vg, joined);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DssNioPath resolve(final String other)
    {
        return resolve(parse(fileSystem, other));
    }

    /**
     * Lexical, as on the default file system: {@code +data/a/b} relativized against {@code +data/c} is
     * {@code ../../c}. Both paths must be absolute in the same volume group, or both relative.
     */
    @Override
    public DssNioPath relativize(final Path other)
    {
        final DssNioPath that = check(other);
        if (isAbsolute() != that.isAbsolute())
        {
            throw new IllegalArgumentException("cannot relativize an absolute and a relative path: this=" + text +
                ", other=" + that.text + "; make both absolute with toAbsolutePath()");
        }
        if (vg != null && !vg.equals(that.vg))
        {
            throw new IllegalArgumentException("cannot relativize paths in different volume groups: this=" + text +
                ", other=" + that.text);
        }
        final String[] from = namesOrNone();
        final String[] to = that.namesOrNone();
        int common = 0;
        while (common < from.length && common < to.length && from[common].equals(to[common]))
        {
            common++;
        }
        final String[] result = new String[from.length - common + to.length - common];
        Arrays.fill(result, 0, from.length - common, PARENT);
        System.arraycopy(to, common, result, from.length - common, to.length - common);
        return relative(result);
    }

    /**
     * @return {@code dss:<dss home>!/+vg/dir/name} for the absolute path.
     */
    @Override
    public URI toUri()
    {
        return fileSystem.uriOf(toAbsolutePath().toString());
    }

    /**
     * Relative paths resolve against the root of the file system's first volume group.
     */
    @Override
    public DssNioPath toAbsolutePath()
    {
        return isAbsolute() ? this : fileSystem.defaultDirectory().resolve(this);
    }

    /**
     * Follow every symbolic link through DSS, unless {@link LinkOption#NOFOLLOW_LINKS}; fails if the file does not
     * exist.
     */
    @Override
    public DssNioPath toRealPath(final LinkOption... options) throws IOException
    {
        return fileSystem.realPath(this, DssFileSystemProvider.followLinks(options));
    }

    /**
     * Always throws: DSS has no watch service.
     */
    @Override
    public WatchKey register(
        final WatchService watcher, final WatchEvent.Kind<?>[] events, final WatchEvent.Modifier... modifiers)
    {
        throw new UnsupportedOperationException("cannot watch a DSS path: path=" + text +
            "; DSS has no change notifications, poll with Files.readAttributes instead");
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Iterator<Path> iterator()
    {
        return new Iterator<>()
        {
            private int index;

            @Override
            public boolean hasNext()
            {
                return index < names.length;
            }

            @Override
            public Path next()
            {
                if (index >= names.length)
                {
                    throw new NoSuchElementException("no more names: path=" + text);
                }
                return getName(index++);
            }
        };
    }

    /**
     * Compare the path strings; throws {@link ClassCastException} for a path of another provider.
     */
    @Override
    public int compareTo(final Path other)
    {
        return text.compareTo(((DssNioPath)other).text);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof DssNioPath && ((DssNioPath)other).fileSystem == fileSystem &&
            ((DssNioPath)other).text.equals(text);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return text.hashCode();
    }

    /**
     * @return {@code +vg/dir/name}, or {@code dir/name} when relative.
     */
    @Override
    public String toString()
    {
        return text;
    }
}
