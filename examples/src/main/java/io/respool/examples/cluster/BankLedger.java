package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.respool.examples.cluster.BankDescriptor.*;
import static io.respool.examples.cluster.WalRecordDescriptor.*;

/**
 * The bank test's final checks against the logs. Every TRANSFER record found in the WALs, collected by LSN: a WAL
 * is truncated when its node next becomes the writer, so the test collects each WAL before that and at the end,
 * and a record seen in two collections (same LSN) counts once; two different records at one LSN are a problem.
 * {@link #check} then asks: is every acknowledged transfer there exactly once, is no transfer there twice, and
 * does replaying every logged transfer in LSN order from the opening balances give the balances the table holds?
 */
final class BankLedger
{
    /**
     * One logged transfer.
     */
    record Entry(long lsn, long transferId, int from, int to, long amount)
    {
    }

    private final TreeMap<Long, Entry> byLsn = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * Collect the transfers of one WAL file (checked whole first by {@link Recovery#scan}).
     *
     * @return transfers found in it.
     * @throws RecoveryException if the WAL is damaged before its end.
     */
    synchronized int collect(final DssFile wal)
    {
        final Recovery.Result scan = Recovery.scan(wal);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[RECORD_LENGTH]);
        final WalRecord record = new WalRecord();
        int found = 0;
        for (long offset = 0; offset < scan.records() * RECORD_LENGTH; offset += RECORD_LENGTH)
        {
            if (wal.read(offset, buffer, 0, RECORD_LENGTH) != RECORD_LENGTH)
            {
                problems.add("WAL " + wal.path() + " shorter than its scan: offset=" + offset);
                break;
            }
            record.wrap(buffer, 0);
            if (record.type() != TYPE_TRANSFER)
            {
                continue;
            }
            final Entry entry = new Entry(record.lsn(), record.transferId(), record.fromAccount(), record.toAccount(),
                record.amount());
            final Entry before = byLsn.putIfAbsent(entry.lsn(), entry);
            if (before != null && !before.equals(entry))
            {
                problems.add("two different transfers at LSN " + entry.lsn() + ": " + before + " and " + entry);
            }
            found++;
        }
        return found;
    }

    /**
     * @return transfers collected.
     */
    synchronized int size()
    {
        return byLsn.size();
    }

    /**
     * The end-of-test checks.
     *
     * @param acknowledged the transfer ids the clients had acknowledged.
     * @param balances     the balances the table holds at the end, by account.
     * @return every problem found; empty if the bank test passed.
     */
    synchronized List<String> check(final Collection<Long> acknowledged, final long[] balances)
    {
        final List<String> found = new ArrayList<>(problems);
        final Map<Long, Integer> count = new HashMap<>();
        final long[] replayed = new long[ACCOUNTS];
        java.util.Arrays.fill(replayed, INITIAL_BALANCE);
        for (final Entry entry : byLsn.values())
        {
            if (count.merge(entry.transferId(), 1, Integer::sum) == 2)
            {
                found.add("transfer " + entry.transferId() + " is logged more than once (again at LSN " +
                    entry.lsn() + ")");
            }
            replayed[entry.from()] -= entry.amount();
            replayed[entry.to()] += entry.amount();
            if (replayed[entry.from()] < 0)
            {
                found.add("the log overdraws account " + entry.from() + " at LSN " + entry.lsn());
            }
        }
        int missing = 0;
        for (final long id : acknowledged)
        {
            if (!count.containsKey(id) && missing++ < 10)
            {
                found.add("acknowledged transfer " + id + " is in no WAL");
            }
        }
        if (missing > 10)
        {
            found.add((missing - 10) + " more acknowledged transfers are in no WAL");
        }
        for (int account = 0; account < ACCOUNTS; account++)
        {
            if (replayed[account] != balances[account])
            {
                found.add("account " + account + " holds " + balances[account] + ", the logged transfers give " +
                    replayed[account]);
            }
        }
        final long total = Bank.sum(balances);
        if (total != TOTAL)
        {
            found.add("the final total is " + total + ", not " + TOTAL);
        }
        return found;
    }
}
