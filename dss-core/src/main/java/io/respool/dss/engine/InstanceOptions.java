package io.respool.dss.engine;

import io.respool.dss.config.DssHome;
import io.respool.dss.config.StorageMode;
import io.respool.dss.format.EntryVolumeLayout;

import java.nio.file.Path;

/**
 * Who this instance is among those sharing a volume group, and how they exclude each other.
 *
 * @param instanceId    {@code INST_ID}, 0 to 63.
 * @param storageMode   {@code STORAGE_MODE}: DISK takes a file lock in {@code lockDirectory}; SHARE_DISK (and
 *                      CLUSTER_RAID) a lease on the entry volume.
 * @param lockDirectory {@code _DISK_LOCK_FILE_PATH}: must be the same for every instance on the host.
 * @param leasePeriodMs how long a SHARE_DISK lease outlives its holder's last renewal.
 * @param acceptLogLossAt {@link #NO_LOSS_ACCEPTED}, or the LSN where an operator accepts that the redo log is
 *                      damaged inside its committed part: open then loses every change from it on, instead of
 *                      refusing. Only that exact LSN, the one open's refusal names, is accepted.
 * @param readOnly      open for reading only: the volumes are opened read-only, no lock is taken, nothing is
 *                      written, and every change and data write is refused. A group whose committed redo log is
 *                      damaged, which open otherwise refuses, opens this way as of the last intact record, and
 *                      every refusal names the damage.
 */
public record InstanceOptions(int instanceId, StorageMode storageMode, Path lockDirectory, int leasePeriodMs,
    long acceptLogLossAt, boolean readOnly)
{
    /** No damage to the committed redo log is accepted: open refuses it. */
    public static final long NO_LOSS_ACCEPTED = -1;

    public InstanceOptions
    {
        if (instanceId < 0 || instanceId >= EntryVolumeLayout.MAX_INSTANCES)
        {
            throw new IllegalArgumentException("instance id out of range: instanceId=" + instanceId + ", range=[0," +
                (EntryVolumeLayout.MAX_INSTANCES - 1) + "]");
        }
    }

    /**
     * Instance 0, DISK mode, lock files in /tmp: openGauss's defaults.
     */
    public static InstanceOptions defaults()
    {
        return new InstanceOptions(0, StorageMode.DISK, Path.of("/tmp"), LeaseVgLock.DEFAULT_PERIOD_MS,
            NO_LOSS_ACCEPTED, false);
    }

    public static InstanceOptions of(final DssHome home)
    {
        return new InstanceOptions(home.instance().instanceId(), home.instance().storageMode(),
            home.instance().diskLockFilePath(), LeaseVgLock.DEFAULT_PERIOD_MS, NO_LOSS_ACCEPTED, false);
    }

    public InstanceOptions withInstanceId(final int id)
    {
        return new InstanceOptions(id, storageMode, lockDirectory, leasePeriodMs, acceptLogLossAt, readOnly);
    }

    public InstanceOptions withStorageMode(final StorageMode mode)
    {
        return new InstanceOptions(instanceId, mode, lockDirectory, leasePeriodMs, acceptLogLossAt, readOnly);
    }

    public InstanceOptions withLockDirectory(final Path directory)
    {
        return new InstanceOptions(instanceId, storageMode, directory, leasePeriodMs, acceptLogLossAt, readOnly);
    }

    /**
     * @param lsn the LSN of the damage, as open's refusal names it: the changes from it on are given up.
     */
    public InstanceOptions withAcceptLogLossAt(final long lsn)
    {
        return new InstanceOptions(instanceId, storageMode, lockDirectory, leasePeriodMs, lsn, readOnly);
    }

    /**
     * @param value open for reading only; see {@link #readOnly}.
     */
    public InstanceOptions withReadOnly(final boolean value)
    {
        return new InstanceOptions(instanceId, storageMode, lockDirectory, leasePeriodMs, acceptLogLossAt, value);
    }
}
