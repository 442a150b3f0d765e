package io.respool.dss.engine;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.DssPath;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.OpenFlag;
import io.respool.dss.VolumeGroup;
import io.respool.dss.config.DssHome;
import io.respool.dss.config.VgConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Dss} implementation: resolves {@code +vg/...} paths, following symbolic links across volume groups,
 * and hands the nodes to the volume group's engine, which re-checks them under its metadata lock.
 */
public final class Instance implements Dss
{
    private static final int MAX_LINK_HOPS = 40;
    private static final int COPY_CHUNK = 1024 * 1024;

    private final Map<String, VolumeGroupEngine> groups;

    private Instance(final Map<String, VolumeGroupEngine> groups)
    {
        this.groups = groups;
    }

    public static Instance open(final DssHome home, final Volumes volumes)
    {
        return open(home, volumes, InstanceOptions.of(home));
    }

    /**
     * @param options normally {@link InstanceOptions#of} the home, with an operator's overrides.
     */
    public static Instance open(final DssHome home, final Volumes volumes, final InstanceOptions options)
    {
        final Map<String, VolumeGroupEngine> groups = new LinkedHashMap<>();
        try
        {
            for (final VgConfig.Entry entry : home.vgConfig().entries())
            {
                groups.put(entry.name(), VolumeGroupEngine.open(entry.name(), entry.entryVolume(), volumes,
                    options));
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(groups.values());
            throw ex;
        }
        return new Instance(groups);
    }

    public static Instance openDirect(final String vgName, final Path entryVolume, final Volumes volumes,
        final InstanceOptions options)
    {
        final Map<String, VolumeGroupEngine> groups = new LinkedHashMap<>();
        groups.put(vgName, VolumeGroupEngine.open(vgName, entryVolume, volumes, options));
        return new Instance(groups);
    }

    @Override
    public VolumeGroup volumeGroup(final String name)
    {
        return engine(name, "+" + name);
    }

    @Override
    public List<VolumeGroup> volumeGroups()
    {
        return List.copyOf(groups.values());
    }

    private VolumeGroupEngine engine(final String vg, final String path)
    {
        final VolumeGroupEngine engine = groups.get(vg);
        if (engine == null)
        {
            throw new DssException(ErrorCode.NOT_FOUND, "no such volume group: vg=" + vg + ", path=" + path +
                "; configured: " + groups.keySet() + " (add it to dss_vg_conf.ini)");
        }
        return engine;
    }

    /**
     * A path resolved to a volume group and a node, or to the directory where its last component would go.
     */
    private record Resolved(VolumeGroupEngine engine, DssPath path, Node node, Node parent)
    {
    }

    /**
     * Resolve {@code text}, following links in every component but the last, and in the last if
     * {@code followLast}. A missing last component gives a null node with its parent; a missing earlier one fails.
     */
    private Resolved resolve(final String text, final boolean followLast)
    {
        DssPath path = DssPath.parse(text);
        for (int hop = 0; hop <= MAX_LINK_HOPS; hop++)
        {
            final VolumeGroupEngine engine = engine(path.vg(), text);
            final Namespace.Lookup lookup = engine.lookup(path.components(), followLast, text);
            if (lookup.node != null)
            {
                return new Resolved(engine, path, lookup.node, lookup.parent);
            }
            if (lookup.linkTarget == null)
            {
                if (lookup.stopIndex == path.components().size() - 1)
                {
                    return new Resolved(engine, path, null, lookup.parent);
                }
                throw new DssException(ErrorCode.NOT_FOUND, "no such directory: path=" + text + ", missing=" +
                    new DssPath(path.vg(), path.components().subList(0, lookup.stopIndex + 1)));
            }
            final DssPath target = DssPath.parse(lookup.linkTarget);
            final List<String> rest = path.components().subList(lookup.stopIndex + 1, path.components().size());
            final List<String> components = new ArrayList<>(target.components());
            components.addAll(rest);
            path = new DssPath(target.vg(), List.copyOf(components));
        }
        throw new DssException(ErrorCode.NOT_A_LINK, "too many levels of symbolic links: path=" + text);
    }

    private Resolved existing(final String text, final boolean followLast)
    {
        final Resolved resolved = resolve(text, followLast);
        if (resolved.node == null)
        {
            throw new DssException(ErrorCode.NOT_FOUND, "no such file or directory: path=" + text);
        }
        return resolved;
    }

    private Resolved newEntry(final String text)
    {
        final Resolved resolved = resolve(text, false);
        if (resolved.path.isRoot())
        {
            throw new DssException(ErrorCode.ALREADY_EXISTS, "a volume group root already exists: path=" + text);
        }
        if (resolved.node != null)
        {
            throw new DssException(ErrorCode.ALREADY_EXISTS, "already exists: path=" + text);
        }
        return resolved;
    }

    @Override
    public DssFile open(final String path, final OpenFlag... flags)
    {
        final EnumSet<OpenFlag> set = flags.length == 0 ? EnumSet.of(OpenFlag.READ) : EnumSet.of(flags[0], flags);
        final boolean writable = set.contains(OpenFlag.WRITE) || set.contains(OpenFlag.APPEND);
        Resolved resolved = resolve(path, true);
        if (resolved.node == null || set.contains(OpenFlag.CREATE_NEW))
        {
            if (!set.contains(OpenFlag.CREATE) && !set.contains(OpenFlag.CREATE_NEW))
            {
                throw new DssException(ErrorCode.NOT_FOUND, "no such file: path=" + path +
                    "; create it first (dsscmd touch) or open with OpenFlag.CREATE");
            }
            if (resolved.node != null)
            {
                throw new DssException(ErrorCode.ALREADY_EXISTS, "file exists: path=" + path);
            }
            try
            {
                resolved = new Resolved(resolved.engine, resolved.path, resolved.engine.create(resolved.parent,
                    resolved.path.name(), FileType.FILE, null, path), resolved.parent);
            }
            catch (final DssException ex)
            {
                if (ex.errorCode() != ErrorCode.ALREADY_EXISTS || set.contains(OpenFlag.CREATE_NEW))
                {
                    throw ex;
                }
                resolved = existing(path, true);
            }
        }
        final FileHandle handle = resolved.engine.open(resolved.node, path, writable, set.contains(OpenFlag.APPEND));
        if (set.contains(OpenFlag.TRUNCATE) && writable && resolved.node.size > 0)
        {
            handle.truncate(0);
        }
        return handle;
    }

    @Override
    public void createFile(final String path)
    {
        final Resolved resolved = newEntry(path);
        resolved.engine.create(resolved.parent, resolved.path.name(), FileType.FILE, null, path);
    }

    @Override
    public void mkdir(final String path)
    {
        final Resolved resolved = newEntry(path);
        resolved.engine.create(resolved.parent, resolved.path.name(), FileType.DIRECTORY, null, path);
    }

    @Override
    public void mkdirs(final String path)
    {
        final DssPath parsed = DssPath.parse(path);
        DssPath current = new DssPath(parsed.vg(), List.of());
        for (final String name : parsed.components())
        {
            current = current.child(name);
            final Resolved resolved = resolve(current.toString(), true);
            if (resolved.node == null)
            {
                try
                {
                    resolved.engine.create(resolved.parent, name, FileType.DIRECTORY, null, current.toString());
                }
                catch (final DssException ex)
                {
                    if (ex.errorCode() != ErrorCode.ALREADY_EXISTS)
                    {
                        throw ex;
                    }
                }
            }
            else if (!resolved.node.isDirectory())
            {
                throw new DssException(ErrorCode.NOT_A_DIRECTORY, "exists and is not a directory: path=" + current);
            }
        }
    }

    @Override
    public void rmdir(final String path, final boolean recursive)
    {
        final Resolved resolved = existing(path, false);
        if (!resolved.node.isDirectory())
        {
            throw new DssException(ErrorCode.NOT_A_DIRECTORY, "not a directory: path=" + path + ", type=" +
                resolved.node.type + "; use rm for files, unlink for links");
        }
        resolved.engine.remove(resolved.node, recursive, path);
    }

    @Override
    public void delete(final String path)
    {
        final Resolved resolved = existing(path, false);
        if (resolved.node.isDirectory())
        {
            throw new DssException(ErrorCode.IS_A_DIRECTORY, "is a directory: path=" + path + "; use rmdir");
        }
        resolved.engine.remove(resolved.node, false, path);
    }

    @Override
    public void rename(final String oldPath, final String newPath)
    {
        final Resolved from = existing(oldPath, false);
        final Resolved to = newEntry(newPath);
        if (from.engine != to.engine)
        {
            throw new DssException(ErrorCode.INVALID_PATH, "rename across volume groups: old=" + oldPath + ", new=" +
                newPath + "; copy then remove instead");
        }
        if (from.path.isRoot())
        {
            throw new DssException(ErrorCode.INVALID_PATH, "cannot rename a volume group root: path=" + oldPath);
        }
        from.engine.rename(from.node, to.parent, to.path.name(), oldPath, newPath);
    }

    @Override
    public void truncate(final String path, final long newSize)
    {
        try (DssFile file = open(path, OpenFlag.WRITE))
        {
            file.truncate(newSize);
        }
    }

    @Override
    public FileStat stat(final String path)
    {
        final Resolved resolved = existing(path, true);
        return resolved.engine.stat(resolved.node);
    }

    @Override
    public FileStat lstat(final String path)
    {
        final Resolved resolved = existing(path, false);
        return resolved.engine.stat(resolved.node);
    }

    @Override
    public boolean exists(final String path)
    {
        try
        {
            return resolve(path, false).node != null;
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() == ErrorCode.NOT_FOUND || ex.errorCode() == ErrorCode.NOT_A_DIRECTORY)
            {
                return false;
            }
            throw ex;
        }
    }

    @Override
    public List<FileStat> list(final String directoryPath)
    {
        final Resolved resolved = existing(directoryPath, true);
        return resolved.engine.list(resolved.node, directoryPath);
    }

    @Override
    public void symlink(final String target, final String linkPath)
    {
        DssPath.parse(target);
        final Resolved resolved = newEntry(linkPath);
        resolved.engine.create(resolved.parent, resolved.path.name(), FileType.LINK, target, linkPath);
    }

    @Override
    public String readlink(final String linkPath)
    {
        final Resolved resolved = existing(linkPath, false);
        if (resolved.node.type != FileType.LINK)
        {
            throw new DssException(ErrorCode.NOT_A_LINK, "not a symbolic link: path=" + linkPath + ", type=" +
                resolved.node.type);
        }
        return resolved.node.target;
    }

    @Override
    public void unlink(final String linkPath)
    {
        final Resolved resolved = existing(linkPath, false);
        if (resolved.node.type != FileType.LINK)
        {
            throw new DssException(ErrorCode.NOT_A_LINK, "not a symbolic link: path=" + linkPath + ", type=" +
                resolved.node.type + "; use rm for files");
        }
        resolved.engine.remove(resolved.node, false, linkPath);
    }

    @Override
    public void copy(final String sourcePath, final String targetPath)
    {
        try (DssFile source = open(sourcePath);
            DssFile target = open(targetPath, OpenFlag.CREATE_NEW, OpenFlag.WRITE))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(COPY_CHUNK));
            long position = 0;
            int n;
            while ((n = source.read(position, buffer, 0, COPY_CHUNK)) > 0)
            {
                target.write(position, buffer, 0, n);
                position += n;
            }
            target.flush();
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(groups.values());
    }
}
