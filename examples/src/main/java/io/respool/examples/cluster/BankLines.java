package io.respool.examples.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the bank run's launcher ({@link BankRun}) takes from its nodes' output lines: the transfer ids acknowledged
 * ({@code BANKACK}), each node's read counts ({@code BANKREAD}), wrong reads ({@code BANKWRONG}), the final
 * balances ({@code BANKFINAL}), and, once an epoch is armed, its failover events and fences. Called on the nodes'
 * output threads; the launcher's thread reads the results.
 */
final class BankLines
{
    private final Set<Long> acked = ConcurrentHashMap.newKeySet();
    private final AtomicLong wrongReads = new AtomicLong();
    private final AtomicLong suspicions = new AtomicLong();
    private final List<String> problems;
    private volatile long[] finalBalances;

    /**
     * @param problems where a wrong read goes (the first of the run), shared with the launcher.
     */
    BankLines(final List<String> problems)
    {
        this.problems = problems;
    }

    /**
     * @return whether the line is to be printed (the counts are not).
     */
    boolean onLine(final BankEpoch current, final int nodeId, final String line)
    {
        if (line.startsWith(BankNode.ACK_PREFIX))
        {
            final String[] ids = line.substring(BankNode.ACK_PREFIX.length()).split(",");
            for (final String id : ids)
            {
                acked.add(Long.parseLong(id));
            }
            current.acks[nodeId] += ids.length;
            return false;
        }
        if (line.startsWith(BankNode.READ_PREFIX))
        {
            final String[] parts = line.substring(BankNode.READ_PREFIX.length()).split(" ");
            current.reads[nodeId] = Long.parseLong(parts[1]);
            current.readSamples[nodeId].add(System.nanoTime(), current.reads[nodeId]);
            current.unanswered[nodeId] = Long.parseLong(parts[3]);
            return false;
        }
        if (line.startsWith(BankNode.WRONG_PREFIX))
        {
            if (wrongReads.getAndIncrement() == 0)
            {
                problems.add("epoch " + current.number + ": " + line.substring(BankNode.WRONG_PREFIX.length()));
            }
            return true;
        }
        if (line.startsWith(BankNode.FINAL_PREFIX))
        {
            final String[] parts = line.substring(BankNode.FINAL_PREFIX.length()).replace("[", "")
                .replace("]", "").split(",");
            final long[] balances = new long[parts.length];
            for (int i = 0; i < parts.length; i++)
            {
                balances[i] = Long.parseLong(parts[i]);
            }
            finalBalances = balances;
            return true;
        }
        if (line.startsWith(ClusterNode.ACKED_PREFIX))
        {
            return false;
        }
        if (line.startsWith("FENCED") && current.armed)
        {
            current.fenced = "node " + nodeId + ": " + line;
        }
        final FailoverEvents.Event event = FailoverEvents.parse(line);
        if (event != null && current.armed)
        {
            if (FailoverEvents.SUSPECTED.equals(event.name()))
            {
                // a heartbeat seen late once is a suspicion, not a failover: counted, allowed
                suspicions.incrementAndGet();
            }
            else if (!FailoverEvents.SUSPICION_CLEARED.equals(event.name())) // a late heartbeat that came after all
            {
                current.events.add(event.name());
            }
        }
        return true;
    }

    Set<Long> acked()
    {
        return acked;
    }

    long wrongReads()
    {
        return wrongReads.get();
    }

    /**
     * @return late heartbeats seen (suspected) that came to nothing.
     */
    long suspicions()
    {
        return suspicions.get();
    }

    /**
     * @return the final epoch's balances as node 0 printed them, or null before.
     */
    long[] finalBalances()
    {
        return finalBalances;
    }
}
