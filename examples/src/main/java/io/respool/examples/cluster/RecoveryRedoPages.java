package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import org.agrona.MutableDirectBuffer;

/**
 * Redo's page access during a DMS reform: {@link DmsNode#acquirePageForRecovery} in X, served while the reform's
 * RECOVERY step runs and normal requests still wait; a page no survivor held is read from DSS (the dead node's last
 * checkpoint) and redo brings it up to the end of the dead node's WAL.
 */
final class RecoveryRedoPages implements Recovery.RedoPages
{
    private final DmsNode node;
    private final TablePageStore store;
    private final long timeoutNs;

    RecoveryRedoPages(final DmsNode node, final TablePageStore store, final long timeoutNs)
    {
        this.node = node;
        this.store = store;
        this.timeoutNs = timeoutNs;
    }

    @Override
    public MutableDirectBuffer latch(final long pageId)
    {
        node.acquirePageForRecovery(pageId, LockMode.X, timeoutNs);
        return store.buffer(pageId);
    }

    @Override
    public void unlatch(final long pageId, final boolean changed)
    {
        if (changed)
        {
            store.markDirty(pageId);
        }
        node.unlatchPage(pageId);
    }
}
