package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDeviceException;
import io.respool.blockdev.DeviceLock;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.Checksums;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.VolumeHeader;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Creates a volume group ({@code dsscmd cv}). Writes metadata only, a few KiB, so a 2 TiB sparse image is formatted
 * in milliseconds and stays sparse. The volume header is written last: a crash part-way leaves no volume group
 * behind, and {@code cv} can simply be run again. The volume is held exclusively ({@link DeviceLock}) from the check
 * that it belongs to no volume group until its header is written, so two {@code cv} racing on one volume cannot both
 * succeed: the second finds the volume in use, or already in the first one's group.
 */
public final class VolumeGroupFormatter
{
    private static final long LOG_GRANULE = 64 * 1024;

    private VolumeGroupFormatter()
    {
    }

    /**
     * Format {@code entryVolume} as the entry volume of a new volume group.
     *
     * @param auSize allocation unit in bytes: a power of two from 2 MiB to 64 MiB.
     */
    public static void format(final String vgName, final Path entryVolume, final int auSize, final Volumes volumes)
    {
        format(vgName, entryVolume, auSize, EntryVolumeLayout.DEFAULT_LOG_LENGTH, volumes);
    }

    /**
     * Format with a redo log of {@code logLength} bytes, rounded up to 64 KiB; it starts at AU 1 and takes whole AUs
     * (tests use small logs to force checkpoints and wrap-around).
     */
    public static void format(final String vgName, final Path entryVolume, final int auSize, final long logLength,
        final Volumes volumes)
    {
        Names.checkName(vgName, "volume group name");
        checkAuSize(auSize);
        try (BlockDevice device = volumes.open(entryVolume); DeviceLock ignored = holdForFormat(entryVolume, vgName))
        {
            refuseIfInVolumeGroup(device, entryVolume);
            final long auCount = device.size() / auSize;
            final long logBytes = Math.max(LOG_GRANULE, (logLength + LOG_GRANULE - 1) / LOG_GRANULE * LOG_GRANULE);
            final long logAus = (logBytes + auSize - 1) / auSize;
            final long minimumAus = 1 + logAus + 2 + 1;
            if (auCount < minimumAus)
            {
                throw new DssException(ErrorCode.INVALID_ARGUMENT, "volume too small for a volume group: volume=" +
                    entryVolume + ", size=" + device.size() + ", needed=" + minimumAus * auSize + " (" + minimumAus +
                    " AUs of " + auSize + " bytes: system area, redo log, two checkpoint slots, data)");
            }
            final long now = System.currentTimeMillis();
            final UUID vgUuid = UUID.randomUUID();
            final MetadataState state = new MetadataState(auSize);
            state.createRoot(vgName, now);
            state.volumes[0] = new VolumeEntry(0, UUID.randomUUID(), auCount, entryVolume.toString());
            final long checkpointAu = 1 + logAus;
            reserveMetadata(device, entryVolume, auSize, logBytes, checkpointAu);

            final ExpandableArrayBuffer checkpoint = new ExpandableArrayBuffer(4096);
            final int checkpointLength = CheckpointCodec.encode(state, 0, checkpoint);
            device.write((long)checkpointAu * auSize, checkpoint, 0, alignUp(checkpointLength, device.alignment()));

            final RootStore roots = new RootStore(device);
            roots.root().initialise()
                .vgUuid(vgUuid)
                .vgName(vgName)
                .auSize(auSize)
                .activeSlot(0)
                .logEpoch(UUID.randomUUID().getMostSignificantBits())
                .logOffset(auSize)
                .logLength(logBytes)
                .checkpointLsn(0)
                .checkpointLength(checkpointLength)
                .checkpointCrc(Checksums.crc32c(0, checkpoint, 0, checkpointLength))
                .reservedAreas(EntryVolumeLayout.LEASE_AREA_OFFSET, EntryVolumeLayout.LEASE_AREA_LENGTH,
                    EntryVolumeLayout.INSTANCE_TABLE_OFFSET, EntryVolumeLayout.INSTANCE_TABLE_LENGTH)
                .slotExtents(0, new long[]{EntryVolumeLayout.physicalAu(0, checkpointAu)}, new long[]{1}, 1)
                .slotExtents(1, new long[]{EntryVolumeLayout.physicalAu(0, checkpointAu + 1)}, new long[]{1}, 1);
            device.zero(EntryVolumeLayout.LEASE_AREA_OFFSET,
                EntryVolumeLayout.ROOT_A_OFFSET - EntryVolumeLayout.LEASE_AREA_OFFSET);
            device.zero(EntryVolumeLayout.INSTANCE_TABLE_OFFSET, EntryVolumeLayout.INSTANCE_TABLE_LENGTH);
            device.zero(EntryVolumeLayout.FILE_LOCK_TABLE_OFFSET, EntryVolumeLayout.FILE_LOCK_TABLE_LENGTH);
            device.reserve(0, EntryVolumeLayout.SYSTEM_AREA_LENGTH); // the zeroing gave back what it punched
            device.flush();
            roots.store();

            writeVolumeHeader(device, vgName, vgUuid, state.volumes[0].uuid, 0, auSize, auCount, now);
        }
    }

    /**
     * Give the metadata its own space on the host file system before anything is written: the system area, the
     * redo log and both checkpoint slots. A full host file system can then fail a write of file data, but never a
     * write of the volume group's metadata, so the change that removes the file can always be logged.
     */
    private static void reserveMetadata(
        final BlockDevice device, final Path entryVolume, final int auSize, final long logBytes,
        final long checkpointAu)
    {
        final long logOffset = auSize;
        try
        {
            device.reserve(0, EntryVolumeLayout.SYSTEM_AREA_LENGTH);
            device.reserve(logOffset, logBytes);
            device.reserve(checkpointAu * auSize, 2L * auSize);
        }
        catch (final BlockDeviceException ex)
        {
            throw new DssException(ErrorCode.OUT_OF_SPACE, "no space on the host file system for the volume " +
                "group's metadata: volume=" + entryVolume + ", needed=" +
                (EntryVolumeLayout.SYSTEM_AREA_LENGTH + logBytes + 2L * auSize) + " bytes (system area, redo log, " +
                "two checkpoint slots); free space there, or create the group with a smaller AU size: " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Hold {@code volume} exclusively while it is formatted, or fail naming who holds it.
     */
    static DeviceLock holdForFormat(final Path volume, final String vgName)
    {
        try
        {
            return DeviceLock.tryLock(volume);
        }
        catch (final BlockDeviceException ex)
        {
            throw new DssException(ErrorCode.VOLUME_IN_USE, "cannot format volume for volume group " + vgName +
                ": volume=" + volume + " is held by another process (another dsscmd cv or adv?): " + ex.getMessage(),
                ex);
        }
    }

    static void writeVolumeHeader(final BlockDevice device, final String vgName, final UUID vgUuid,
        final UUID volumeUuid, final int volumeId, final int auSize, final long auCount, final long createdMs)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[VolumeHeader.LENGTH]);
        new VolumeHeader().wrap(buffer).initialise()
            .vgName(vgName)
            .vgUuid(vgUuid)
            .volumeUuid(volumeUuid)
            .volumeId(volumeId)
            .auSize(auSize)
            .volumeSize(auCount * auSize)
            .createdMs(createdMs)
            .seal();
        device.write(0, buffer, 0, VolumeHeader.LENGTH);
        device.flush(0, VolumeHeader.LENGTH);
    }

    /**
     * Refuse a volume that carries a valid header of some volume group.
     */
    static void refuseIfInVolumeGroup(final BlockDevice device, final Path path)
    {
        final VolumeHeader header = readHeader(device);
        if (header.hasMagic())
        {
            try
            {
                header.validate(path.toString());
            }
            catch (final DssException ex)
            {
                return;
            }
            throw new DssException(ErrorCode.ALREADY_EXISTS, "volume already belongs to a volume group: volume=" +
                path + ", vg=" + header.vgName() + ", volumeId=" + header.volumeId() +
                "; remove it from that group first (dsscmd rmv), or if that group is gone for good wipe its header: " +
                "dd if=/dev/zero of=" + path + " bs=4096 count=1 conv=notrunc");
        }
    }

    static VolumeHeader readHeader(final BlockDevice device)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[VolumeHeader.LENGTH]);
        device.read(0, buffer, 0, VolumeHeader.LENGTH);
        return new VolumeHeader().wrap(buffer);
    }

    static void checkAuSize(final int auSize)
    {
        if (auSize < EntryVolumeLayout.MIN_AU_SIZE || auSize > EntryVolumeLayout.MAX_AU_SIZE ||
            Integer.bitCount(auSize) != 1)
        {
            throw new DssException(ErrorCode.INVALID_ARGUMENT, "invalid AU size: auSize=" + auSize / 1024 +
                "KB; it must be a power of two from 2048KB (2MB) to 65536KB (64MB), default 8192KB");
        }
    }

    static int alignUp(final int value, final int alignment)
    {
        return (value + alignment - 1) / alignment * alignment;
    }
}
