package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.VolumeInfo;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.VolumeHeader;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.respool.dss.format.RedoRecordDescriptor.addVolumeMaxLength;
import static io.respool.dss.format.RedoRecordDescriptor.REMOVE_VOLUME_LENGTH;

/**
 * The volumes of one volume group and their devices: listing them with their free space, adding and removing them,
 * and opening the devices of volumes another instance added (closing those it removed).
 */
final class VolumeSet
{
    private final String vgName;
    private final UUID vgUuid;
    private final int auSize;
    private final Volumes opener;
    private final BlockDevice entry;
    private final MetadataState state;
    private final RedoLog log;
    private final MetaLock metaLock;
    private final ChangeRunner runner;

    VolumeSet(final String vgName, final UUID vgUuid, final int auSize, final Volumes opener, final BlockDevice entry,
        final MetadataState state, final RedoLog log, final MetaLock metaLock, final ChangeRunner runner)
    {
        this.vgName = vgName;
        this.vgUuid = vgUuid;
        this.auSize = auSize;
        this.opener = opener;
        this.entry = entry;
        this.state = state;
        this.log = log;
        this.metaLock = metaLock;
        this.runner = runner;
    }

    List<VolumeInfo> list()
    {
        metaLock.writeLock().lock();
        try
        {
            state.releaseFrees(log.durableLsn());
            final List<VolumeInfo> list = new ArrayList<>();
            for (final VolumeEntry volume : state.volumeList())
            {
                list.add(new VolumeInfo(volume.id, pathOf(volume), volume.auCount * auSize,
                    volume.space.freeCount() * auSize));
            }
            return list;
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    VolumeInfo add(final Path volumePath)
    {
        return runner.mutate("add volume", () ->
        {
            final Path path = volumePath.toAbsolutePath().normalize();
            metaLock.writeLock().lock();
            final long lsn;
            final VolumeEntry added;
            try
            {
                metaLock.checkOpen();
                for (final VolumeEntry volume : state.volumeList())
                {
                    if (Path.of(volume.path).toAbsolutePath().normalize().equals(path) || entry.path().equals(path))
                    {
                        throw new DssException(ErrorCode.ALREADY_EXISTS, "volume already in this volume group: vg=" +
                            vgName + ", volume=" + path + ", volumeId=" + volume.id);
                    }
                }
                int id = 1;
                while (id < EntryVolumeLayout.MAX_VOLUMES && state.volumes[id] != null)
                {
                    id++;
                }
                if (id == EntryVolumeLayout.MAX_VOLUMES)
                {
                    throw new DssException(ErrorCode.INVALID_ARGUMENT, "volume group has the maximum number of " +
                        "volumes: vg=" + vgName + ", max=" + EntryVolumeLayout.MAX_VOLUMES);
                }
                final BlockDevice device = opener.open(path);
                try
                {
                    refuseForeignVolume(device, path);
                    final long auCount = device.size() / auSize;
                    if (auCount < 2)
                    {
                        throw new DssException(ErrorCode.INVALID_ARGUMENT, "volume too small: volume=" + path +
                            ", size=" + device.size() + ", needed=" + 2L * auSize + " (two AUs of " + auSize + ")");
                    }
                    final UUID uuid = UUID.randomUUID();
                    VolumeGroupFormatter.writeVolumeHeader(device, vgName, vgUuid, uuid, id, auSize, auCount,
                        System.currentTimeMillis());
                    final int volumeId = id;
                    lsn = runner.commit(RecordType.ADD_VOLUME, addVolumeMaxLength(path.toString().length()),
                        (b, i) -> Records.addVolume(b, i, volumeId, auCount, uuid, path.toString()));
                    added = state.volumes[volumeId];
                    added.attach(device);
                }
                catch (final RuntimeException ex)
                {
                    CloseHelper.quietClose(device);
                    throw ex;
                }
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            return new VolumeInfo(added.id, path, added.auCount * auSize, added.space.freeCount() * auSize);
        });
    }

    private void refuseForeignVolume(final BlockDevice device, final Path path)
    {
        final VolumeHeader header = VolumeGroupFormatter.readHeader(device);
        if (header.hasMagic() && header.vgUuid().equals(vgUuid))
        {
            return; // left by an add that crashed before its record was durable: not a member, safe to reuse
        }
        VolumeGroupFormatter.refuseIfInVolumeGroup(device, path);
    }

    void remove(final Path volumePath)
    {
        runner.mutate("remove volume", () ->
        {
            final Path path = volumePath.toAbsolutePath().normalize();
            final long lsn;
            final VolumeEntry removed;
            metaLock.writeLock().lock();
            try
            {
                metaLock.checkOpen();
                state.releaseFrees(log.durableLsn());
                removed = find(path);
                if (removed.id == 0)
                {
                    throw new DssException(ErrorCode.VOLUME_IN_USE, "the entry volume cannot be removed: vg=" +
                        vgName + ", volume=" + path);
                }
                if (removed.space.usedCount() > 1)
                {
                    throw new DssException(ErrorCode.VOLUME_IN_USE, "volume still holds data: vg=" + vgName +
                        ", volume=" + path + ", usedAus=" + (removed.space.usedCount() - 1) +
                        "; delete or move the files on it first");
                }
                lsn = runner.commit(RecordType.REMOVE_VOLUME, REMOVE_VOLUME_LENGTH, (b, i) -> Records.removeVolume(b, i, removed.id));
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            try
            {
                removed.device.zero(0, VolumeHeader.LENGTH);
                removed.device.flush();
            }
            finally
            {
                CloseHelper.quietClose(removed.device);
            }
            return null;
        });
    }

    private VolumeEntry find(final Path path)
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            if (pathOf(volume).toAbsolutePath().normalize().equals(path))
            {
                return volume;
            }
        }
        throw new DssException(ErrorCode.NOT_FOUND, "volume not in the volume group: vg=" + vgName + ", volume=" +
            path + "; dsscmd lsvg -t d lists its volumes");
    }

    private Path pathOf(final VolumeEntry volume)
    {
        return volume.id == 0 ? entry.path() : Path.of(volume.path);
    }

    /**
     * Open the devices of volumes that another instance added, close those it removed. The caller holds the
     * metadata write lock.
     */
    void attachNew()
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            if (volume.device == null)
            {
                volume.attach(opener.open(Path.of(volume.path)));
            }
        }
        state.closeRemovedDevices();
    }

    /**
     * Make the data written to every volume durable.
     */
    void flushDevices()
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            volume.device.flush();
        }
    }

    /**
     * Close every volume's device. The caller holds the metadata write lock.
     */
    void closeDevices()
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            CloseHelper.quietClose(volume.device);
        }
    }
}
