package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.format.RootControl;
import io.respool.dss.format.VgHead;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.respool.dss.format.EntryVolumeLayout.physicalAu;

/**
 * Brings this instance's metadata up to what other instances committed to the shared log: replays their records,
 * or reloads a checkpoint one of them wrote past log this instance never read. This is what the {@link Coordinator}
 * asks of the engine, under the volume-group lock or while refreshing; each catch-up holds the metadata write lock.
 */
final class CatchUp implements Coordinator.Engine
{
    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

    private final String vgName;
    private final int auSize;
    private final BlockDevice entry;
    private final RootStore roots;
    private final MetadataState state;
    private final RedoLog log;
    private final Checkpointer checkpointer;
    private final MetaLock metaLock;
    private final VolumeSet volumes;

    CatchUp(final String vgName, final int auSize, final BlockDevice entry, final RootStore roots,
        final MetadataState state, final RedoLog log, final Checkpointer checkpointer, final MetaLock metaLock,
        final VolumeSet volumes)
    {
        this.vgName = vgName;
        this.auSize = auSize;
        this.entry = entry;
        this.roots = roots;
        this.state = state;
        this.log = log;
        this.checkpointer = checkpointer;
        this.metaLock = metaLock;
        this.volumes = volumes;
    }

    @Override
    public void catchUp(final VgHead head, final boolean holdingLock)
    {
        metaLock.writeLock().lock();
        try
        {
            final boolean headValid = head.isValid();
            // Our own frees are durable by now (the log is flushed before the lock is released). Apply them before
            // anything of another instance's, which may already have given those AUs to its files or checkpoints.
            state.releaseFrees(log.durableLsn());
            // The taker of the lock always re-reads the root: a holder that died may have switched to a new
            // checkpoint (with slot AUs nobody else knows of) without publishing the head.
            final long knownSequence = roots.root().sequence();
            if (holdingLock || (headValid && head.rootSequence() != knownSequence))
            {
                final RootControl root = roots.load(holdingLock);
                if (root.sequence() != knownSequence)
                {
                    log.tail(root.checkpointLsn());
                    checkpointer.reload(root);
                }
            }
            final long from = log.durableLsn();
            final boolean nothingNew = headValid && head.endLsn() == from && !head.held();
            long end;
            try
            {
                end = nothingNew ? from : replayForeign(from);
            }
            catch (final RuntimeException ex)
            {
                // Part of the records may be applied already: rebuild from the checkpoint rather than apply twice.
                LOG.warn("catch-up failed, reloading from the checkpoint: vg={}, error={}", vgName, ex.toString());
                end = reloadFromCheckpoint();
            }
            if (headValid && end < head.endLsn() && from < log.tailLsn())
            {
                end = reloadFromCheckpoint();
            }
            final boolean shortOfPublished = headValid && end < head.endLsn();
            final LogDamage damage = shortOfPublished ? LogDamage.scan(entry, roots.root(), end, head.endLsn()) : null;
            if (damage != null && !holdingLock)
            {
                LOG.warn("{}; run dsscmd check", damage.describe(vgName, entry.path().toString(), "publishedEnd"));
            }
            if (end != from)
            {
                log.advanceTo(end);
            }
            // Checkpoint slots are recorded in the root, not the log, and are newer than any record replayed here:
            // a record replayed may free an AU that a later checkpoint of another instance took for its slot.
            checkpointer.markSlotAus();
            volumes.attachNew();
            if (holdingLock && damage != null)
            {
                // Sealing here would zero the records after the damage, the only copy of those changes.
                throw damage.refusal(vgName, entry.path().toString(), "no metadata change is made");
            }
            if (holdingLock && (!headValid || head.held()))
            {
                log.sealRecoveredEnd();
            }
        }
        finally
        {
            metaLock.writeLock().unlock();
        }
    }

    private long replayForeign(final long from)
    {
        final RootControl root = roots.root();
        state.applyingForeign(true);
        try
        {
            return LogReplay.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(), from,
                (type, buffer, index, ts, lsn) -> state.apply(type, buffer, index, ts));
        }
        finally
        {
            state.applyingForeign(false);
        }
    }

    /**
     * Fell behind a checkpoint that another instance wrote, past log this instance never read: load that
     * checkpoint and the log after it, and carry the result into the live state so open handles keep their nodes.
     */
    private long reloadFromCheckpoint()
    {
        final RootControl root = roots.root();
        final MetadataState fresh = new MetadataState(auSize);
        final UnsafeBuffer checkpoint = Checkpointer.read(entry, root, auSize);
        CheckpointCodec.decode(checkpoint, (int)root.checkpointLength(), fresh);
        final long end = LogReplay.replay(entry, root.logOffset(), root.logLength(), root.logEpoch(),
            root.checkpointLsn(), (type, buffer, index, ts, lsn) -> fresh.apply(type, buffer, index, ts));
        state.adopt(fresh);
        state.markUsed(physicalAu(0, root.logOffset() / auSize), VolumeGroupLoader.logAus(root));
        checkpointer.markSlotAus();
        return end;
    }

    @Override
    public long durableLsn()
    {
        return log.durableLsn();
    }

    @Override
    public void flushLog()
    {
        log.awaitDurable(log.appendedLsn());
    }

    @Override
    public void dropStaged(final String why)
    {
        log.dropStaged(why);
    }

    @Override
    public long tailLsn()
    {
        return log.tailLsn();
    }

    @Override
    public long rootSequence()
    {
        return roots.root().sequence();
    }
}
