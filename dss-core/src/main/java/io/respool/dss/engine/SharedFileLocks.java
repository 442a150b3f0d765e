package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileRangeLock;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FenceSector;
import io.respool.dss.format.FileLockSector;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.SectorBlock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * File locks of one instance that hold across the instances of a volume group through the entry volume (SHARE_DISK):
 * each instance lists the ranges it holds in its own slot of the file-lock table ({@link FileLockSector}), and only
 * it writes there. A lock is taken under the volume-group lock, after reading every other slot, so two instances
 * never both take overlapping locks; released by rewriting the own sector, without the volume-group lock.
 * <p>
 * Another instance's records count only while they are its member's (incarnation), its fence has not moved since
 * (generation, unfenced), and its heartbeat is seen to move: one that stood still for {@link #EXPIRY_MS} by this
 * instance's monotonic clock is dead, and its records void. The holder, for its part, counts its locks valid only
 * within half the expiry after its last heartbeat that landed, and once a heartbeat came later than that, or it was
 * fenced, it drops every lock it held (dss-core/DESIGN.md, "File locks through the NIO provider").
 */
final class SharedFileLocks
{
    /** How long a holder's heartbeat must stand still, as another instance sees it, before its locks are void. */
    static final long EXPIRY_MS = 3000;
    /** How often a whole table is read again when a sector was caught mid-write (torn). */
    private static final int TORN_READS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(SharedFileLocks.class);

    /** What the locks need of the rest of the coordination. */
    interface Membership
    {
        boolean isMember();

        long incarnation();
    }

    /** The last heartbeat seen of another instance, and since when (monotonic) it stood still. */
    private record Watch(long incarnation, long heartbeat, long sinceNs)
    {
    }

    private final String vgName;
    private final int instanceId;
    private final SharedSectors sectors;
    private final CoordinationClock clock;
    private final Coordinator coordinator;
    private final Membership membership;
    private final long expiryNs;
    private final Map<Integer, Watch> watches = new HashMap<>();
    private final Held[][] slot = new Held[EntryVolumeLayout.FILE_LOCK_SECTORS][FileLockSector.ENTRIES];
    private boolean confirmed;
    private long confirmedNs;
    /** Rises each time every lock is lost; a lock is valid only within the epoch it was taken in. */
    private long epoch;
    private long fenceGeneration;

    SharedFileLocks(final String vgName, final int instanceId, final SharedSectors sectors,
        final CoordinationClock clock, final Coordinator coordinator, final Membership membership)
    {
        this.vgName = vgName;
        this.instanceId = instanceId;
        this.sectors = sectors;
        this.clock = clock;
        this.coordinator = coordinator;
        this.membership = membership;
        this.expiryNs = TimeUnit.MILLISECONDS.toNanos(EXPIRY_MS);
    }

    /**
     * One attempt; see {@link io.respool.dss.VolumeGroup#tryLockRange}. The table is looked at first without the
     * volume-group lock, so that a waiter polling a held lock does not keep the lock from the others.
     */
    FileRangeLock tryLock(final long fileId, final long position, final long size, final boolean shared)
    {
        coordinator.refuseIfReadOnly("file lock on volume group " + vgName);
        if (!membership.isMember())
        {
            throw new DssException(ErrorCode.VOLUME_IN_USE, "file locks on volume group " + vgName + " are taken " +
                "by the process that runs instance " + instanceId + ", and another process runs it; lock through " +
                "that process, or give this one its own INST_ID");
        }
        if (conflicts(fileId, position, size, shared))
        {
            return null;
        }
        coordinator.enter();
        try
        {
            final FenceGate gate = coordinator.gate();
            gate.enter("file lock on volume group " + vgName);
            try
            {
                if (conflicts(fileId, position, size, shared))
                {
                    return null;
                }
                final FenceSector fence = sectors.readFence(instanceId);
                return record(fileId, position, size, shared, fence.isValid() ? fence.generation() : 0);
            }
            finally
            {
                gate.exit();
            }
        }
        finally
        {
            coordinator.exit();
        }
    }

    private synchronized Held record(final long fileId, final long position, final long size, final boolean shared,
        final long generation)
    {
        checkHeartbeat();
        if (generation != fenceGeneration)
        {
            lose("the fence generation moved from " + fenceGeneration + " to " + generation, false);
            fenceGeneration = generation;
        }
        for (int s = 0; s < slot.length; s++)
        {
            for (int e = 0; e < FileLockSector.ENTRIES; e++)
            {
                if (slot[s][e] == null)
                {
                    final Held held = new Held(fileId, position, size, shared, s, e, epoch);
                    slot[s][e] = held;
                    try
                    {
                        coordinator.checkStillHeld(); // the lease: nobody else may be taking a lock right now
                        checkHeartbeat();
                        write(s);
                    }
                    catch (final RuntimeException ex)
                    {
                        slot[s][e] = null; // a record that did land only keeps others off until this one's next write
                        throw ex;
                    }
                    return held;
                }
            }
        }
        throw new DssException(ErrorCode.OUT_OF_SPACE, "no room for another file lock: instance " + instanceId +
            " holds " + slot.length * FileLockSector.ENTRIES + " on volume group " + vgName +
            "; release some first");
    }

    private void checkHeartbeat()
    {
        if (!holderValid())
        {
            throw new DssException(ErrorCode.VOLUME_IN_USE, "file lock refused: this instance's heartbeat is late " +
                "(instance " + instanceId + ", volume group " + vgName + ", last landed " + (confirmed ?
                TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - confirmedNs) + " ms ago" : "never") +
                ", expiry " + EXPIRY_MS + " ms); other instances may take its locks; retry");
        }
    }

    private boolean holderValid()
    {
        return confirmed && clock.nanoTime() - confirmedNs < expiryNs / 2;
    }

    /**
     * This process became the instance's member: whatever its slot holds is an earlier incarnation's (void) or, on a
     * device used before, not a lock at all. Cleared, so that no reader has to wait for it.
     */
    void joined()
    {
        final FenceGate gate = coordinator.gate();
        if (gate.tryEnter())
        {
            try
            {
                sectors.clearFileLockSlot(instanceId);
            }
            finally
            {
                gate.exit();
            }
        }
    }

    /**
     * The member's heartbeat write that started at {@code startNs} (monotonic) has landed. One that started later
     * than half the expiry after the last may have come after another instance found this one dead.
     */
    synchronized void heartbeatLanded(final long startNs)
    {
        if (confirmed && startNs - confirmedNs >= expiryNs / 2)
        {
            lose("this instance's heartbeat came " + TimeUnit.NANOSECONDS.toMillis(startNs - confirmedNs) +
                " ms after the last (expiry " + EXPIRY_MS + " ms): another instance may have taken its locks", true);
        }
        confirmedNs = startNs;
        confirmed = true;
    }

    /**
     * The instance was fenced: its records are void (their fence generation is old), and its locks lost.
     */
    synchronized void fenced()
    {
        lose("the instance was fenced", false);
    }

    /**
     * The volume group closes: every lock is lost, and the member sector, left with pid 0, voids the records.
     */
    synchronized void close()
    {
        lose("the volume group was closed", false);
    }

    private void lose(final String why, final boolean erase)
    {
        boolean any = false;
        for (int s = 0; s < slot.length; s++)
        {
            boolean inSector = false;
            for (int e = 0; e < FileLockSector.ENTRIES; e++)
            {
                inSector |= slot[s][e] != null;
                slot[s][e] = null;
            }
            any |= inSector;
            if (inSector && erase)
            {
                writeQuietly(s);
            }
        }
        epoch++;
        if (any)
        {
            LOG.warn("file locks lost: vg={}, instance={}: {}", vgName, instanceId, why);
        }
    }

    private synchronized void release(final Held held)
    {
        if (held.epoch != epoch || slot[held.sector][held.entry] != held)
        {
            return;
        }
        slot[held.sector][held.entry] = null;
        writeQuietly(held.sector);
    }

    /**
     * Rewrite sector {@code s} of this instance's slot, unless fenced (then the records are void already); a failure
     * leaves the old records, which only keep others off until the next write of the sector or this one's death.
     */
    private void writeQuietly(final int s)
    {
        final FenceGate gate = coordinator.gate();
        if (!gate.tryEnter())
        {
            return;
        }
        try
        {
            write(s);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("file-lock sector not rewritten: vg={}, instance={}, sector={}: {}", vgName, instanceId, s,
                ex.toString());
        }
        finally
        {
            gate.exit();
        }
    }

    private void write(final int s)
    {
        final FileLockSector sector = SharedSectors.blank(new FileLockSector())
            .incarnation(membership.incarnation()).fenceGeneration(fenceGeneration);
        for (final Held held : slot[s])
        {
            if (held != null)
            {
                sector.add(held.fileId, held.position, held.size, held.shared);
            }
        }
        sectors.writeFileLock(instanceId, s, sector);
    }

    /**
     * @return true if another instance that may be alive holds a lock that conflicts with this one.
     */
    private boolean conflicts(final long fileId, final long position, final long size, final boolean shared)
    {
        for (int read = 1; ; read++)
        {
            final UnsafeBuffer table = sectors.readFileLockTable();
            boolean torn = false;
            for (int other = 0; other < EntryVolumeLayout.MAX_INSTANCES; other++)
            {
                if (other == instanceId)
                {
                    continue;
                }
                final Verdict verdict = look(table, other, fileId, position, size, shared);
                if (verdict == Verdict.CONFLICT)
                {
                    return true;
                }
                torn |= verdict == Verdict.TORN;
            }
            if (!torn)
            {
                return false;
            }
            if (read == TORN_READS)
            {
                return true; // a live instance's sector stays unreadable: it may hold anything
            }
        }
    }

    private enum Verdict
    {
        FREE, CONFLICT, TORN
    }

    private Verdict look(final UnsafeBuffer table, final int other, final long fileId, final long position,
        final long size, final boolean shared)
    {
        final int base = other * EntryVolumeLayout.FILE_LOCK_SLOT_LENGTH;
        final FileLockSector sector = new FileLockSector();
        boolean torn = false;
        for (int s = 0; s < EntryVolumeLayout.FILE_LOCK_SECTORS; s++)
        {
            sector.wrap(table, base + s * SectorBlock.LENGTH);
            if (sector.isEmpty())
            {
                continue;
            }
            if (!sector.isValid())
            {
                torn = true;
                continue;
            }
            for (int e = 0; e < sector.count(); e++)
            {
                if (sector.fileId(e) == fileId && sector.overlaps(e, position, size) && !(shared && sector.shared(e)) &&
                    alive(other, sector.incarnation(), sector.fenceGeneration()))
                {
                    return Verdict.CONFLICT;
                }
            }
        }
        return torn && alive(other, Long.MIN_VALUE, Long.MIN_VALUE) ? Verdict.TORN : Verdict.FREE;
    }

    /**
     * @param incarnation of the records; {@code Long.MIN_VALUE}: whichever the member has now.
     * @return true if records of {@code other} written by {@code incarnation} under fence {@code generation} still
     * count: that member runs, its fence has not moved, and its heartbeat moved within the expiry.
     */
    private boolean alive(final int other, final long incarnation, final long generation)
    {
        final MemberSector member = sectors.readMember(other);
        if (!member.isValid() || member.pid() == 0 ||
            incarnation != Long.MIN_VALUE && member.incarnation() != incarnation)
        {
            return false;
        }
        final FenceSector fence = sectors.readFence(other);
        if (fence.isValid() && fence.fenced() ||
            generation != Long.MIN_VALUE && (fence.isValid() ? fence.generation() : 0) != generation)
        {
            return false;
        }
        final long nowNs = clock.nanoTime();
        synchronized (watches)
        {
            final Watch watch = watches.get(other);
            if (watch == null || watch.incarnation != member.incarnation() || watch.heartbeat != member.heartbeat())
            {
                watches.put(other, new Watch(member.incarnation(), member.heartbeat(), nowNs));
                return true;
            }
            return nowNs - watch.sinceNs <= expiryNs;
        }
    }

    /** A lock this instance holds: its place in the slot, and the epoch it was taken in. */
    private final class Held implements FileRangeLock
    {
        private final long fileId;
        private final long position;
        private final long size;
        private final boolean shared;
        private final int sector;
        private final int entry;
        private final long epoch;

        Held(final long fileId, final long position, final long size, final boolean shared, final int sector,
            final int entry, final long epoch)
        {
            this.fileId = fileId;
            this.position = position;
            this.size = size;
            this.shared = shared;
            this.sector = sector;
            this.entry = entry;
            this.epoch = epoch;
        }

        @Override
        public boolean isValid()
        {
            synchronized (SharedFileLocks.this)
            {
                return slot[sector][entry] == this && holderValid();
            }
        }

        @Override
        public void release()
        {
            SharedFileLocks.this.release(this);
        }
    }
}
