package io.respool.dms;

import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coherence under load on 2, 3 and 4 nodes in one JVM, and on 3 nodes with a fraction of all messages dropped.
 */
class CoherenceTest
{
    static long seed()
    {
        final Long fixed = Long.getLong("respool.test.seed");
        return fixed != null ? fixed : System.nanoTime();
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = { 2, 3, 4 })
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldKeepCountersExactUnderConcurrentSAndX(final int nodes) throws Exception
    {
        final long seed = seed();
        final CoherenceLoad load = new CoherenceLoad(seed, 12, 2, TimeUnit.SECONDS.toNanos(3), 0.4, 0.03);
        try (TestCluster cluster = new TestCluster(nodes, (ctx) -> {}))
        {
            load.run(cluster);
            System.out.println("coherence " + nodes + " nodes: " + load.describe());
            assertTrue(load.failures.isEmpty(), () -> "coherence broken: " + load.describe() + "\n  " +
                String.join("\n  ", load.failures));
            assertTrue(load.operations.get() > 100, () -> "too little work done: " + load.describe());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldKeepCountersExactWhenMessagesAreLost() throws Exception
    {
        final long seed = seed();
        final CoherenceLoad load = new CoherenceLoad(seed, 8, 2, TimeUnit.SECONDS.toNanos(4), 0.4, 0.03);
        final int[] nodeCounter = { 0 };
        try (TestCluster cluster = new TestCluster(3, (ctx) -> ctx
            .lossRate(0.05)
            .lossSeed(seed + nodeCounter[0]++)
            .retryIntervalNs(TimeUnit.MILLISECONDS.toNanos(2))
            .redriveIntervalNs(TimeUnit.MILLISECONDS.toNanos(5))))
        {
            load.run(cluster);
            long dropped = 0;
            for (int i = 0; i < 3; i++)
            {
                dropped += StatsReader.read(new File(cluster.node(i).nodeDirectory(), StatsFileDescriptor.FILE_NAME))
                    .counter(StatCounter.MESSAGES_DROPPED_INJECTED);
            }
            final long droppedTotal = dropped;
            System.out.println("coherence with loss: " + load.describe() + ", dropped=" + droppedTotal);
            assertTrue(load.failures.isEmpty(), () -> "coherence broken under loss: " + load.describe() +
                ", dropped=" + droppedTotal + "\n  " + String.join("\n  ", load.failures));
            assertTrue(droppedTotal > 0, "the loss injector dropped nothing");
            assertTrue(load.operations.get() > 50, () -> "too little work done: " + load.describe());
        }
    }
}
