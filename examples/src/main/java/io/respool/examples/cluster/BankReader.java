package io.respool.examples.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the bank's total on one node every interval ({@link Bank#total}: S on every account page at once) and
 * counts the reads, the reads that saw a total other than {@link BankDescriptor#TOTAL} (must stay 0), and the
 * reads that got no answer (a page acquire timed out in a failover: no answer is not a wrong answer).
 */
final class BankReader implements AutoCloseable
{
    private final Bank bank;
    private final long intervalNs;
    private final Thread thread;
    private final AtomicReference<String> firstWrong = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile boolean paused;
    private volatile long reads;
    private volatile long wrong;
    private volatile long unanswered;
    private volatile String lastError;

    BankReader(final Bank bank, final long intervalMs, final String name)
    {
        this.bank = bank;
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    BankReader start()
    {
        thread.start();
        return this;
    }

    private void loop()
    {
        while (running)
        {
            if (paused)
            {
                LockSupport.parkNanos(intervalNs);
                continue;
            }
            try
            {
                final long[] balances = bank.balances();
                final long total = Bank.sum(balances);
                if (total != BankDescriptor.TOTAL)
                {
                    firstWrong.compareAndSet(null, "a read saw total " + total + ", not " + BankDescriptor.TOTAL +
                        ": " + java.util.Arrays.toString(balances));
                    wrong++;
                }
                reads++;
            }
            catch (final Bank.DamagedRowException ex)
            {
                // a damaged row is a wrong answer, not a missing one
                firstWrong.compareAndSet(null, "a read found a damaged account row: " + ex.getMessage());
                wrong++;
            }
            catch (final RuntimeException ex)
            {
                unanswered++;
                lastError = ex.toString();
            }
            LockSupport.parkNanos(intervalNs);
        }
    }

    /**
     * Stop or resume reading (the standby stops while the reform's recovery takes the pages).
     */
    void pause(final boolean pause)
    {
        paused = pause;
    }

    long reads()
    {
        return reads;
    }

    long wrong()
    {
        return wrong;
    }

    long unanswered()
    {
        return unanswered;
    }

    String firstWrong()
    {
        return firstWrong.get();
    }

    String lastError()
    {
        return lastError;
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
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
