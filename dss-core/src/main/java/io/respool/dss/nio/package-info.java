/**
 * A {@code java.nio.file} provider for DSS, scheme {@code dss}: ordinary Java code reads and writes DSS files
 * through {@link java.nio.file.Files} and {@link java.nio.channels.FileChannel}.
 * <p>
 * File locks ({@code FileChannel.lock}/{@code tryLock}) hold across the instances of a volume group: in
 * {@code STORAGE_MODE=DISK} Linux OFD locks on per-file lock files in {@code _DISK_LOCK_FILE_PATH}, released by the
 * kernel when an instance dies; in {@code SHARE_DISK} records in the instance's slot of the entry volume's file-lock
 * table, void once its heartbeat stood still for the expiry ({@code FileLockTable}). Directories open for
 * reading, to be forced; {@code map} works {@code READ_ONLY}, as a copy. Lucene's {@code FSDirectory.open} works
 * unchanged on a DSS path. See {@code dss-core/DESIGN.md}.
 */
package io.respool.dss.nio;
