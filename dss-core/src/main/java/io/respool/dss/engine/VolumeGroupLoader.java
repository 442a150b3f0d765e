package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.config.StorageMode;
import io.respool.dss.format.FormatException;
import io.respool.dss.format.RootControl;
import io.respool.dss.format.VgHead;
import io.respool.dss.format.VolumeHeader;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.respool.dss.format.EntryVolumeLayout.physicalAu;

/**
 * Opens a volume group and recovers it: checks the disk's identity, loads the root control and the active
 * checkpoint, replays every valid redo record after it, opens the other volumes, seals the log's end, and frees files
 * that were deleted while open before a crash. It also builds the engine's parts, giving each its collaborators.
 */
final class VolumeGroupLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupLoader.class);

    private VolumeGroupLoader()
    {
    }

    /**
     * Several instances may open a volume group at once; see {@link Coordinator} for how they share it.
     *
     * @param expectedName the name the configuration gives the group, or null to accept the name on disk.
     */
    static VolumeGroupEngine open(final String expectedName, final Path entryVolume, final Volumes configured,
        final InstanceOptions options)
    {
        checkExists(expectedName, entryVolume);
        final Volumes volumes = options.readOnly() ? configured.readOnly() : configured;
        BlockDevice entry = null;
        VgLock vgLock = null;
        try
        {
            entry = volumes.open(entryVolume);
            final VolumeHeader header = VolumeGroupFormatter.readHeader(entry).validate(entryVolume.toString());
            checkVolumeSize(entry, header);
            if (header.volumeId() != 0)
            {
                throw new DssException(ErrorCode.INVALID_ARGUMENT, "not an entry volume: volume=" + entryVolume +
                    ", vg=" + header.vgName() + ", volumeId=" + header.volumeId() +
                    "; dss_vg_conf.ini must name the volume the group was created on (dsscmd cv -v)");
            }
            if (expectedName != null && !expectedName.equals(header.vgName()))
            {
                throw new DssException(ErrorCode.CONFIG, "volume group name differs from the disk: configured=" +
                    expectedName + ", onDisk=" + header.vgName() + ", volume=" + entryVolume +
                    "; fix the line in dss_vg_conf.ini");
            }
            final RootStore roots = new RootStore(entry);
            final RootControl root = roots.load(false);
            if (!root.vgUuid().equals(header.vgUuid()))
            {
                throw FormatException.corrupt("root control belongs to another volume group: volume=" + entryVolume +
                    ", header=" + header.vgUuid() + ", root=" + root.vgUuid());
            }
            final MetadataState state = new MetadataState(header.auSize());
            final UnsafeBuffer checkpoint = Checkpointer.read(entry, root, header.auSize());
            final long checkpointLsn = CheckpointCodec.decode(checkpoint, (int)root.checkpointLength(), state);
            if (checkpointLsn != root.checkpointLsn())
            {
                throw FormatException.corrupt("checkpoint LSN differs from the root control: checkpoint=" +
                    checkpointLsn + ", root=" + root.checkpointLsn() + ", volume=" + entryVolume);
            }
            state.volumes[0].attach(entry);
            final long replayedEnd = LogReplay.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(),
                checkpointLsn, (type, buffer, index, ts, lsn) -> state.apply(type, buffer, index, ts));
            final SharedSectors sectors = new SharedSectors(state.volumes[0].io);
            final VgHead head = sectors.readHead();
            final long endLsn = replayToPublishedEnd(entry, root, state, head, replayedEnd);
            final LogDamage damage = committedLoss(entry, root, head, endLsn);
            if (damage != null && damage.damagedLsn != options.acceptLogLossAt() && !options.readOnly())
            {
                throw damage.refusal(header.vgName(), entryVolume.toString(), "the volume group is not opened");
            }
            final RedoLog log = new RedoLog(entry, root.logOffset(), root.logLength(), root.logEpoch(),
                checkpointLsn, endLsn);
            vgLock = options.storageMode() == StorageMode.DISK ?
                new FlockVgLock(options.lockDirectory(), entryVolume, CoordinationClock.SYSTEM) :
                new LeaseVgLock(sectors, options.instanceId(), options.leasePeriodMs(), CoordinationClock.SYSTEM);
            final Coordinator coordinator = new Coordinator(header.vgName(), options.instanceId(), sectors, vgLock,
                CoordinationClock.SYSTEM);
            final String readOnly = options.readOnly() ? readOnlyReason(header.vgName(), entryVolume, damage) : null;
            if (damage != null && readOnly == null)
            {
                acceptLoss(header.vgName(), damage, log, vgLock, sectors, head, options.instanceId(), root);
            }
            log.gate(coordinator.gate());
            log.checkStillHeld(coordinator::checkStillHeld);
            final String name = header.vgName();
            final int auSize = header.auSize();
            final Checkpointer checkpointer = new Checkpointer(name, entry, roots, state, log);
            final MetaLock metaLock = new MetaLock(name);
            final ChangeRunner runner = new ChangeRunner(name, coordinator, state, log, checkpointer);
            final VolumeSet volumeSet = new VolumeSet(name, header.vgUuid(), auSize, volumes, entry, state, log,
                metaLock, runner);
            final FileSpace space = new FileSpace(name, auSize, state, log, metaLock, runner, volumeSet);
            final Namespace namespace = new Namespace(auSize, state, metaLock, runner, coordinator, space);
            final CatchUp catchUp = new CatchUp(name, auSize, entry, roots, state, log, checkpointer, metaLock,
                volumeSet);
            final ConsistencyChecker checker = new ConsistencyChecker(name, header.vgUuid(), entry, roots, state,
                log, checkpointer, metaLock);
            final VolumeGroupEngine engine = new VolumeGroupEngine(name, auSize, coordinator, metaLock, runner,
                volumeSet, space, namespace, checker);
            state.markUsed(physicalAu(0, root.logOffset() / auSize), logAus(root));
            checkpointer.markSlotAus();
            openOtherVolumes(header, state, volumes);
            state.deferFrees();
            if (readOnly != null)
            {
                coordinator.startReadOnly(catchUp, readOnly, damage != null);
                engine.readOnly(readOnly, damage == null ? null :
                    damage.describe(name, entryVolume.toString(), "publishedEnd"));
            }
            else
            {
                start(engine, coordinator, catchUp, namespace);
            }
            return engine;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(entry, vgLock);
            throw ex;
        }
    }

    /**
     * Start coordinating, then free the orphans this instance may free; a failure closes the engine again.
     */
    private static void start(final VolumeGroupEngine engine, final Coordinator coordinator, final CatchUp catchUp,
        final Namespace namespace)
    {
        coordinator.start(catchUp);
        try
        {
            namespace.freeOrphans();
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            throw ex;
        }
    }

    /**
     * Another instance may have appended since the replay passed the records it found: replay what it wrote before
     * publishing {@code head}.
     *
     * @return the end of the log, with the records another instance appended meanwhile applied.
     */
    private static long replayToPublishedEnd(final BlockDevice entry, final RootControl root,
        final MetadataState state, final VgHead head, final long replayedEnd)
    {
        if (!head.isValid() || head.endLsn() <= replayedEnd)
        {
            return replayedEnd;
        }
        return LogReplay.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(), replayedEnd,
            (type, buffer, index, ts, lsn) -> state.apply(type, buffer, index, ts));
    }

    /**
     * The VG head is published only once the log is durable up to its end: a log that ends before it has lost
     * acknowledged changes, and opening for writing would seal the log there and destroy the records after the
     * damage. A checkpoint of another instance may have let the log wrap over the records replayed; then the root
     * has moved, and the catch-up of the first change reloads from the new checkpoint.
     *
     * @return the damage, or null if the log reaches the published end.
     */
    private static LogDamage committedLoss(final BlockDevice entry, final RootControl root, final VgHead head,
        final long end)
    {
        if (!head.isValid() || end >= head.endLsn() || new RootStore(entry).load(false).sequence() != root.sequence())
        {
            return null;
        }
        return LogDamage.scan(entry, root, end, head.endLsn());
    }

    /**
     * An operator accepted the loss at the damage: under the volume-group lock, zero the log from the damage past
     * the published end and publish the end at the damage, so that no instance takes the damage for new loss and
     * nothing given up comes back. Every other instance must be stopped: one that still holds the lost changes in
     * memory would disagree with the log.
     */
    private static void acceptLoss(final String vgName, final LogDamage damage, final RedoLog log,
        final VgLock vgLock, final SharedSectors sectors, final VgHead headBefore, final int instanceId,
        final RootControl root)
    {
        LOG.warn("{}; accepted by the operator (acceptLogLossAt={}): the volume group opens as of that LSN, and the " +
            "log after it is zeroed", damage.describe(vgName, log.devicePath(), "publishedEnd"), damage.damagedLsn);
        vgLock.acquire(VgLockHold.LOCK_TIMEOUT_MS);
        try
        {
            final VgHead head = sectors.readHead();
            if (head.endLsn() != headBefore.endLsn() || head.rootSequence() != headBefore.rootSequence())
            {
                throw new DssException(ErrorCode.VOLUME_IN_USE, "another instance changed the volume group " +
                    "while its log loss was being accepted: vg=" + vgName + ", publishedEnd=" + head.endLsn() +
                    "; stop every other instance of the volume group and open it again");
            }
            log.sealRecoveredEnd(damage.provenEnd);
            sectors.writeHead(SharedSectors.blank(new VgHead()).endLsn(log.durableLsn())
                .checkpointLsn(log.tailLsn()).rootSequence(root.sequence()).writer(instanceId).held(false), true);
        }
        finally
        {
            vgLock.release();
        }
    }

    /**
     * @return why every write of a group opened read-only is refused: the damage of its committed redo log if it
     * has some, as open would have refused it.
     */
    private static String readOnlyReason(final String vgName, final Path entryVolume, final LogDamage damage)
    {
        if (damage == null)
        {
            return "volume group " + vgName + " is open read-only";
        }
        return damage.refusal(vgName, entryVolume.toString(), "it is open read-only and writes nothing")
            .getMessage();
    }

    /**
     * @return AUs the log region takes: it starts at AU 1 and may end inside its last AU.
     */
    static long logAus(final RootControl root)
    {
        return (root.logLength() + root.auSize() - 1) / root.auSize();
    }

    private static void checkExists(final String vgName, final Path entryVolume)
    {
        if (!Files.exists(entryVolume))
        {
            throw new DssException(ErrorCode.NOT_FOUND, "entry volume does not exist: vg=" + vgName + ", volume=" +
                entryVolume + "; check dss_vg_conf.ini, or create the image (truncate -s 10G " + entryVolume +
                ") and the volume group (dsscmd cv)");
        }
    }

    private static void openOtherVolumes(final VolumeHeader entryHeader, final MetadataState state,
        final Volumes volumes)
    {
        for (final VolumeEntry volume : state.volumeList())
        {
            if (volume.id != 0)
            {
                final BlockDevice device = volumes.open(Path.of(volume.path));
                volume.attach(device);
                final VolumeHeader header = VolumeGroupFormatter.readHeader(device).validate(volume.path);
                checkVolumeSize(device, header);
                if (!header.vgUuid().equals(entryHeader.vgUuid()) || header.volumeId() != volume.id ||
                    !header.volumeUuid().equals(volume.uuid))
                {
                    throw new DssException(ErrorCode.CORRUPT, "volume is not the one the group recorded: vg=" +
                        entryHeader.vgName() + ", volume=" + volume.path + ", expectedId=" + volume.id + ", foundVg=" +
                        header.vgName() + ", foundId=" + header.volumeId() + "; was the device path reassigned?");
                }
            }
        }
    }

    private static void checkVolumeSize(final BlockDevice device, final VolumeHeader header)
    {
        if (device.size() < header.volumeSize())
        {
            throw new DssException(ErrorCode.CORRUPT, "volume is smaller than when it joined the group (truncated?): " +
                "volume=" + device.path() + ", vg=" + header.vgName() + ", size=" + device.size() + ", recorded=" +
                header.volumeSize() + "; restore its full size (truncate -s " + header.volumeSize() + " " +
                device.path() + ") if the data is still there");
        }
    }
}
