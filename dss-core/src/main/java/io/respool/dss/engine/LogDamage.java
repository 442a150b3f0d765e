package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.LogRecordHeader;
import io.respool.dss.format.RootControl;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Damage inside the committed part of the redo log: replay stopped at {@link #damagedLsn}, yet something durable
 * proves the log reached {@link #provenEnd} (the VG head is published only after the log is durable up to its end;
 * an open instance's own durable LSN says the same). A torn tail past every such proof is a crash, truncated
 * silently; this is lost acknowledged changes, and must be loud.
 * <p>
 * How much is lost: the bytes {@code [damagedLsn, provenEnd)} cannot be replayed. Within them, the scan looks at
 * every 32-byte boundary after the damage for a record that is valid where it stands (its LSN is its position, its
 * epoch-seeded CRC matches), follows each one found, and counts those that are changes (not padding): those are
 * acknowledged changes known to be lost, on top of whatever the damaged bytes before the first of them held.
 */
final class LogDamage
{
    final long damagedLsn;
    final long provenEnd;
    /** Valid change records found between the damage and the proven end: acknowledged, not replayable. */
    final int intactChangesAfter;
    /** LSN of the first valid record after the damage, or {@link #provenEnd} if there is none. */
    final long resyncLsn;

    private LogDamage(final long damagedLsn, final long provenEnd, final int intactChangesAfter,
        final long resyncLsn)
    {
        this.damagedLsn = damagedLsn;
        this.provenEnd = provenEnd;
        this.intactChangesAfter = intactChangesAfter;
        this.resyncLsn = resyncLsn;
    }

    /**
     * Scan what lies between the valid end replay found and the end something durable proves.
     */
    static LogDamage scan(final BlockDevice device, final RootControl root, final long validEnd, final long provenEnd)
    {
        final UnsafeBuffer span = read(device, root.logOffset(), root.logLength(), validEnd, provenEnd);
        final int length = (int)(provenEnd - validEnd);
        int changes = 0;
        long resync = -1;
        for (long lsn = validEnd + LogRecordHeader.ALIGNMENT; lsn < provenEnd; )
        {
            final int index = (int)(lsn - validEnd);
            if (LogRecordHeader.isValid(span, index, length - index, lsn, root.logEpoch()))
            {
                if (resync < 0)
                {
                    resync = lsn;
                }
                if (LogRecordHeader.type(span, index) != LogRecordHeader.TYPE_PAD)
                {
                    changes++;
                }
                lsn += LogRecordHeader.length(span, index);
            }
            else
            {
                lsn += LogRecordHeader.ALIGNMENT;
            }
        }
        return new LogDamage(validEnd, provenEnd, changes, resync < 0 ? provenEnd : resync);
    }

    /**
     * @return the one line that open, catch-up and check all give: where, how much, and what the operator can do.
     */
    String describe(final String vgName, final String volume, final String proof)
    {
        return "redo log damaged inside its committed part: vg=" + vgName + ", volume=" + volume + ", lsn=" +
            damagedLsn + ", " + proof + "=" + provenEnd + "; acknowledged changes that cannot be replayed: the " +
            "damaged bytes [" + damagedLsn + ", " + resyncLsn + ") and " + intactChangesAfter + " intact change " +
            "record(s) after them, " + (provenEnd - damagedLsn) + " bytes of log in all";
    }

    /**
     * @param refused what is not done: writing now would seal the log at the damage and destroy the records after
     * it, the only copy of those changes.
     * @return the refusal, {@link ErrorCode#CORRUPT}.
     */
    DssException refusal(final String vgName, final String volume, final String refused)
    {
        return new DssException(ErrorCode.CORRUPT, describe(vgName, volume, "publishedEnd") + "; " + refused +
            ", so nothing is overwritten: restore the volume group from a backup, or, with every other instance " +
            "stopped, accept the loss of every change from lsn=" + damagedLsn + " on by opening it once with " +
            "InstanceOptions.acceptLogLossAt=" + damagedLsn + " (dsscmd check --accept_log_loss_at " + damagedLsn +
            ")");
    }

    /**
     * Read the log stream {@code [from, to)} into one buffer, indexed from {@code from}: records never straddle the
     * region's end, so a contiguous LSN range is contiguous here.
     */
    private static UnsafeBuffer read(final BlockDevice device, final long regionOffset, final long regionLength,
        final long from, final long to)
    {
        if (to - from > regionLength)
        {
            throw new IllegalStateException("a proven end more than one log lap past the valid end: from=" + from +
                ", to=" + to + ", logLength=" + regionLength);
        }
        final int alignment = Math.max(device.alignment(), LogRecordHeader.ALIGNMENT);
        final UnsafeBuffer span = new UnsafeBuffer(new byte[(int)(to - from)]);
        for (long lsn = from; lsn < to; )
        {
            final long position = lsn % regionLength;
            final int length = (int)Math.min(to - lsn, regionLength - position);
            final long start = position - position % alignment;
            final long end = Math.min(regionLength, (position + length + alignment - 1) / alignment * alignment);
            final UnsafeBuffer block = new UnsafeBuffer(new byte[(int)(end - start)]);
            device.read(regionOffset + start, block, 0, block.capacity());
            span.putBytes((int)(lsn - from), block, (int)(position - start), length);
            lsn += length;
        }
        return span;
    }
}
