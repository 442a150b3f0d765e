package io.respool.dss.engine;

import io.respool.dss.FileRangeLock;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.VolumeGroup;
import io.respool.dss.VolumeInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An open volume group: the {@link VolumeGroup} API over its parts. Metadata lives in memory
 * ({@link MetadataState}), rebuilt at open from the active checkpoint plus every committed redo record after it
 * ({@link VolumeGroupLoader}). A metadata change ({@link ChangeRunner}) validates against the state, appends one
 * record and applies it under the metadata write lock, then waits outside the lock until the record is durable, so
 * concurrent changes share one log write (group commit). When half the log is in use a checkpoint is written to the
 * inactive slot and the root control switched to it. The parts: {@link Namespace} (the tree), {@link FileSpace}
 * (allocation and sizes), {@link VolumeSet} (volumes), {@link CatchUp} (other instances' changes).
 * <p>
 * Lock order: dss-core/DESIGN.md, "Lock order".
 */
final class VolumeGroupEngine implements VolumeGroup
{
    private final String name;
    private final int auSize;
    private final Coordinator coordinator;
    private final MetaLock metaLock;
    private final ChangeRunner runner;
    private final VolumeSet volumes;
    private final FileSpace space;
    private final Namespace namespace;
    private final ConsistencyChecker checker;
    private volatile String readOnlyReason;
    private volatile String logDamage;

    VolumeGroupEngine(final String name, final int auSize, final Coordinator coordinator, final MetaLock metaLock,
        final ChangeRunner runner, final VolumeSet volumes, final FileSpace space, final Namespace namespace,
        final ConsistencyChecker checker)
    {
        this.name = name;
        this.auSize = auSize;
        this.coordinator = coordinator;
        this.metaLock = metaLock;
        this.runner = runner;
        this.volumes = volumes;
        this.space = space;
        this.namespace = namespace;
        this.checker = checker;
    }

    /**
     * Open and recover a volume group; see {@link VolumeGroupLoader#open}.
     */
    static VolumeGroupEngine open(final String expectedName, final Path entryVolume, final Volumes volumes,
        final InstanceOptions options)
    {
        return VolumeGroupLoader.open(expectedName, entryVolume, volumes, options);
    }

    // ----------------------------------------------------------------------------------------- VolumeGroup

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int auSize()
    {
        return auSize;
    }

    @Override
    public int instanceId()
    {
        return coordinator.instanceId();
    }

    @Override
    public List<InstanceStatus> instances()
    {
        metaLock.checkOpen();
        return coordinator.statuses();
    }

    @Override
    public long coordinatorErrors()
    {
        return coordinator.errorCount();
    }

    @Override
    public KickResult kick(final int victim)
    {
        metaLock.checkOpen();
        return coordinator.kick(victim);
    }

    @Override
    public void register()
    {
        metaLock.checkOpen();
        coordinator.register();
    }

    @Override
    public void unregister()
    {
        metaLock.checkOpen();
        coordinator.unregister();
    }

    @Override
    public List<VolumeInfo> volumes()
    {
        return volumes.list();
    }

    @Override
    public long totalBytes()
    {
        return volumes().stream().mapToLong(VolumeInfo::size).sum();
    }

    @Override
    public long freeBytes()
    {
        return volumes().stream().mapToLong(VolumeInfo::freeBytes).sum();
    }

    @Override
    public VolumeInfo addVolume(final Path volumePath)
    {
        return volumes.add(volumePath);
    }

    @Override
    public void removeVolume(final Path volumePath)
    {
        volumes.remove(volumePath);
    }

    @Override
    public List<String> check()
    {
        if (readOnlyReason == null)
        {
            return runner.mutate("check", () -> checker.check(true));
        }
        // Read-only: no lock to take, nothing repaired; the damage that made it so comes first.
        final List<String> problems = new ArrayList<>();
        if (logDamage != null)
        {
            problems.add(logDamage);
        }
        problems.addAll(checker.check(false));
        return problems;
    }

    @Override
    public Optional<String> readOnlyReason()
    {
        return Optional.ofNullable(readOnlyReason);
    }

    /**
     * The group was opened read-only, for {@code reason}; {@code damage} is the damage of its committed redo log,
     * if that is what it is open read-only beside.
     */
    void readOnly(final String reason, final String damage)
    {
        this.readOnlyReason = reason;
        this.logDamage = damage;
    }

    /**
     * Log every size writes changed and make the log and the volumes durable (unless fenced), stop coordinating,
     * then close the devices.
     */
    @Override
    public FileRangeLock tryLockRange(final long fileId, final long position, final long size, final boolean shared)
    {
        metaLock.checkOpen();
        return coordinator.tryLockRange(fileId, position, size, shared);
    }

    @Override
    public void close()
    {
        if (metaLock.isClosed())
        {
            return;
        }
        try
        {
            if (!coordinator.gate().isClosed())
            {
                runner.mutate("close", () ->
                {
                    for (final Node node : namespace.nodesSnapshot())
                    {
                        space.logSizeIfDirty(node);
                    }
                    runner.flushLog();
                    return null;
                });
                volumes.flushDevices();
            }
        }
        finally
        {
            coordinator.close(); // before the metadata lock: its agent may be refreshing, which takes that lock
            metaLock.close(volumes::closeDevices);
        }
    }

    // ----------------------------------------------------------------------------------------- namespace

    Namespace.Lookup lookup(final List<String> components, final boolean followLast, final String pathForErrors)
    {
        return namespace.lookup(components, followLast, pathForErrors);
    }

    Node create(final Node parent, final String childName, final FileType type, final String target,
        final String pathForErrors)
    {
        return namespace.create(parent, childName, type, target, pathForErrors);
    }

    void remove(final Node node, final boolean recursive, final String pathForErrors)
    {
        namespace.remove(node, recursive, pathForErrors);
    }

    void rename(final Node node, final Node newParent, final String newName, final String oldPath,
        final String newPath)
    {
        namespace.rename(node, newParent, newName, oldPath, newPath);
    }

    List<FileStat> list(final Node directory, final String pathForErrors)
    {
        return namespace.list(directory, pathForErrors);
    }

    FileStat stat(final Node node)
    {
        return namespace.stat(node);
    }

    FileHandle open(final Node node, final String path, final boolean writable, final boolean append)
    {
        return namespace.open(node, path, writable, append);
    }
}
