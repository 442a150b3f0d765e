package io.respool.bench.dms;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Optional CPU pinning of benchmark threads, from the system property {@value #CPUS_PROP_NAME} or else the
 * environment variable {@value #CPUS_ENV_NAME} (messages name whichever was used), a comma-separated list of two
 * CPUs such as {@code 0,1} (one CPU pins both sides to it; any after the second are ignored): the asking side (the
 * benchmark thread, node 0's agent, the ping end of the raw echo) goes to the first CPU and the answering side
 * (the other nodes' agents, the echo end) to the second, as if each side had a machine of its own.
 * Media drivers run inside those threads (invoker mode), so they follow.
 * Threads are pinned with {@code taskset -p} by thread id, found in {@code /proc/self/task/<tid>/comm} by name.
 * Unpinned forks say so loudly on stderr: on a small shared host the scheduler moves threads around, and whether the
 * two ends of a round trip share a CPU changes the figures by a factor of two.
 */
public final class Pinning
{
    static final String CPUS_ENV_NAME = "RESPOOL_BENCH_CPUS";
    /** Overrides the environment variable when set, even to nothing (unpinned); how {@code RunAll} picks per suite. */
    public static final String CPUS_PROP_NAME = "respool.bench.cpus";

    /** Which side of a round trip a thread is on. */
    enum Side
    {
        ASKING, ANSWERING
    }

    /** Which of the two the value came from, for messages. */
    private static final String SETTING = System.getProperty(CPUS_PROP_NAME) != null ?
        "-D" + CPUS_PROP_NAME : CPUS_ENV_NAME;
    private static final String[] CPUS = parse(System.getProperty(CPUS_PROP_NAME, System.getenv(CPUS_ENV_NAME)));
    private static boolean warned;

    private Pinning()
    {
    }

    /**
     * Pin the calling thread, or warn once per fork that nothing is pinned.
     */
    static void pinCurrentThread(final Side side)
    {
        if (warnIfUnpinned())
        {
            return;
        }
        try
        {
            final String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            taskset(side, self);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot find this thread's id in /proc/thread-self", ex);
        }
    }

    /**
     * Pin the thread with this name (as the JVM named it; at most its first 15 characters are compared).
     */
    static void pinThread(final String name, final Side side)
    {
        if (warnIfUnpinned())
        {
            return;
        }
        final String comm = name.length() > 15 ? name.substring(0, 15) : name;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task")))
        {
            for (final Path task : tasks)
            {
                if (comm.equals(Files.readString(task.resolve("comm")).trim()))
                {
                    taskset(side, task.getFileName().toString());
                    return;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot list /proc/self/task to pin thread " + name, ex);
        }
        throw new IllegalStateException("no thread to pin: name=" + name);
    }

    private static synchronized boolean warnIfUnpinned()
    {
        if (CPUS.length > 0)
        {
            return false;
        }
        if (!warned)
        {
            warned = true;
            System.err.println("WARNING: DMS benchmark threads are NOT pinned to CPUs; on a shared 2-core host the " +
                "results are noisier. Set " + SETTING + "=<asking cpu>,<answering cpu> (e.g. 0,1) to pin.");
        }
        return true;
    }

    private static void taskset(final Side side, final String tid)
    {
        final String cpu = CPUS[side.ordinal()];
        try
        {
            final Process taskset = new ProcessBuilder("taskset", "-p", "-c", cpu, tid)
                .redirectErrorStream(true).start();
            final String output = new String(taskset.getInputStream().readAllBytes()).trim();
            if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0)
            {
                throw new IllegalStateException("taskset failed: " + SETTING + "=" + String.join(",", CPUS) +
                    ", tid=" + tid + ", output=" + output + "; check the CPUs against nproc");
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run taskset: tid=" + tid + ", cpu=" + cpu, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinning", ex);
        }
    }

    private static String[] parse(final String value)
    {
        if (value == null || value.isBlank())
        {
            return new String[0];
        }
        // the DSS benchmarks read the same variable as a list of any length: one CPU pins both sides to it, and any
        // after the second are ignored here
        final String[] cpus = value.trim().split("\\s*,\\s*");
        return new String[]{ cpus[0], cpus[Math.min(1, cpus.length - 1)] };
    }
}
