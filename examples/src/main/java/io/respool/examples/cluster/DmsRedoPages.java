package io.respool.examples.cluster;

import io.respool.dms.api.LockMode;
import org.agrona.MutableDirectBuffer;

/**
 * Redo's page access through DMS as it is today: a plain X acquire of each page, loaded from DSS by the page store
 * if no node holds it, and the page marked dirty when redo changed it. After a DMS reform this is the one class to
 * swap for the recovery-only access to the dead node's pages.
 */
final class DmsRedoPages implements Recovery.RedoPages
{
    private final PageAccess pages;
    private final TablePageStore store;

    DmsRedoPages(final PageAccess pages, final TablePageStore store)
    {
        this.pages = pages;
        this.store = store;
    }

    @Override
    public MutableDirectBuffer latch(final long pageId)
    {
        pages.acquire(pageId, LockMode.X);
        return store.buffer(pageId);
    }

    @Override
    public void unlatch(final long pageId, final boolean changed)
    {
        if (changed)
        {
            store.markDirty(pageId);
        }
        pages.unlatch(pageId);
    }
}
