package io.respool.dss;

import java.nio.file.Path;

/**
 * One volume of a volume group, as {@code dsscmd lsvg -t d} shows it.
 *
 * @param id         volume id within the group, 0 for the entry volume.
 * @param path       path of the image file or block device.
 * @param size       usable bytes (whole allocation units).
 * @param freeBytes  bytes in free allocation units.
 */
public record VolumeInfo(int id, Path path, long size, long freeBytes)
{
    public long usedBytes()
    {
        return size - freeBytes;
    }
}
