package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDeviceException;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.CheckpointDescriptor;
import io.respool.dss.format.Checksums;
import io.respool.dss.format.FormatException;
import io.respool.dss.format.RootControl;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.respool.dss.format.EntryVolumeLayout.auIndexOf;
import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static io.respool.dss.format.EntryVolumeLayout.volumeOf;

/**
 * Writes and reads checkpoints: the whole metadata state as of one LSN, in one of two slots of AUs on the entry
 * volume. A new checkpoint goes to the inactive slot; only once it is durable does the root control switch to it,
 * after which the log before its LSN is free. Slots grow by whole AUs and never shrink. Runs under the engine's
 * metadata write lock.
 */
final class Checkpointer
{
    private final String vgName;
    private final BlockDevice entry;
    private final int auSize;
    private final RootStore roots;
    private final MetadataState state;
    private final RedoLog log;
    private final long[][] slotAus = new long[2][];
    private final long[][] slotCounts = new long[2][];
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private long checkpoints;

    Checkpointer(final String vgName, final BlockDevice entry, final RootStore roots, final MetadataState state,
        final RedoLog log)
    {
        this.vgName = vgName;
        this.entry = entry;
        this.auSize = state.auSize;
        this.roots = roots;
        this.state = state;
        this.log = log;
        for (int slot = 0; slot < 2; slot++)
        {
            slotAus[slot] = slotAus(roots.root(), slot);
            slotCounts[slot] = slotCounts(roots.root(), slot);
        }
    }

    /**
     * Another instance wrote a checkpoint: take the slots from the root control it stored.
     */
    void reload(final RootControl root)
    {
        for (int slot = 0; slot < 2; slot++)
        {
            slotAus[slot] = slotAus(root, slot);
            slotCounts[slot] = slotCounts(root, slot);
        }
        markSlotAus();
    }

    /**
     * Mark both slots' AUs used in the space maps.
     */
    void markSlotAus()
    {
        for (int slot = 0; slot < 2; slot++)
        {
            for (int i = 0; i < slotAus[slot].length; i++)
            {
                state.markUsed(slotAus[slot][i], slotCounts[slot][i]);
            }
        }
    }

    /**
     * Write the state to the inactive checkpoint slot, then switch the root control to it and free the log before
     * it. The caller holds the metadata write lock.
     */
    void checkpoint()
    {
        log.awaitDurable(log.appendedLsn());
        final long lsn = log.appendedLsn();
        final int length = CheckpointCodec.encode(state, lsn, buffer);
        final int alignedLength = VolumeGroupFormatter.alignUp(length, entry.alignment());
        buffer.checkLimit(alignedLength);
        final RootControl root = roots.root();
        final int slot = 1 - root.activeSlot();
        growSlot(slot, alignedLength);
        if (slotAus[slot].length > RootControl.MAX_SLOT_EXTENTS)
        {
            throw new DssException(ErrorCode.OUT_OF_SPACE, "checkpoint slot too fragmented: vg=" + vgName + ", slot=" +
                slot + ", extents=" + slotAus[slot].length + ", max=" + RootControl.MAX_SLOT_EXTENTS +
                "; free space on the entry volume (dsscmd rm)");
        }

        int done = 0;
        for (int i = 0; i < slotAus[slot].length && done < alignedLength; i++)
        {
            final int chunk = (int)Math.min(alignedLength - done, slotCounts[slot][i] * auSize);
            entry.write(auIndexOf(slotAus[slot][i]) * auSize, buffer, done, chunk);
            done += chunk;
        }
        entry.flush();

        final byte[] before = roots.snapshot();
        try
        {
            root.activeSlot(slot)
                .checkpointLsn(lsn)
                .checkpointLength(length)
                .checkpointCrc(Checksums.crc32c(0, buffer, 0, length))
                .slotExtents(slot, slotAus[slot], slotCounts[slot], slotAus[slot].length);
            log.checkWriter(lsn); // writing the slot took time: a paused holder must not switch the root
            roots.store();
        }
        catch (final RuntimeException ex)
        {
            roots.restore(before); // memory must keep naming the slot the disk names as active
            throw ex;
        }
        log.tail(lsn);
        checkpoints++;
    }

    private void growSlot(final int slot, final int length)
    {
        long capacity = 0;
        for (final long count : slotCounts[slot])
        {
            capacity += count * auSize;
        }
        state.releaseFrees(log.durableLsn());
        final SpaceMap space = state.volumes[0].space;
        final long[] runLength = new long[1];
        while (capacity < length)
        {
            final long needed = (length - capacity + auSize - 1) / auSize;
            final long au = space.allocate(needed, runLength);
            if (au < 0)
            {
                throw new DssException(ErrorCode.OUT_OF_SPACE, "no space on the entry volume for a checkpoint: vg=" +
                    vgName + ", neededAus=" + needed + "; delete files (dsscmd rm)");
            }
            reserve(au, runLength[0], needed);
            final int n = slotAus[slot].length;
            slotAus[slot] = Arrays.copyOf(slotAus[slot], n + 1);
            slotCounts[slot] = Arrays.copyOf(slotCounts[slot], n + 1);
            slotAus[slot][n] = physicalAu(0, au);
            slotCounts[slot][n] = runLength[0];
            capacity += runLength[0] * auSize;
        }
    }

    /**
     * Give AUs a slot grows into their own space on the host file system, so that a full one fails the checkpoint
     * here, before anything was written, and not in the middle of the slot.
     */
    private void reserve(final long au, final long count, final long needed)
    {
        try
        {
            entry.reserve(au * auSize, count * auSize);
        }
        catch (final BlockDeviceException ex)
        {
            state.volumes[0].space.markFree(au, count);
            throw new DssException(ErrorCode.OUT_OF_SPACE, "no space on the host file system for a checkpoint: vg=" +
                vgName + ", neededAus=" + needed + "; free space there: " + ex.getMessage(), ex);
        }
    }

    long[][] slotAus()
    {
        return slotAus;
    }

    long[][] slotCounts()
    {
        return slotCounts;
    }

    long checkpoints()
    {
        return checkpoints;
    }

    /**
     * Read the active checkpoint and verify its length and checksum against the root control.
     */
    static UnsafeBuffer read(final BlockDevice entry, final RootControl root, final int auSize)
    {
        final int slot = root.activeSlot();
        final long[] aus = slotAus(root, slot);
        final long[] counts = slotCounts(root, slot);
        final long length = root.checkpointLength();
        long capacity = 0;
        for (final long count : counts)
        {
            capacity += count * auSize;
        }
        if (length < CheckpointDescriptor.HEADER_LENGTH || length > capacity || length > Integer.MAX_VALUE - 4096)
        {
            throw FormatException.corrupt("checkpoint length out of range: volume=" + entry.path() + ", length=" +
                length + ", slotCapacity=" + capacity);
        }
        final int readLength = VolumeGroupFormatter.alignUp((int)length, Math.max(entry.alignment(), 1));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[readLength + auSize]);
        int done = 0;
        for (int i = 0; i < aus.length && done < readLength; i++)
        {
            if (volumeOf(aus[i]) != 0)
            {
                throw FormatException.corrupt("checkpoint slot outside the entry volume: volumeId=" +
                    volumeOf(aus[i]));
            }
            final int chunk = (int)Math.min(readLength - done, counts[i] * auSize);
            entry.read(auIndexOf(aus[i]) * auSize, buffer, done, chunk);
            done += chunk;
        }
        final int crc = Checksums.crc32c(0, buffer, 0, (int)length);
        if (crc != root.checkpointCrc())
        {
            throw FormatException.corrupt("checkpoint checksum mismatch: volume=" + entry.path() + ", slot=" + slot +
                ", offset=" + auIndexOf(aus[0]) * auSize + ", stored=0x" + Integer.toHexString(root.checkpointCrc()) +
                ", computed=0x" + Integer.toHexString(crc));
        }
        return buffer;
    }

    static long[] slotAus(final RootControl root, final int slot)
    {
        final long[] aus = new long[root.slotExtentCount(slot)];
        for (int i = 0; i < aus.length; i++)
        {
            aus[i] = root.slotExtentAu(slot, i);
        }
        return aus;
    }

    static long[] slotCounts(final RootControl root, final int slot)
    {
        final long[] counts = new long[root.slotExtentCount(slot)];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = root.slotExtentCount(slot, i);
        }
        return counts;
    }
}
