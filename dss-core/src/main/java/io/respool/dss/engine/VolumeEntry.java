package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;

import java.util.UUID;

/**
 * One volume of the group in the metadata state: identity and size as logged, the device once opened, and its
 * space map.
 */
final class VolumeEntry
{
    final int id;
    final UUID uuid;
    final long auCount;
    final String path;
    final SpaceMap space;
    BlockDevice device;
    DeviceIo io;

    VolumeEntry(final int id, final UUID uuid, final long auCount, final String path)
    {
        this.id = id;
        this.uuid = uuid;
        this.auCount = auCount;
        this.path = path;
        this.space = new SpaceMap(id, auCount);
        space.markUsed(0, 1);
    }

    void attach(final BlockDevice device)
    {
        this.device = device;
        this.io = new DeviceIo(device);
    }
}
