package io.respool.dss;

/**
 * Attributes of a file, directory or link.
 *
 * @param name          last path component (the VG name for a VG root).
 * @param type          file, directory or link.
 * @param size          logical length in bytes (for a link, the length of its target).
 * @param writtenSize   one past the highest byte ever written by a write (not by truncate or allocate).
 * @param allocatedSize bytes of allocation units held.
 * @param createTimeMs  creation time, ms since the epoch.
 * @param updateTimeMs  last modification time, ms since the epoch.
 * @param id            node id, unique within the volume group and never reused.
 */
public record FileStat(
    String name, FileType type, long size, long writtenSize, long allocatedSize, long createTimeMs, long updateTimeMs,
    long id)
{
}
