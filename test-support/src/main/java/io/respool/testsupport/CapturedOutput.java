package io.respool.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What one stream of a child process printed, read by its own daemon thread as it comes so that the child never
 * blocks on a full pipe. The text is kept whole; lines are offered to {@link #awaitLine} once they end.
 */
final class CapturedOutput
{
    private final StringBuilder text = new StringBuilder();
    private final Thread pump;
    private int lineStart;
    private int scanned;
    private boolean ended;

    CapturedOutput(final InputStream stream, final String threadName)
    {
        pump = new Thread(() -> pump(stream), threadName);
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(final InputStream stream)
    {
        final char[] chunk = new char[8192];
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8))
        {
            int n;
            while ((n = reader.read(chunk)) > 0)
            {
                synchronized (this)
                {
                    text.append(chunk, 0, n);
                    notifyAll();
                }
            }
        }
        catch (final IOException ignore)
        {
            // the stream closes when the child dies; what was read is kept
        }
        finally
        {
            synchronized (this)
            {
                ended = true;
                notifyAll();
            }
        }
    }

    /**
     * Wait for the next line, after those returned before, that {@code matcher} accepts; earlier lines are passed
     * over, as a reader of the stream would.
     *
     * @return the line without its line terminator, or null if the stream ended or the time ran out first.
     */
    synchronized String awaitLine(final Predicate<String> matcher, final Duration timeout) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            int end;
            while ((end = text.indexOf("\n", scanned)) >= 0)
            {
                final String line = stripCarriageReturn(text.substring(lineStart, end));
                lineStart = end + 1;
                scanned = lineStart;
                if (matcher.test(line))
                {
                    return line;
                }
            }
            scanned = text.length();
            final long leftNs = deadlineNs - System.nanoTime();
            if (ended || leftNs <= 0)
            {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, leftNs);
        }
    }

    /**
     * Wait for the stream to end (the child has exited and its last bytes are read).
     *
     * @return whether it ended in time.
     */
    boolean awaitEnd(final Duration timeout) throws InterruptedException
    {
        pump.join(Math.max(1, timeout.toMillis()));
        return !pump.isAlive();
    }

    synchronized String text()
    {
        return text.toString();
    }

    /**
     * @return the last {@code lines} lines printed, for failure messages.
     */
    synchronized String tail(final int lines)
    {
        final List<String> all = text.toString().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String stripCarriageReturn(final String line)
    {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
