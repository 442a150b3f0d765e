package io.respool.examples.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one epoch's nodes of a {@link BankRun} have said; written by the nodes' output threads, read by the
 * launcher's.
 */
final class BankEpoch
{
    final int number;
    final NodeProcess[] nodes = new NodeProcess[2];
    final long[] acks = new long[2];
    final long[] reads = new long[2];
    final long[] unanswered = new long[2];
    /** Each node's read count over time, for the standby's read rate around a failover. */
    final ReadSamples[] readSamples = { new ReadSamples(), new ReadSamples() };
    final Set<String> events = ConcurrentHashMap.newKeySet();
    volatile boolean armed;
    volatile String fenced;
    /** The start attempt of this epoch's cluster (1 to 3), for the transfer ids of its nodes. */
    volatile int attempt = 1;

    BankEpoch(final int number)
    {
        this.number = number;
    }
}
