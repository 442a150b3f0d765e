package io.respool.dss.config;

/**
 * How instances sharing a volume group exclude each other when they change metadata ({@code STORAGE_MODE}).
 */
public enum StorageMode
{
    /** A file lock in {@code _DISK_LOCK_FILE_PATH}, shared by all instances on one host. The default. */
    DISK,
    /** A lease on the entry volume itself; needs no shared file system. */
    SHARE_DISK,
    /** A SCSI disk lock in openGauss; treated as SHARE_DISK here. */
    CLUSTER_RAID
}
