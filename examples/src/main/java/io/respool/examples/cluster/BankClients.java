package io.respool.examples.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import static io.respool.examples.cluster.BankDescriptor.*;

/**
 * The bank's clients on the writer: each thread draws a transfer (two different accounts, an amount in
 * 1..{@link BankDescriptor#MAX_AMOUNT}) from its own seeded generator, runs it ({@link Bank#transfer}), waits until
 * the WAL is durable up to its record, and only then acknowledges it ({@code onAcknowledged}). Many clients
 * waiting at once make a group commit. A client whose transfer fails (the node crashed, the WAL stopped) stops:
 * that transfer is unacknowledged, it may or may not be in the log, and the checks allow either, once.
 */
final class BankClients implements AutoCloseable
{
    private final Bank bank;
    private final Wal wal;
    private final AtomicLong nextTransferId;
    private final LongConsumer onAcknowledged;
    private final long intervalNs;
    private final long timeoutNs;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile boolean running = true;

    /**
     * @param nextTransferId where transfer ids come from; unique across the whole test (every epoch and node).
     * @param ratePerClient  transfers a second each client starts at most, 0 for no limit.
     */
    BankClients(final Bank bank, final Wal wal, final int clients, final long seed, final AtomicLong nextTransferId,
        final long ratePerClient, final long timeoutNs, final LongConsumer onAcknowledged)
    {
        this.bank = bank;
        this.wal = wal;
        this.nextTransferId = nextTransferId;
        this.onAcknowledged = onAcknowledged;
        this.intervalNs = 0 == ratePerClient ? 0 : TimeUnit.SECONDS.toNanos(1) / ratePerClient;
        this.timeoutNs = timeoutNs;
        for (int i = 0; i < clients; i++)
        {
            final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
            final Thread thread = new Thread(() -> loop(random), "bank-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    BankClients start()
    {
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(final SplittableRandom random)
    {
        long nextNs = System.nanoTime();
        while (running)
        {
            final int from = random.nextInt(ACCOUNTS);
            final int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            final long amount = 1 + random.nextLong(MAX_AMOUNT);
            final long transferId = nextTransferId.getAndIncrement();
            try
            {
                final long lsn = bank.transfer(transferId, from, to, amount);
                if (0 == lsn)
                {
                    refused.increment();
                }
                else
                {
                    wal.flushUpTo(lsn, timeoutNs);
                    acknowledged.increment();
                    onAcknowledged.accept(transferId);
                }
            }
            catch (final RuntimeException ex)
            {
                if (running)
                {
                    failures.add(Thread.currentThread().getName() + ": transfer " + transferId + " failed: " + ex);
                }
                return;
            }
            if (intervalNs > 0)
            {
                nextNs += intervalNs;
                final long waitNs = nextNs - System.nanoTime();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(waitNs);
                }
                else
                {
                    nextNs = System.nanoTime();
                }
            }
        }
    }

    long acknowledged()
    {
        return acknowledged.sum();
    }

    long refused()
    {
        return refused.sum();
    }

    /**
     * @return why clients stopped early (expected after a crash, a problem otherwise).
     */
    List<String> failures()
    {
        return failures;
    }

    /**
     * Stop the clients and wait for them: a transfer in progress finishes (or fails).
     */
    @Override
    public void close()
    {
        running = false;
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(15));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
