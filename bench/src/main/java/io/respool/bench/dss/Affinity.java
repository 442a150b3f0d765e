package io.respool.bench.dss;

import com.sun.jna.Native;

/**
 * Optional CPU pinning of benchmark threads, from the environment variable {@value #CPUS_ENV_NAME} (a comma-separated
 * CPU list such as {@code 1} or {@code 0,1}; the n-th benchmark thread of a fork goes to the n-th CPU, wrapping). The
 * forked JVMs inherit the environment, so set it on the {@code java -jar benchmarks.jar} command. Unpinned runs say so
 * loudly on stderr, once per fork, because on a small shared host the scheduler moves threads around.
 */
final class Affinity
{
    static final String CPUS_ENV_NAME = "RESPOOL_BENCH_CPUS";

    private static final int[] CPUS = parse(System.getenv(CPUS_ENV_NAME));
    private static boolean warned;

    private Affinity()
    {
    }

    /**
     * Pin the calling thread to the {@code threadIndex}-th configured CPU, or warn once if none is configured.
     */
    static synchronized void pinCurrentThread(final int threadIndex)
    {
        if (CPUS.length == 0)
        {
            if (!warned)
            {
                warned = true;
                System.err.println("WARNING: benchmark threads are NOT pinned to CPUs; results on a shared host are " +
                    "noisier. Set " + CPUS_ENV_NAME + "=<cpu>[,<cpu>...] to pin.");
            }
            return;
        }
        final int cpu = CPUS[threadIndex % CPUS.length];
        final long[] mask = new long[16];
        mask[cpu / 64] |= 1L << (cpu % 64);
        if (RawIo.sched_setaffinity(0, mask.length * 8L, mask) != 0)
        {
            throw new IllegalStateException("sched_setaffinity failed: cpu=" + cpu + ", errno=" +
                Native.getLastError() + "; check " + CPUS_ENV_NAME + " against nproc");
        }
    }

    private static int[] parse(final String value)
    {
        if (value == null || value.isBlank())
        {
            return new int[0];
        }
        final String[] parts = value.split(",");
        final int[] cpus = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            cpus[i] = Integer.parseInt(parts[i].trim());
            if (cpus[i] < 0 || cpus[i] >= 1024)
            {
                throw new IllegalArgumentException("bad CPU in " + CPUS_ENV_NAME + "=" + value);
            }
        }
        return cpus;
    }
}
