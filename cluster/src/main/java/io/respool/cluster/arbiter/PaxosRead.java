package io.respool.cluster.arbiter;

import io.respool.dss.format.SectorBlock;

/**
 * What reading both copies of a node's Paxos block found: the valid copy with the higher sequence, or that the node
 * never completed a write (no copy valid, one still empty: its first write tore or failed, which is as if it never
 * happened), or that both copies are damaged (the block's state is unknown, and no ballot may treat it as
 * initial). A node only ever overwrites the copy that does not hold its latest valid write, so tears alone never
 * damage both.
 *
 * @param latest     the valid copy with the higher sequence, null if none.
 * @param latestCopy the copy it is in (0 or 1), -1 if none.
 * @param readable   false when no copy is valid and not both are empty.
 * @param problem    why not readable, null if readable.
 */
public record PaxosRead(PaxosBlock latest, int latestCopy, boolean readable, String problem)
{
    static PaxosRead of(final PaxosBlock copy0, final PaxosBlock copy1)
    {
        final boolean valid0 = copy0.isValid();
        final boolean valid1 = copy1.isValid();
        if (valid0 && (!valid1 || copy0.sequence() >= copy1.sequence()))
        {
            return new PaxosRead(copy0, 0, true, null);
        }
        if (valid1)
        {
            return new PaxosRead(copy1, 1, true, null);
        }
        if (blank(copy0) || blank(copy1))
        {
            return new PaxosRead(null, -1, true, null);
        }
        return new PaxosRead(null, -1, false, "copy 0: " + reason(copy0) + ", copy 1: " + reason(copy1));
    }

    /**
     * @return the copy the node's next write goes to: never over its latest valid write.
     */
    public int nextCopy()
    {
        return latestCopy == 0 ? 1 : 0;
    }

    /**
     * @return true if never written: all zero, or zeroed by {@link ClusterDisk#format} through a device path that
     * seals every sector (magic 0 then, with a checksum).
     */
    static boolean blank(final PaxosBlock block)
    {
        return block.isEmpty() || block.buffer().getLong(SectorBlock.MAGIC_OFFSET) == 0;
    }

    private static String reason(final PaxosBlock block)
    {
        return blank(block) ? "empty" : block.invalidReason();
    }
}
