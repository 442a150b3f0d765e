package io.respool.examples.cluster;

import io.respool.dms.api.LockMode;

import static io.respool.examples.cluster.BankDescriptor.*;

/**
 * The bank workload's operations on one node ({@link BankDescriptor}), through DMS.
 * <ul>
 *     <li>{@link #transfer} (the writer only): X on the account pages, the lower page id first, so that two
 *     transfers, or a transfer and a reader, never wait for each other in a cycle; one {@code TRANSFER} WAL record
 *     for both accounts; the change applied to both pages under their latches. The caller acknowledges it once the
 *     WAL is durable up to the returned LSN.</li>
 *     <li>{@link #balances} (any node): S on every account page at once, in page order, so the sum is one moment's;
 *     every account row checked.</li>
 * </ul>
 * Thread-safe: each thread has its own page flyweights.
 */
final class Bank
{
    /**
     * An account row failed its check: a wrong answer, never to be mistaken for a missing one (a timeout).
     */
    static final class DamagedRowException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        DamagedRowException(final String message)
        {
            super(message);
        }
    }

    private final PageAccess pages;
    private final TablePageStore store;
    private final Wal wal;
    private final ThreadLocal<HeapPage[]> flyweights = ThreadLocal.withInitial(() ->
        new HeapPage[] { new HeapPage(), new HeapPage() });

    /**
     * @param wal this node's WAL (used only by {@link #transfer}).
     */
    Bank(final PageAccess pages, final TablePageStore store, final Wal wal)
    {
        this.pages = pages;
        this.store = store;
        this.wal = wal;
    }

    /**
     * Move {@code amount} from one account to another in one WAL record.
     *
     * @return the record's LSN, or 0 if {@code from} holds less than the amount (nothing logged, nothing changed).
     * @throws IllegalStateException if an account row is damaged.
     */
    long transfer(final long transferId, final int from, final int to, final long amount)
    {
        final String bad = checkTransfer(WalRecordDescriptor.CURRENT_LAYOUT_VERSION, transferId, from, to, amount);
        if (bad != null)
        {
            throw new IllegalArgumentException(bad);
        }
        final long fromPage = pageIdOf(from);
        final long toPage = pageIdOf(to);
        final long first = Math.min(fromPage, toPage);
        final long second = Math.max(fromPage, toPage);
        final HeapPage[] pair = flyweights.get();
        pages.acquire(first, LockMode.X);
        try
        {
            if (second != first)
            {
                pages.acquire(second, LockMode.X);
            }
            try
            {
                final HeapPage fromFlyweight = formatted(pair[0], fromPage);
                final HeapPage toFlyweight = second == first ? fromFlyweight : formatted(pair[1], toPage);
                check(fromFlyweight, from);
                check(toFlyweight, to);
                if (fromFlyweight.balance(from) < amount)
                {
                    return 0;
                }
                store.markDirty(fromPage);
                store.markDirty(toPage);
                final long lsn = wal.append(WalRecordDescriptor.TYPE_TRANSFER, transferId, from, to, amount);
                // checked above: neither can fail, and the record is logged already
                mustApply(fromFlyweight, from, to, amount, lsn);
                if (toFlyweight != fromFlyweight)
                {
                    mustApply(toFlyweight, from, to, amount, lsn);
                }
                return lsn;
            }
            finally
            {
                if (second != first)
                {
                    pages.unlatch(second);
                }
            }
        }
        finally
        {
            pages.unlatch(first);
        }
    }

    /**
     * Read every balance at one moment: S on all account pages in page order, then release.
     *
     * @return the balances by account.
     * @throws IllegalStateException if an account row is damaged.
     */
    long[] balances()
    {
        final long[] balances = new long[ACCOUNTS];
        final HeapPage page = flyweights.get()[0];
        int latched = 0;
        try
        {
            for (int pageNumber = 1; pageNumber <= PAGES; pageNumber++)
            {
                final long pageId = TablePageStore.pageId(pageNumber);
                pages.acquire(pageId, LockMode.S);
                latched++;
            }
            for (int account = 0; account < ACCOUNTS; account++)
            {
                page.wrap(store.buffer(pageIdOf(account)));
                if (page.isFormatted())
                {
                    check(page, account);
                    balances[account] = page.balance(account);
                }
                else
                {
                    balances[account] = INITIAL_BALANCE;
                }
            }
            return balances;
        }
        finally
        {
            for (int pageNumber = latched; pageNumber >= 1; pageNumber--)
            {
                pages.unlatch(TablePageStore.pageId(pageNumber));
            }
        }
    }

    /**
     * @return the sum of {@link #balances}.
     */
    long total()
    {
        return sum(balances());
    }

    static long sum(final long[] balances)
    {
        long total = 0;
        for (final long balance : balances)
        {
            total += balance;
        }
        return total;
    }

    /**
     * Apply the part of a transfer that falls in this page (one account or both), and set the page LSN: what the
     * writer does under its X latches and what redo does to a page older than the record.
     *
     * @return null, or what is wrong (the debit would overdraw: the page is out of step with the log).
     */
    static String apply(final HeapPage page, final int from, final int to, final long amount, final long lsn)
    {
        final long pageNumber = TablePageStore.pageNumber(page.pageId());
        if (pageNumberOf(from) == pageNumber)
        {
            final long balance = page.balance(from);
            if (balance < amount)
            {
                return "transfer would overdraw account " + from + ": balance=" + balance + ", amount=" + amount;
            }
            page.putAccount(from, page.accountVersion(from) + 1, balance - amount, lsn);
        }
        if (pageNumberOf(to) == pageNumber)
        {
            page.putAccount(to, page.accountVersion(to) + 1, page.balance(to) + amount, lsn);
        }
        page.lsn(lsn);
        return null;
    }

    private static void mustApply(final HeapPage page, final int from, final int to, final long amount,
        final long lsn)
    {
        final String problem = apply(page, from, to, amount, lsn);
        if (problem != null)
        {
            throw new IllegalStateException(problem);
        }
    }

    private HeapPage formatted(final HeapPage page, final long pageId)
    {
        page.wrap(store.buffer(pageId));
        if (!page.isFormatted())
        {
            page.format(pageId, HeapPageDescriptor.TYPE_HEAP);
        }
        return page;
    }

    private static void check(final HeapPage page, final int account)
    {
        final String problem = page.checkAccount(account);
        if (problem != null)
        {
            throw new DamagedRowException(problem);
        }
    }
}
