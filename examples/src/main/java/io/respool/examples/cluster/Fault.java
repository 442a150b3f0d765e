package io.respool.examples.cluster;

import java.util.Locale;

/**
 * What a failover run does to the primary partway through ({@code bin/cluster-demo --fault KIND}).
 */
enum Fault
{
    /** No fault: the default run. */
    NONE(null),
    /** {@code kill -9} of node 0's process. */
    KILL9("KILL"),
    /** {@code kill -STOP} of node 0's process, {@code kill -CONT} once the new primary writes. */
    SIGSTOP("STOP"),
    /** Node 0 cut off the network (its namespace's link down) while both nodes keep the disk. */
    PARTITION(null),
    /** No fault: a planned {@code cmctl switchover -n 2} moves the primary to node 1, both nodes alive. */
    SWITCHOVER(null);

    private final String signal;

    Fault(final String signal)
    {
        this.signal = signal;
    }

    /**
     * @return the signal {@code kill} sends, null for none.
     */
    String signal()
    {
        return signal;
    }

    String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the choices.
     */
    static Fault parse(final String text)
    {
        for (final Fault fault : values())
        {
            if (fault.label().equals(text.toLowerCase(Locale.ROOT)))
            {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault: " + text + " (choose kill9, sigstop, partition, switchover or none)");
    }
}
