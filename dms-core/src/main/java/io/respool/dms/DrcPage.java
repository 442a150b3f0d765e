package io.respool.dms;

import io.respool.dms.api.LockMode;

import java.util.ArrayDeque;

import static io.respool.dms.MessageDescriptor.NO_NODE;

/**
 * The master's directory entry of one page (DMS's {@code drc_page_t}): the owner (the node whose image is shipped
 * to the next requester), the mode, the nodes holding shared copies, the nodes holding earlier dirty copies (edp)
 * with the newest one's LSN, the one conversion in progress and the queue of requests behind it. Owned by the
 * master's agent thread.
 */
final class DrcPage
{
    final long pageId;
    int owner = NO_NODE;
    LockMode mode = LockMode.NULL;
    long copies;
    long edpMap;
    int lastEdp = NO_NODE;
    long lastEdpLsn;
    Conversion converting;
    final ArrayDeque<Conversion> queue = new ArrayDeque<>(2);

    DrcPage(final long pageId)
    {
        this.pageId = pageId;
    }

    static long bit(final int node)
    {
        return 1L << node;
    }

    boolean isIdle()
    {
        return converting == null && queue.isEmpty() && owner == NO_NODE && copies == 0 && edpMap == 0;
    }

    boolean isQueued(final int requester, final long serial)
    {
        for (final Conversion c : queue)
        {
            if (c.requester == requester && c.serial == serial)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "DrcPage{pageId=" + pageId + ", owner=" + owner + ", mode=" + mode + ", copies=0x" +
            Long.toHexString(copies) + ", edpMap=0x" + Long.toHexString(edpMap) + ", lastEdp=" + lastEdp +
            ", lastEdpLsn=" + lastEdpLsn + ", converting=" + converting + ", queued=" + queue.size() + "}";
    }
}
