package io.respool.examples.cluster;

import io.respool.dms.api.LockMode;

import static io.respool.examples.cluster.HeapPageDescriptor.pageNumberOf;

/**
 * Reads the whole table through DMS in S, to compare it with what the workload says it must hold.
 */
final class TableScan
{
    private final PageAccess pages;
    private final TablePageStore store;
    private final HeapPage page = new HeapPage();

    TableScan(final PageAccess pages, final TablePageStore store)
    {
        this.pages = pages;
        this.store = store;
    }

    long tableRows()
    {
        final long metaId = TablePageStore.pageId(0);
        pages.acquire(metaId, LockMode.S);
        try
        {
            return page.wrap(store.buffer(metaId)).tableRows();
        }
        finally
        {
            pages.unlatch(metaId);
        }
    }

    /**
     * @param rows the rows the workload inserts in all.
     * @return each row's version as the pages hold it (0 for a row not inserted).
     * @throws IllegalStateException if a row fails its check.
     */
    long[] rowVersions(final long rows)
    {
        final long[] versions = new long[(int)rows];
        final long tableRows = Math.min(rows, tableRows());
        for (long rowId = 0; rowId < tableRows; rowId++)
        {
            final long pageId = TablePageStore.pageId(pageNumberOf(rowId));
            pages.acquire(pageId, LockMode.S);
            try
            {
                page.wrap(store.buffer(pageId));
                final String problem = page.checkRow(rowId);
                if (problem != null)
                {
                    throw new IllegalStateException(problem);
                }
                versions[(int)rowId] = page.rowVersion(rowId);
            }
            finally
            {
                pages.unlatch(pageId);
            }
        }
        return versions;
    }

    /**
     * @return null if the table holds exactly the first {@code commits} commits of the workload, else the first
     *         row that differs.
     */
    String differenceFromWorkload(final long rows, final long updates, final long seed, final long commits)
    {
        final long[] expected = Workload.versionsAfter(rows, updates, seed, Math.max(0, commits - 1));
        final long[] actual = rowVersions(rows);
        for (int row = 0; row < rows; row++)
        {
            if (expected[row] != actual[row])
            {
                return "row " + row + " at version " + actual[row] + ", the workload's first " + commits +
                    " commits give " + expected[row];
            }
        }
        return null;
    }
}
