package io.respool.examples.cluster;

import java.util.Random;

/**
 * The writer's transactions, in an order drawn from a seed: {@code rows} inserts and {@code updates} updates of
 * random rows already inserted, interleaved. Transaction {@code i} is the same for every writer that draws from
 * the same seed, so a writer promoted after {@code n} commits can {@link #skip} the first ones and go on with the
 * dead writer's work, and a test can tell what the table must hold after {@code n} commits. Transaction 0, the
 * table's creation, is not drawn here. Used by one thread.
 */
final class Workload
{
    private final long rows;
    private final long updates;
    private final Random random;
    private long drawn;
    private long inserted;

    Workload(final long rows, final long updates, final long seed)
    {
        this.rows = rows;
        this.updates = updates;
        this.random = new Random(seed);
    }

    /**
     * @return transactions in all.
     */
    long total()
    {
        return rows + updates;
    }

    /**
     * @return transactions drawn so far.
     */
    long drawn()
    {
        return drawn;
    }

    /**
     * @return rows inserted by the transactions drawn so far.
     */
    long inserted()
    {
        return inserted;
    }

    boolean hasNext()
    {
        return drawn < total();
    }

    /**
     * Draw the next transaction.
     *
     * @return the row it inserts, as {@code -1 - rowId}, or the row it updates, as {@code rowId >= 0}.
     */
    long next()
    {
        final long remainingInserts = rows - inserted;
        final boolean insert = 0 == inserted || random.nextLong(total() - drawn) < remainingInserts;
        drawn++;
        if (insert)
        {
            return -1 - inserted++;
        }
        return random.nextLong(inserted);
    }

    /**
     * Draw and drop {@code count} transactions.
     *
     * @return this.
     */
    Workload skip(final long count)
    {
        for (long i = 0; i < count && hasNext(); i++)
        {
            next();
        }
        return this;
    }

    /**
     * The row versions the table holds after the first {@code count} transactions of a workload.
     *
     * @return each row's version, 0 for a row not yet inserted.
     */
    static long[] versionsAfter(final long rows, final long updates, final long seed, final long count)
    {
        final long[] versions = new long[(int)rows];
        final Workload workload = new Workload(rows, updates, seed);
        for (long i = 0; i < count && workload.hasNext(); i++)
        {
            final long op = workload.next();
            versions[(int)(op < 0 ? -1 - op : op)]++;
        }
        return versions;
    }
}
