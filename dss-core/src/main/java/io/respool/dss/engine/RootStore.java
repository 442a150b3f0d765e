package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.FormatException;
import io.respool.dss.format.RootControl;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the two copies of the root control block. A write goes to copy A, is flushed, then to copy B and
 * is flushed, each with a higher sequence: whichever copy a crash tears, the other is whole. A copy found torn or
 * damaged is rewritten from the whole one the next time the root is loaded under the volume-group lock (the first
 * change after open, or a check), so that the volume group never runs for long on a single copy (the next checkpoint
 * may be many commits away).
 */
final class RootStore
{
    private static final Logger LOG = LoggerFactory.getLogger(RootStore.class);

    private final BlockDevice device;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[RootControl.LENGTH]);
    private final RootControl root = new RootControl().wrap(buffer);
    private final List<String> repairs = new ArrayList<>();

    RootStore(final BlockDevice device)
    {
        this.device = device;
    }

    /**
     * Load the valid copy with the highest sequence.
     *
     * @param mayRepair true only while this instance holds the volume-group lock inside the fence gate: then an
     *                  invalid copy is rewritten from the valid one. Without the lock a rewrite could race the
     *                  holder's own root store, or come from an instance already fenced off.
     * @return the root control, a flyweight over this store's buffer.
     * @throws FormatException naming both copies' faults if neither is valid.
     */
    RootControl load(final boolean mayRepair)
    {
        final String reasonA = read(0);
        final long sequenceA = reasonA == null ? root.sequence() : -1;
        final String reasonB = read(1);
        final long sequenceB = reasonB == null ? root.sequence() : -1;
        if (sequenceA < 0 && sequenceB < 0)
        {
            throw FormatException.corrupt("both root control copies are invalid: volume=" + device.path() +
                ", copyA(offset=" + EntryVolumeLayout.ROOT_A_OFFSET + ")=" + reasonA +
                ", copyB(offset=" + EntryVolumeLayout.ROOT_B_OFFSET + ")=" + reasonB +
                "; the volume group cannot be opened: restore the volume from a backup");
        }
        if (sequenceA > sequenceB)
        {
            read(0);
        }
        if (mayRepair && (reasonA != null || reasonB != null))
        {
            repair(reasonA != null ? 0 : 1, reasonA != null ? reasonA : reasonB);
        }
        return root;
    }

    /**
     * Rewrite the invalid copy {@code copy} from the valid one in the buffer.
     */
    private void repair(final int copy, final String reason)
    {
        if (device.isReadOnly())
        {
            return;
        }
        device.write(EntryVolumeLayout.rootOffset(copy), buffer, 0, RootControl.LENGTH);
        device.flush(EntryVolumeLayout.rootOffset(copy), RootControl.LENGTH);
        final String repair = "root control copy " + (copy == 0 ? "A" : "B") + " is invalid: " + reason +
            " (found when the root was loaded, and rewritten from the other copy: offset=" +
            EntryVolumeLayout.rootOffset(copy) + ", sequence=" + root.sequence() + ")";
        LOG.warn("{}: volume={}", repair, device.path());
        synchronized (repairs)
        {
            repairs.add(repair);
        }
    }

    /**
     * @return the copies rewritten since the last call, one line each, so that a check reports damage that a load
     *         repaired before the check could see it.
     */
    List<String> takeRepairs()
    {
        synchronized (repairs)
        {
            final List<String> taken = List.copyOf(repairs);
            repairs.clear();
            return taken;
        }
    }

    /**
     * @return null if copy {@code copy} is valid, else why not; leaves it in the buffer.
     */
    String read(final int copy)
    {
        device.read(EntryVolumeLayout.rootOffset(copy), buffer, 0, RootControl.LENGTH);
        return root.invalidReason();
    }

    RootControl root()
    {
        return root;
    }

    byte[] snapshot()
    {
        final byte[] copy = new byte[RootControl.LENGTH];
        buffer.getBytes(0, copy);
        return copy;
    }

    void restore(final byte[] copy)
    {
        buffer.putBytes(0, copy);
    }

    /**
     * Seal the buffer with the next sequence and write both copies, each made durable before the next.
     */
    void store()
    {
        root.sequence(root.sequence() + 1).seal();
        for (int copy = 0; copy < 2; copy++)
        {
            device.write(EntryVolumeLayout.rootOffset(copy), buffer, 0, RootControl.LENGTH);
            device.flush(EntryVolumeLayout.rootOffset(copy), RootControl.LENGTH);
        }
    }
}
