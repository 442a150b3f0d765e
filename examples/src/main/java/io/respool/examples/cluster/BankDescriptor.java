package io.respool.examples.cluster;

import static io.respool.examples.cluster.WalRecordDescriptor.LAYOUT_VERSION_2;

/**
 * Layout of the bank workload's accounts in the demo table (Jepsen's bank test, adapted): {@link #ACCOUNTS}
 * accounts spread round-robin over heap pages 1..{@link #PAGES}, account {@code a} in page {@code 1 + a % PAGES},
 * slot {@code a / PAGES}, so that most transfers span two pages. An account's row ({@link HeapPageDescriptor})
 * holds the account id, how many transfers changed it (its version, 0 = never written), the LSN of the last, and
 * the balance in the value field, the payload derived from it. A slot never written holds
 * {@link #INITIAL_BALANCE}: the bank opens with no record at all, and the total is always
 * {@code ACCOUNTS * INITIAL_BALANCE}.
 */
final class BankDescriptor
{
    /** Accounts in the bank. */
    static final int ACCOUNTS = 64;
    /** Heap pages they are spread over (pages 1..PAGES of the table). */
    static final int PAGES = 16;
    /** Balance of an account no transfer has touched. */
    static final long INITIAL_BALANCE = 1000;
    /** The sum of all balances, at every moment. */
    static final long TOTAL = ACCOUNTS * INITIAL_BALANCE;
    /** Largest amount one transfer moves. */
    static final long MAX_AMOUNT = 50;

    static
    {
        if (ACCOUNTS % PAGES != 0 || ACCOUNTS / PAGES > HeapPageDescriptor.ROWS_PER_PAGE)
        {
            throw new IllegalStateException("bank layout does not fit: accounts=" + ACCOUNTS + ", pages=" + PAGES);
        }
    }

    private BankDescriptor()
    {
    }

    /**
     * @param account an account.
     * @return the table page number (1..PAGES) that holds it.
     */
    static int pageNumberOf(final int account)
    {
        return 1 + account % PAGES;
    }

    /**
     * @param account an account.
     * @return its DMS page id.
     */
    static long pageIdOf(final int account)
    {
        return TablePageStore.pageId(pageNumberOf(account));
    }

    /**
     * @param account an account.
     * @return its slot in its page.
     */
    static int slotOf(final int account)
    {
        return account / PAGES;
    }

    /**
     * Check a transfer record's fields.
     *
     * @return null if sound, else what is wrong.
     */
    static String checkTransfer(final short layoutVersion, final long transferId, final long from, final long to,
        final long amount)
    {
        if (layoutVersion < LAYOUT_VERSION_2)
        {
            return "a TRANSFER record in layout version " + layoutVersion + ", which has none (from " +
                LAYOUT_VERSION_2 + ")";
        }
        if (transferId < 0 || from < 0 || from >= ACCOUNTS || to < 0 || to >= ACCOUNTS || from == to)
        {
            return "transfer between accounts out of range or the same: transferId=" + transferId + ", from=" +
                from + ", to=" + to + ", accounts=" + ACCOUNTS;
        }
        if (amount <= 0 || amount > MAX_AMOUNT)
        {
            return "transfer amount not in 1.." + MAX_AMOUNT + ": " + amount + ", transferId=" + transferId;
        }
        return null;
    }
}
