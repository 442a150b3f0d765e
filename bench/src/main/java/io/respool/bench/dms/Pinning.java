package io.respool.bench.dms;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Optional CPU pinning of a benchmark fork, from the environment variable {@value #CPUS_ENV_NAME} (a CPU list as
 * {@code taskset -c} takes it, e.g. {@code 1} or {@code 0,1}). The whole JVM is pinned with {@code taskset -a -p}
 * before any node starts, so the node agent threads started afterwards inherit the mask. An unpinned fork says so
 * loudly on stderr: on a small shared host the scheduler moves threads around and other builds add noise.
 */
final class Pinning
{
    static final String CPUS_ENV_NAME = "RESPOOL_BENCH_CPUS";

    private static boolean done;

    private Pinning()
    {
    }

    /**
     * Pin this JVM once, or warn once that it is not pinned.
     */
    static synchronized void apply()
    {
        if (done)
        {
            return;
        }
        done = true;
        final String cpus = System.getenv(CPUS_ENV_NAME);
        if (null == cpus || cpus.isBlank())
        {
            System.err.println("WARNING: DMS benchmark threads are NOT pinned to CPUs; on a shared 2-core host the " +
                "results are noisier. Set " + CPUS_ENV_NAME + "=<cpu-list> (as taskset -c takes it) to pin.");
            return;
        }
        final String pid = Long.toString(ProcessHandle.current().pid());
        try
        {
            final Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus.trim(), pid)
                .redirectErrorStream(true).start();
            final String output = new String(taskset.getInputStream().readAllBytes()).trim();
            if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0)
            {
                throw new IllegalStateException("taskset failed: " + CPUS_ENV_NAME + "=" + cpus + ", output=" +
                    output + "; check the CPU list against nproc");
            }
            System.err.println("pinned: " + CPUS_ENV_NAME + "=" + cpus);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run taskset to pin: " + CPUS_ENV_NAME + "=" + cpus, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinning", ex);
        }
    }
}
