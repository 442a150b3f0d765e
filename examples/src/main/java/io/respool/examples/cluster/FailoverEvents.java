package io.respool.examples.cluster;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The steps of a failover as a node lives them, printed one per line for the launcher to time:
 * {@code EVENT <name> <wall ms> <detail>}. The launcher and the nodes run on one host, so the wall clock is the one
 * clock they share for a timeline (display only: no decision is taken on it). Thread-safe.
 */
final class FailoverEvents
{
    /** The peer's disk heartbeat stopped changing (this node's watch of the sector, 3 renewals missed). */
    static final String SUSPECTED = "suspected";
    /** The suspected peer's disk heartbeat changed again: a late renewal, not a failure. */
    static final String SUSPICION_CLEARED = "suspicion-cleared";
    /** The arbiter proposed the view that removes the peer (its lease ran out on the disk). */
    static final String CONFIRMED = "confirmed";
    /** The peer's DSS instance is fenced off the volume group (the kick returned). */
    static final String FENCED = "fenced";
    /** The view without the peer was decided and handed to DMS. */
    static final String PUBLISHED = "published";
    /** DMS began the reform into it. */
    static final String REFORM_STARTED = "reform-started";
    /** This node began replaying the dead node's WAL with recovery-only page access. */
    static final String RECOVERY_STARTED = "recovery-started";
    /** The replay is done. */
    static final String RECOVERY_DONE = "recovery-done";
    /** The reform ended: normal page access is open. */
    static final String REFORM_FINISHED = "reform-finished";
    /** The node read a {@code cmctl switchover/failover -n} request from its data directory. */
    static final String ROLE_REQUESTED = "role-requested";
    /** Switchover, on the old primary: DMS's DEMOTE step began. */
    static final String DEMOTE_STARTED = "demote-started";
    /** Switchover, on the old primary: the writer took its last transaction and its WAL is durable. */
    static final String WRITES_PAUSED = "writes-paused";
    /** Switchover, on the old primary: the hand-over checkpoint is written; the DEMOTE step completes. */
    static final String DEMOTED = "demoted";
    /** The new primary's first commit after the failover is durable. */
    static final String SERVING_WRITES = "serving-writes";

    private static final String PREFIX = "EVENT ";

    /**
     * One event line.
     *
     * @param name   the event.
     * @param wallMs when, wall clock.
     * @param detail what, for the log.
     */
    record Event(String name, long wallMs, String detail)
    {
    }

    private final PrintStream out;
    private volatile java.util.function.Consumer<String> listener = (name) -> {};

    FailoverEvents(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * @param onEvent sees each event's name after it is printed, on the emitting thread.
     */
    void listen(final java.util.function.Consumer<String> onEvent)
    {
        this.listener = onEvent;
    }

    void emit(final String name, final String detail)
    {
        emitLine(name, detail);
        listener.accept(name);
    }

    private void emitLine(final String name, final String detail)
    {
        out.println(String.format(Locale.ROOT, "%s%s %d %s", PREFIX, name, System.currentTimeMillis(), detail));
    }

    /**
     * @param line a line of a node's output, without the launcher's prefix.
     * @return the event it reports, or null if it is not an event line.
     */
    static Event parse(final String line)
    {
        if (!line.startsWith(PREFIX))
        {
            return null;
        }
        final String[] parts = line.substring(PREFIX.length()).split(" ", 3);
        if (parts.length < 2)
        {
            return null;
        }
        try
        {
            return new Event(parts[0], Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : "");
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
