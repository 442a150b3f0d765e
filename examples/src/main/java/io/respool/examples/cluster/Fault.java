package io.respool.examples.cluster;

import java.util.Locale;

/**
 * What a failover run does to the primary partway through ({@code bin/cluster-demo --fault KIND}).
 */
enum Fault
{
    /** No fault: the default run. */
    NONE(null, "no fault"),
    /** {@code kill -9} of node 0's process. */
    KILL9("KILL", "kill -9"),
    /** {@code kill -STOP} of node 0's process, {@code kill -CONT} once the new primary writes. */
    SIGSTOP("STOP", "kill -STOP"),
    /** Node 0 cut off the network (its namespace's link down) while both nodes keep the disk. */
    PARTITION(null, "network cut"),
    /** Node 0 keeps allocating until its heap runs out (seed 002), {@link HeapExhaustion}; it exits on the error. */
    OOM(null, "heap exhaustion"),
    /** No fault: a planned {@code cmctl switchover -n 2} moves the primary to node 1, both nodes alive. */
    SWITCHOVER(null, "planned switchover");

    private final String signal;
    private final String action;

    Fault(final String signal, final String action)
    {
        this.signal = signal;
        this.action = action;
    }

    /**
     * @return what is done to the primary, in words: {@code kill -9}, {@code heap exhaustion}.
     */
    String action()
    {
        return action;
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
        throw new IllegalArgumentException("unknown fault: " + text + " (choose kill9, sigstop, oom, partition, " +
            "switchover or none)");
    }
}
