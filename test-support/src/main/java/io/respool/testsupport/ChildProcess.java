package io.respool.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process a test started: its output read as it comes (stdout and stderr merged, or kept apart, or sent to a
 * log file), a handshake on a line it prints, and the ways to end it. Failures are {@link AssertionError}s that
 * name the child and show the end of what it printed. Start a JVM child with {@link ChildJvm}, any other command
 * with {@link #builder(List)}. Closing it kills it if it still runs, so that a failed test leaves no child behind.
 */
public final class ChildProcess implements AutoCloseable
{
    /**
     * Lines of output shown in a failure message.
     */
    public static final int TAIL_LINES = 40;

    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final CapturedOutput out;
    private final CapturedOutput err;
    private final Path logFile;

    private ChildProcess(final String name, final Process process, final boolean separateStderr, final Path logFile)
    {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.out = logFile == null ? new CapturedOutput(process.getInputStream(), name + "-stdout") : null;
        this.err = separateStderr ? new CapturedOutput(process.getErrorStream(), name + "-stderr") : null;
    }

    /**
     * @param command the program and its arguments.
     * @return a builder for a child running {@code command}.
     */
    public static Builder builder(final List<String> command)
    {
        return new Builder(command);
    }

    public String name()
    {
        return name;
    }

    public Process process()
    {
        return process;
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Wait for the next line, after those an earlier wait returned, that equals {@code line}.
     *
     * @throws AssertionError naming the line, the time waited and the child's state and output tail, if the child
     * ends or the time runs out first.
     */
    public void awaitLine(final String line, final Duration timeout)
    {
        awaitLine("'" + line + "'", line::equals, timeout);
    }

    /**
     * Wait for the next line, after those an earlier wait returned, that {@code matcher} accepts.
     *
     * @param what what is waited for, for the failure message.
     * @return the line, without its line terminator.
     * @throws AssertionError naming {@code what}, the time waited and the child's state and output tail, if the
     * child ends or the time runs out first.
     */
    public String awaitLine(final String what, final Predicate<String> matcher, final Duration timeout)
    {
        if (out == null)
        {
            throw new IllegalStateException(name + " writes its output to " + logFile + ", so no line can be " +
                "awaited; start it without logTo to wait on its output");
        }
        final String line;
        try
        {
            line = out.awaitLine(matcher, timeout);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + " interrupted while waiting for " + what, ex);
        }
        if (line == null)
        {
            throw new AssertionError(name + " did not print " + what + " within " + timeout.toMillis() + " ms (" +
                state() + "); its output ends:\n" + tail());
        }
        return line;
    }

    /**
     * Wait for the child to exit; its output is then complete.
     *
     * @return whether it exited in time.
     */
    public boolean waitFor(final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS))
            {
                return false;
            }
            boolean drained = out == null || out.awaitEnd(OUTPUT_DRAIN);
            drained &= err == null || err.awaitEnd(OUTPUT_DRAIN);
            return drained;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + " interrupted while waiting for it to exit", ex);
        }
    }

    /**
     * Wait for the child to exit, killing it if it does not in time.
     *
     * @return its exit status.
     * @throws AssertionError naming the time waited and showing the output tail, if it did not exit in time.
     */
    public int awaitExit(final Duration timeout)
    {
        if (!waitFor(timeout))
        {
            kill();
            throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms and was killed; " +
                "its output ends:\n" + tail());
        }
        return process.exitValue();
    }

    public int exitValue()
    {
        return process.exitValue();
    }

    /**
     * Send a line to the child's standard input.
     */
    public void send(final String line)
    {
        try
        {
            final OutputStream stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write to " + name + " (" + state() + ")", ex);
        }
    }

    /**
     * Close the child's standard input, so that it reads end of file.
     */
    public void closeInput()
    {
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return everything the child printed so far: stdout and stderr merged, unless stderr was kept apart.
     */
    public String output()
    {
        if (out == null)
        {
            return readLog();
        }
        return out.text();
    }

    /**
     * @return everything the child printed on stderr so far, if it was kept apart.
     */
    public String errorOutput()
    {
        if (err == null)
        {
            throw new IllegalStateException(name + " merges stderr into its output: start it with separateStderr()");
        }
        return err.text();
    }

    /**
     * @return the last {@link #TAIL_LINES} lines the child printed (and of its stderr, if kept apart).
     */
    public String tail()
    {
        final String tail = out == null ? lastLines(readLog()) : out.tail(TAIL_LINES);
        return err == null ? tail : tail + "\n--- stderr ---\n" + err.tail(TAIL_LINES);
    }

    /**
     * A thread dump of a JVM child ({@code jstack}), for a failure message when it hangs.
     */
    public String threadDump()
    {
        final List<String> command = List.of(ChildJvm.javaHomeTool("jstack"), Long.toString(pid()));
        try (ChildProcess jstack = builder(command).name("jstack " + pid()).start())
        {
            jstack.awaitExit(Duration.ofSeconds(30));
            return jstack.output();
        }
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within {@code grace}; waits for it to exit.
     */
    public void stop(final Duration grace)
    {
        process.destroy();
        if (!waitFor(grace))
        {
            kill();
        }
    }

    /**
     * SIGKILL, as a crash would; waits for it to exit.
     */
    public void kill()
    {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /**
     * SIGSTOP: the child stops where it is, as under a long GC pause or a frozen VM, until {@link #resume}.
     */
    public void pause()
    {
        signal("STOP");
    }

    /**
     * SIGCONT: a child {@link #pause}d carries on where it stopped.
     */
    public void resume()
    {
        signal("CONT");
    }

    private void signal(final String name)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0)
            {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed: " + this.name);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while signalling " + this.name, ex);
        }
    }

    /**
     * Kill the child if it still runs.
     */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            kill();
        }
    }

    @Override
    public String toString()
    {
        return name + " (pid " + process.pid() + ", " + state() + ")";
    }

    private String state()
    {
        return process.isAlive() ? "still running" : "exited with " + process.exitValue();
    }

    private String readLog()
    {
        try
        {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            return "(cannot read " + logFile + ": " + ex + ")";
        }
    }

    private static String lastLines(final String text)
    {
        final List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - TAIL_LINES), all.size()));
    }

    /**
     * How to start a child: its command, environment and where its output goes.
     */
    public static final class Builder
    {
        private final List<String> command;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Set<String> removedEnvironment = new LinkedHashSet<>();
        private String name;
        private boolean separateStderr;
        private Path logFile;

        private Builder(final List<String> command)
        {
            this.command = List.copyOf(command);
            this.name = new File(command.get(0)).getName();
        }

        /**
         * @param name how failure messages call the child.
         */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        public Builder environment(final String key, final String value)
        {
            environment.put(key, value);
            removedEnvironment.remove(key);
            return this;
        }

        public Builder environment(final Map<String, String> variables)
        {
            variables.forEach(this::environment);
            return this;
        }

        /**
         * Do not pass these variables of this JVM's environment on.
         */
        public Builder withoutEnvironment(final String... keys)
        {
            for (final String key : keys)
            {
                environment.remove(key);
                removedEnvironment.add(key);
            }
            return this;
        }

        /**
         * Keep stderr apart from stdout ({@link #errorOutput()}); merged by default.
         */
        public Builder separateStderr()
        {
            this.separateStderr = true;
            return this;
        }

        /**
         * Send stdout and stderr, merged, to {@code file} instead of reading them here: for a long-lived child
         * such as a media driver, whose log a failure points to. No line can then be awaited.
         */
        public Builder logTo(final Path file)
        {
            this.logFile = file;
            return this;
        }

        public List<String> command()
        {
            return command;
        }

        /**
         * @throws UncheckedIOException if the program cannot be started, naming the command.
         */
        public ChildProcess start()
        {
            final ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
            removedEnvironment.forEach(builder.environment()::remove);
            builder.environment().putAll(environment);
            if (logFile != null)
            {
                builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
            }
            else
            {
                builder.redirectErrorStream(!separateStderr);
            }
            try
            {
                return new ChildProcess(name, builder.start(), separateStderr && logFile == null, logFile);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), ex);
            }
        }
    }
}
