package io.respool.cluster.agent;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The agent's log lines, in {@code cm_agent}'s shape ({@code <time> tid=<n> <thread> LOG: ...}), and its key events
 * in CM's {@code [KeyEvent: KEY_EVENT_...] [Instance: <id>] [Details: ...]} form, so that what operators grep for
 * in CM logs finds the same events here. The wall clock is for display only.
 */
public final class AgentLog
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
        .withZone(ZoneId.systemDefault());

    private final Consumer<String> sink;
    private final LongSupplier wallClockMs;

    /**
     * @param sink        where each line goes.
     * @param wallClockMs wall clock for the time stamp.
     */
    public AgentLog(final Consumer<String> sink, final LongSupplier wallClockMs)
    {
        this.sink = sink;
        this.wallClockMs = wallClockMs;
    }

    void log(final String level, final String thread, final String message)
    {
        sink.accept(TIME.format(Instant.ofEpochMilli(wallClockMs.getAsLong())) + " tid=" +
            ProcessHandle.current().pid() + " " + thread + " " + level + ": " + message);
    }

    void info(final String message)
    {
        log("LOG", "StartAndStop", message);
    }

    void warn(final String message)
    {
        log("WARNING", "StartAndStop", message);
    }

    void keyEvent(final String event, final int instanceId, final String details)
    {
        log("LOG", "StartAndStop", "[KeyEvent: " + event + "] [Instance: " + instanceId + "] [Details: " + details + "]");
    }
}
