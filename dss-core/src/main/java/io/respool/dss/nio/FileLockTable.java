package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.FileRangeLock;
import io.respool.dss.config.DssHome;
import io.respool.dss.config.StorageMode;
import io.respool.dss.config.VgConfig;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file locks of one DSS instance (one {@link DssFileSystem}), and where they are held across instances.
 * <p>
 * Within the instance, as the JDK does within a JVM: a lock that overlaps one held (or being waited for) on the same
 * file, through any channel, throws {@link OverlappingFileLockException}. Across the instances of a volume group, in
 * {@code STORAGE_MODE=DISK}: each lock is an {@link OfdRangeLock} on the same byte range of
 * {@code <_DISK_LOCK_FILE_PATH>/dss_flock_<entry volume name>_<file id>}, one local file per DSS file, named by the
 * file's id so that a rename keeps its locks. The kernel drops the locks of an instance that dies. This holds
 * where the VG lock holds: instances on one host, sharing one lock directory. Lock files are never deleted:
 * removing one while another instance opens it would split the lock. In {@code SHARE_DISK} (and
 * {@code CLUSTER_RAID}) the instances are on different hosts: each lock is a record in the instance's slot of the
 * entry volume's file-lock table ({@link io.respool.dss.VolumeGroup#tryLockRange}), void once its holder's
 * heartbeat stood still for the expiry.
 */
final class FileLockTable
{
    /** A DSS file among the volume groups of the home: its volume group and its id there. */
    record Key(String volumeGroup, long fileId)
    {
    }

    /** How long a blocked lock waits before trying again in DISK mode: the kernel's OFD wait cannot be interrupted. */
    static final long OFD_POLL_NS = 1_000_000;
    /** The same in SHARE_DISK: each try reads the file-lock table, 256 KiB. */
    static final long SHARED_POLL_NS = 10_000_000;

    private final StorageMode storageMode;
    private final Path lockDirectory;
    private final Dss dss;
    private final Map<String, String> entryVolumeNames = new HashMap<>();
    private final Map<Key, List<DssFileLock>> locks = new HashMap<>();

    FileLockTable(final DssHome home, final Dss dss)
    {
        this.dss = dss;
        this.storageMode = home.instance().storageMode();
        this.lockDirectory = home.instance().diskLockFilePath();
        for (final VgConfig.Entry entry : home.vgConfig().entries())
        {
            entryVolumeNames.put(entry.name(), entry.entryVolume().getFileName().toString());
        }
    }

    /**
     * Reserve a range in this instance, before it is taken across instances.
     *
     * @throws OverlappingFileLockException if it overlaps a range of the file reserved in this instance.
     */
    DssFileLock reserve(final FileChannel channel, final Key key, final long position, final long size,
        final boolean shared, final String path)
    {
        synchronized (locks)
        {
            final List<DssFileLock> held = locks.computeIfAbsent(key, k -> new ArrayList<>());
            for (final DssFileLock lock : held)
            {
                if (lock.overlaps(position, size))
                {
                    throw new OverlappingFileLockException();
                }
            }
            final DssFileLock lock = new DssFileLock(channel, this, key, position, size, shared);
            held.add(lock);
            return lock;
        }
    }

    /**
     * One attempt at a range reserved in this instance, across the instances of the volume group.
     *
     * @return the lock, or null if another instance holds an overlapping one.
     */
    FileRangeLock tryAcross(final Key key, final long position, final long size, final boolean shared)
        throws IOException
    {
        if (storageMode == StorageMode.DISK)
        {
            return OfdRangeLock.tryLock(lockFileOf(key), position, size, shared);
        }
        try
        {
            return dss.volumeGroup(key.volumeGroup()).tryLockRange(key.fileId(), position, size, shared);
        }
        catch (final DssException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
    }

    /**
     * @return how long a blocked {@code lock} waits before it tries again.
     */
    long pollNanos()
    {
        return storageMode == StorageMode.DISK ? OFD_POLL_NS : SHARED_POLL_NS;
    }

    void remove(final DssFileLock lock)
    {
        synchronized (locks)
        {
            final List<DssFileLock> held = locks.get(lock.key());
            if (held != null && held.remove(lock) && held.isEmpty())
            {
                locks.remove(lock.key());
            }
        }
    }

    Path lockFileOf(final Key key) throws IOException
    {
        final String entryVolume = entryVolumeNames.get(key.volumeGroup());
        Files.createDirectories(lockDirectory);
        return lockDirectory.resolve("dss_flock_" + entryVolume + "_" + key.fileId());
    }
}
