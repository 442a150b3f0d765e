package io.respool.dss;

import io.respool.dss.config.DssHome;
import io.respool.dss.engine.Instance;
import io.respool.dss.engine.InstanceOptions;
import io.respool.dss.engine.Volumes;
import io.respool.dss.engine.VolumeGroupFormatter;

import java.nio.file.Path;
import java.util.List;

/**
 * A DSS instance as a database embeds it: the volume groups of a DSS home (or given directly), and every file
 * operation on {@code +vg/...} paths. Thread-safe.
 * <p>
 * Metadata changes (create, mkdir, remove, rename, truncate, links, volumes) are atomic and durable when they
 * return. File data is durable after {@link DssFile#flush()}. Errors are {@link DssException}s with a stable
 * {@link ErrorCode} and a message that names the path.
 * <pre>{@code
 * try (Dss dss = Dss.open(Path.of("/home/test/dss/dss0/dssdba")))
 * {
 *     dss.mkdir("+data/base");
 *     try (DssFile file = dss.open("+data/base/t1", OpenFlag.CREATE, OpenFlag.WRITE))
 *     {
 *         file.write(ByteBuffer.wrap(page), 0);
 *         file.flush();
 *     }
 * }
 * }</pre>
 */
public interface Dss extends AutoCloseable
{
    /** Default allocation unit: 8 MiB, as in openGauss DSS. */
    int DEFAULT_AU_SIZE = 8 * 1024 * 1024;

    /**
     * Open every volume group listed in {@code dssHome/cfg/dss_vg_conf.ini}.
     */
    static Dss open(final Path dssHome)
    {
        return Instance.open(DssHome.load(dssHome), Volumes.fromSystemProperties());
    }

    /**
     * Open every volume group of a loaded DSS home, e.g. one whose {@link DssHome#vgConfig()} keeps only some lines.
     */
    static Dss open(final DssHome home)
    {
        return Instance.open(home, Volumes.fromSystemProperties());
    }

    /**
     * Open every volume group of a loaded DSS home with {@code options}, normally {@link InstanceOptions#of} the
     * home with an operator's override, e.g. {@link InstanceOptions#withAcceptLogLossAt}.
     */
    static Dss open(final DssHome home, final InstanceOptions options)
    {
        return Instance.open(home, Volumes.fromSystemProperties(), options);
    }

    /**
     * Open one volume group from its entry volume, without a DSS home.
     */
    static Dss openVolumeGroup(final String vgName, final Path entryVolume)
    {
        return Instance.openDirect(vgName, entryVolume, Volumes.fromSystemProperties(), InstanceOptions.defaults());
    }

    /**
     * Open one volume group from its entry volume as instance {@code options.instanceId()}, without a DSS home.
     */
    static Dss openVolumeGroup(final String vgName, final Path entryVolume, final InstanceOptions options)
    {
        return Instance.openDirect(vgName, entryVolume, Volumes.fromSystemProperties(), options);
    }

    /**
     * Create a volume group on an image file or block device: metadata only, so it is quick and keeps an image
     * sparse. Fails if the volume already belongs to a volume group.
     *
     * @param auSize allocation unit in bytes, a power of two from 2 MiB to 64 MiB; {@link #DEFAULT_AU_SIZE}.
     */
    static void createVolumeGroup(final String vgName, final Path entryVolume, final int auSize)
    {
        VolumeGroupFormatter.format(vgName, entryVolume, auSize, Volumes.fromSystemProperties());
    }

    /**
     * @return the open volume group named {@code name}.
     */
    VolumeGroup volumeGroup(String name);

    /**
     * @return every open volume group, in configuration order.
     */
    List<VolumeGroup> volumeGroups();

    /**
     * Open a file; links are followed. Without {@link OpenFlag#WRITE} the handle is read-only.
     */
    DssFile open(String path, OpenFlag... flags);

    /**
     * Create an empty file; fails if the name exists.
     */
    void createFile(String path);

    /**
     * Make a directory; its parent must exist.
     */
    void mkdir(String path);

    /**
     * Make a directory and any missing parents; no error if it exists as a directory.
     */
    void mkdirs(String path);

    /**
     * Remove a directory: an empty one, or with {@code recursive} everything in it.
     */
    void rmdir(String path, boolean recursive);

    /**
     * Remove a file or link. A file still open keeps working through its handles; its space is freed on close.
     */
    void delete(String path);

    /**
     * Rename or move within one volume group. Fails if {@code newPath} exists.
     */
    void rename(String oldPath, String newPath);

    /**
     * Set a file's length.
     */
    void truncate(String path, long newSize);

    /**
     * @return attributes, following links.
     */
    FileStat stat(String path);

    /**
     * @return attributes of the path itself, not following a final link.
     */
    FileStat lstat(String path);

    boolean exists(String path);

    /**
     * @return the entries of a directory, sorted by name.
     */
    List<FileStat> list(String directoryPath);

    /**
     * Create a symbolic link at {@code linkPath} pointing to {@code target} (a DSS path; need not exist).
     */
    void symlink(String target, String linkPath);

    String readlink(String linkPath);

    /**
     * Remove a symbolic link.
     */
    void unlink(String linkPath);

    /**
     * Copy a file's contents to a new file.
     */
    void copy(String sourcePath, String targetPath);

    @Override
    void close();
}
