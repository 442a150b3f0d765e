package io.respool.cluster.agent;

import java.util.Map;
import java.util.Optional;

/**
 * A node JVM's heap as its performance counters show it. The old generation is what fills before an
 * {@code OutOfMemoryError} with every collector (Serial, Parallel, G1: generation 1, whose maximum is the whole heap
 * under G1), so its occupancy is the figure an alarm watches; full collections tell a reading taken after the
 * collector freed what it could.
 *
 * @param oldUsedBytes    bytes in use in the old generation.
 * @param oldMaxBytes     the most the old generation may grow to.
 * @param heapUsedBytes   bytes in use in every space of the heap.
 * @param fullCollections old-generation (full) collections so far.
 */
record JvmHeap(long oldUsedBytes, long oldMaxBytes, long heapUsedBytes, long fullCollections)
{
    private static final String GENERATION = "sun.gc.generation.";
    private static final String OLD = GENERATION + "1.";

    /**
     * @param counters a JVM's long counters ({@link HotSpotPerfData}).
     * @return its heap, or empty if the counters have no old generation.
     */
    static Optional<JvmHeap> of(final Map<String, Long> counters)
    {
        final Long oldMax = counters.get(OLD + "maxCapacity");
        if (oldMax == null || oldMax <= 0)
        {
            return Optional.empty();
        }
        long oldUsed = 0;
        long heapUsed = 0;
        for (final Map.Entry<String, Long> e : counters.entrySet())
        {
            final String name = e.getKey();
            if (name.startsWith(GENERATION) && name.endsWith(".used") && name.contains(".space."))
            {
                heapUsed += e.getValue();
                oldUsed += name.startsWith(OLD) ? e.getValue() : 0;
            }
        }
        return Optional.of(new JvmHeap(oldUsed, oldMax, heapUsed, counters.getOrDefault("sun.gc.collector.1.invocations", 0L)));
    }

    /**
     * @return the old generation's occupancy, in percent of its maximum.
     */
    int oldPercent()
    {
        return (int)(oldUsedBytes * 100 / oldMaxBytes);
    }
}
