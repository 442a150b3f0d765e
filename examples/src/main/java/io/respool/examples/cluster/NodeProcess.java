package io.respool.examples.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClusterNode} in a child JVM: started with the JVM flags Agrona needs, this JVM's class path and the
 * pass-through properties; its output is copied line by line with a {@code node N |} prefix. Its standard input
 * stays open while this object lives: the node stops when it closes, so it never outlives the launcher.
 */
final class NodeProcess implements AutoCloseable, FaultTarget
{
    /** What Agrona needs on Java 17, unless the build says otherwise ({@code respool.jvm.args}). */
    static final String DEFAULT_JVM_ARGS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private static final String SETSID = findSetsid();

    private final int nodeId;
    private final Process process;
    private final Thread pump;

    /** Sees each line of a node's output on its copying thread; returns whether to copy it on. */
    @FunctionalInterface
    interface LineListener
    {
        LineListener PRINT_ALL = (line) -> true;

        boolean onLine(String line);
    }

    /**
     * @return completes when the process ends.
     */
    CompletableFuture<Process> onExit()
    {
        return process.onExit();
    }

    private NodeProcess(final int nodeId, final Process process, final PrintStream out, final LineListener listener)
    {
        this.nodeId = nodeId;
        this.process = process;
        this.pump = new Thread(() -> copyOutput(out, listener), "node-" + nodeId + "-output");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Start a node.
     *
     * @param nodeId      0 or 1.
     * @param nodeArgs    the node's {@code name=value} arguments.
     * @param passThrough system properties to give the child JVM.
     * @param out         where its output goes.
     * @return the running node.
     */
    static NodeProcess start(final int nodeId, final Map<String, String> nodeArgs,
        final Map<String, String> passThrough, final PrintStream out)
    {
        return start(nodeId, nodeArgs, passThrough, out, LineListener.PRINT_ALL);
    }

    /**
     * Start a node whose output lines a listener sees first.
     */
    static NodeProcess start(final int nodeId, final Map<String, String> nodeArgs,
        final Map<String, String> passThrough, final PrintStream out, final LineListener listener)
    {
        return start(nodeId, nodeArgs, passThrough, out, listener, List.of());
    }

    /**
     * Start a node under a command prefix ({@code ip netns exec NS}: the prefix execs the JVM, so the pid is the
     * node's).
     */
    static NodeProcess start(final int nodeId, final Map<String, String> nodeArgs,
        final Map<String, String> passThrough, final PrintStream out, final LineListener listener,
        final List<String> prefix)
    {
        final List<String> command = new ArrayList<>();
        if (SETSID != null)
        {
            // its own session: a Ctrl-C in the terminal reaches the launcher only, which then stops the node in
            // order (closing its stdin) instead of the node dying with its DMS and DSS state left open
            command.add(SETSID);
        }
        command.addAll(prefix);
        command.addAll(javaCommand(nodeArgs, passThrough));
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new NodeProcess(nodeId, process, out, listener);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start node " + nodeId + ": command=" + command.get(0), ex);
        }
    }

    /**
     * @return the command line of a node JVM: this JVM's java and class path, Agrona's flags, the pass-through
     * properties and the node's arguments.
     */
    static List<String> javaCommand(final Map<String, String> nodeArgs, final Map<String, String> passThrough)
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (final String arg : System.getProperty("respool.jvm.args", DEFAULT_JVM_ARGS).trim().split("\\s+"))
        {
            command.add(arg);
        }
        command.add("-Xmx256m");
        // a node out of heap exits at once and is failed over, rather than run on with threads that died of it
        command.add("-XX:+ExitOnOutOfMemoryError");
        // fewer GC threads: the machine may have 2 cores, shared by two nodes
        command.add("-XX:+UseSerialGC");
        if (!passThrough.containsKey("org.slf4j.simpleLogger.defaultLogLevel"))
        {
            command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        }
        passThrough.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ClusterNode.class.getName());
        nodeArgs.forEach((name, value) -> command.add(name + "=" + value));
        return command;
    }

    private static String findSetsid()
    {
        for (final String candidate : new String[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (new File(candidate).canExecute())
            {
                return candidate;
            }
        }
        return null;
    }

    private void copyOutput(final PrintStream out, final LineListener listener)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (listener.onLine(line))
                {
                    out.println("node " + nodeId + " | " + line);
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process is gone
        }
    }

    int nodeId()
    {
        return nodeId;
    }

    @Override
    public long pid()
    {
        return process.pid();
    }

    @Override
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Send the process a signal by {@code kill}: what an operator's fault does, not the orderly {@link #close}.
     *
     * @param signal {@code KILL}, {@code STOP} or {@code CONT}.
     * @throws IllegalStateException if {@code kill} failed.
     */
    @Override
    public void signal(final String signal)
    {
        kill(process.pid(), signal);
    }

    /**
     * Send a process a signal by {@code kill}.
     *
     * @throws IllegalStateException if {@code kill} failed.
     */
    static void kill(final long pid, final String signal)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true).start();
            final String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
            {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending " + signal + " to " + pid, ex);
        }
    }

    int exitValue()
    {
        return process.exitValue();
    }

    /**
     * Wait for the process to end and its output to be copied.
     *
     * @return true if it ended in time.
     */
    boolean waitFor(final long timeoutMs)
    {
        try
        {
            final boolean ended = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
            if (ended)
            {
                pump.join(TimeUnit.SECONDS.toMillis(5));
            }
            return ended;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stop the node: close its standard input (it stops by itself), then SIGTERM, then SIGKILL.
     */
    @Override
    public void close()
    {
        if (!process.isAlive())
        {
            waitFor(0);
            return;
        }
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ignore)
        {
            // already closed
        }
        if (!waitFor(TimeUnit.SECONDS.toMillis(15)))
        {
            process.destroy();
            if (!waitFor(TimeUnit.SECONDS.toMillis(5)))
            {
                process.destroyForcibly();
                waitFor(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }
}
