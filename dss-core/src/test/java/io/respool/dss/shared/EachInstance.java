package io.respool.dss.shared;

import io.respool.dss.Dss;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per instance, each on its own thread, released together once every thread is ready.
 */
final class EachInstance
{
    /**
     * What one instance's thread does, once all are released.
     */
    interface Task
    {
        void run(Dss dss, int index, CyclicBarrier start) throws Exception;
    }

    private EachInstance()
    {
    }

    /**
     * Run {@code task} for every instance at once and wait for all; the first failure is thrown. A task calls
     * {@code start.await()} when it is ready to race the others.
     */
    static void runAtOnce(final List<Dss> instances, final Task task) throws Exception
    {
        final CyclicBarrier start = new CyclicBarrier(instances.size());
        final ExecutorService pool = Executors.newFixedThreadPool(instances.size());
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < instances.size(); i++)
            {
                final Dss dss = instances.get(i);
                final int index = i;
                futures.add(pool.submit(() ->
                {
                    task.run(dss, index, start);
                    return null;
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get();
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
