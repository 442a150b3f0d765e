package io.respool.examples.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Seed 002's fault, on demand ({@code bin/cluster-demo --fault oom}): once its trigger file appears, the node keeps
 * allocating and holding memory until its heap runs out, as a database with a leak does. Node JVMs run with
 * {@code -XX:+ExitOnOutOfMemoryError}, so the node then exits at once and its standby fails over; under the cluster
 * manager the agent's heap watch raises its alarm first. One daemon thread of its own.
 */
final class HeapExhaustion
{
    /** Bytes held per allocation. */
    static final int CHUNK_BYTES = 1 << 20;
    /**
     * Between two allocations: a 256 MiB heap fills in about 10 s, and the last young collection before the error
     * (old generation full after a full collection) comes more than a second before it, so the agent, reading once a
     * second, raises its heap alarm first.
     */
    static final long CHUNK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private HeapExhaustion()
    {
    }

    /**
     * @param cluster the cluster's settings.
     * @param nodeId  the node to exhaust.
     * @return the file whose creation makes that node run out of heap.
     */
    static Path triggerFile(final ClusterConfig cluster, final int nodeId)
    {
        return triggerFile(ClusterStorage.reportFile(cluster, nodeId), nodeId);
    }

    /**
     * @param reportFile the node's report file ({@code report=} of its arguments): the trigger lies beside it.
     * @param nodeId     the node.
     * @return the trigger file.
     */
    static Path triggerFile(final Path reportFile, final int nodeId)
    {
        return reportFile.resolveSibling("node" + nodeId + ".exhaust-heap");
    }

    /**
     * Watch for the trigger; it is deleted when seen, so that a later process of the node is not exhausted too.
     */
    static void watch(final Path trigger)
    {
        final Thread thread = new Thread(() -> run(trigger), "heap-exhaustion");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run(final Path trigger)
    {
        try
        {
            while (!Files.deleteIfExists(trigger))
            {
                LockSupport.parkNanos(POLL_INTERVAL_NS);
            }
        }
        catch (final IOException ex)
        {
            System.out.println("heap exhaustion: cannot watch " + trigger + ": " + ex.getMessage());
            return;
        }
        System.out.println("HEAP EXHAUSTION: " + trigger + " appeared; holding " + (CHUNK_BYTES >> 20) + " MiB more " +
            "every " + TimeUnit.NANOSECONDS.toMillis(CHUNK_INTERVAL_NS) + " ms until the heap (" +
            (Runtime.getRuntime().maxMemory() >> 20) + " MiB) runs out");
        System.out.flush();
        final List<byte[]> held = new ArrayList<>();
        while (true)
        {
            held.add(new byte[CHUNK_BYTES]);
            LockSupport.parkNanos(CHUNK_INTERVAL_NS);
        }
    }
}
