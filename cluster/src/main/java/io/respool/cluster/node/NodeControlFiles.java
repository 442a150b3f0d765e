package io.respool.cluster.node;

import io.respool.cluster.agent.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The node process's side of {@code cmctl switchover/failover} and of its state in {@code query}, embedded in the
 * node and stepped by it ({@link #doWork()} from its duty cycle, on its own clock). It polls
 * {@code <data_dir>/cm_request} (written by cmctl: {@code request = switchover|failover}, {@code node_id},
 * {@code request_id}) every poll interval, hands a new request to the node's {@link Handler} (under the disk arbiter:
 * {@link ArbiterRoleRequests}, which asks the arbiter for a view with this node primary, by switchover while the
 * primary runs or by failover once it is fenced or its lease ran out), and when the handler's
 * stage completes writes the role it reports into {@code <data_dir>/cm_role} ({@link RoleFile}, by temporary file
 * and rename) with the request's id and result, then deletes the request, unless cmctl replaced it meanwhile.
 * The node also reports here whether it serves ({@link #report}); its agent shows Normal only then.
 *
 * <p>States: {@code IDLE} (polling) and {@code HANDLING} (one request under way; the file is not read again until
 * it is done). A request that cannot be parsed is answered {@code failed} and deleted. Single-threaded: call every
 * method from the node's one thread; the handler's stage may complete on any thread.
 */
public final class NodeControlFiles
{
    /** The request file in the node's data directory. */
    public static final String REQUEST_FILE = "cm_request";
    /** Default poll interval: cmctl waits for the result in 100 ms steps too. */
    public static final long DEFAULT_POLL_INTERVAL_MS = 100;

    /**
     * What the node does for a request.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * Called once per request, from {@link #doWork()}; must not block (start the work, return its stage).
         *
         * @param request the request.
         * @return completes with the node's role afterwards ({@code Primary} when it succeeded), or exceptionally
         * with why it could not be done.
         */
        CompletionStage<String> handle(Request request);
    }

    /**
     * A request read from {@code cm_request}.
     *
     * @param op        {@code switchover} or {@code failover}.
     * @param nodeId    the CM node that is to become primary (this one).
     * @param requestId cmctl's id for it.
     */
    public record Request(String op, int nodeId, long requestId)
    {
    }

    private enum State
    {
        IDLE,
        HANDLING
    }

    private final Path dataDir;
    private final LongSupplier clockMs;
    private final long pollIntervalMs;
    private final Handler handler;
    private State state = State.IDLE;
    private long nextPollMs;
    private Request current;
    private CompletableFuture<String> pending;
    private RoleFile role;
    private String lastError = "";

    /**
     * @param dataDir        the node's data directory ({@code data_dir} of its DN instance in cm_resource.json).
     * @param clockMs        the node's monotonic clock in ms.
     * @param pollIntervalMs how often the request file is read.
     * @param handler        carries out requests.
     * @param initialRole    the role the node starts in (Standby, or Primary for the first primary); not serving.
     */
    public NodeControlFiles(final Path dataDir, final LongSupplier clockMs, final long pollIntervalMs,
        final Handler handler, final String initialRole)
    {
        this.dataDir = dataDir;
        this.clockMs = clockMs;
        this.pollIntervalMs = pollIntervalMs;
        this.handler = handler;
        this.role = new RoleFile(initialRole, false, false, 0, "");
        this.nextPollMs = clockMs.getAsLong();
        write();
    }

    /**
     * The node's role and whether it serves: call at start (serving false), when it is ready (true), after every
     * role change DMS makes by itself (a failover reform), and when it stops serving (fenced, stopping).
     *
     * @param newRole Primary or Standby.
     * @param serving it serves requests.
     */
    public void report(final String newRole, final boolean serving)
    {
        final RoleFile next = new RoleFile(newRole, serving, role.promoting(), role.requestId(), role.requestResult());
        if (!next.equals(role))
        {
            role = next;
            write();
        }
    }

    /**
     * @return the role file's content as last written.
     */
    public RoleFile role()
    {
        return role;
    }

    /**
     * @return the last error writing or deleting a file, "" if none.
     */
    public String lastError()
    {
        return lastError;
    }

    /**
     * One step: finish a request whose stage completed, or read the request file when the poll interval passed.
     *
     * @return work done.
     */
    public int doWork()
    {
        final long now = clockMs.getAsLong();
        if (state == State.HANDLING)
        {
            return pending.isDone() ? finish() : 0;
        }
        if (now - nextPollMs < 0)
        {
            return 0;
        }
        nextPollMs = now + pollIntervalMs;
        final String text = readRequest();
        if (text == null)
        {
            return 0;
        }
        final Request request;
        try
        {
            request = parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            role = new RoleFile(role.role(), role.serving(), false, 0, "failed: " + ex.getMessage());
            write();
            deleteRequest(text);
            return 1;
        }
        if (request.requestId() == role.requestId())
        {
            // already answered (the delete failed, or a copy came back): answer nothing twice
            deleteRequest(text);
            return 1;
        }
        current = request;
        role = new RoleFile(role.role(), role.serving(), true, role.requestId(), role.requestResult());
        write();
        state = State.HANDLING;
        try
        {
            pending = handler.handle(request).toCompletableFuture();
        }
        catch (final RuntimeException ex)
        {
            pending = CompletableFuture.failedFuture(ex);
        }
        return pending.isDone() ? 1 + finish() : 1;
    }

    private int finish()
    {
        String result = "ok";
        String newRole = role.role();
        try
        {
            newRole = pending.join();
        }
        catch (final RuntimeException ex)
        {
            final Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            result = "failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        role = new RoleFile(newRole, role.serving(), false, current.requestId(), result);
        write();
        final String text = readRequest();
        if (text != null)
        {
            try
            {
                if (parse(text).requestId() == current.requestId())
                {
                    deleteRequest(text);
                }
            }
            catch (final IllegalArgumentException ex)
            {
                // a malformed replacement: the next poll answers it
            }
        }
        state = State.IDLE;
        current = null;
        pending = null;
        return 1;
    }

    static Request parse(final String text)
    {
        final Map<String, String> m = RoleFile.keyValues(text);
        final String op = m.getOrDefault("request", "");
        final int nodeId = (int)number(m, "node_id");
        final long requestId = number(m, "request_id");
        if (!op.equals("switchover") && !op.equals("failover"))
        {
            throw new IllegalArgumentException("unknown request in " + REQUEST_FILE + ": '" + op +
                "', expected switchover or failover");
        }
        if (requestId <= 0)
        {
            throw new IllegalArgumentException("no request_id in " + REQUEST_FILE);
        }
        return new Request(op, nodeId, requestId);
    }

    private static long number(final Map<String, String> m, final String key)
    {
        try
        {
            return Long.parseLong(m.getOrDefault(key, "-1"));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad " + key + " in " + REQUEST_FILE + ": " + m.get(key));
        }
    }

    private String readRequest()
    {
        try
        {
            return Files.readString(dataDir.resolve(REQUEST_FILE), StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            lastError = "cannot read " + dataDir.resolve(REQUEST_FILE) + ": " + ex.getMessage();
            return null;
        }
    }

    private void deleteRequest(final String expected)
    {
        final Path file = dataDir.resolve(REQUEST_FILE);
        try
        {
            // cmctl writes the request by rename, so an unchanged content means the same request
            if (expected.equals(Files.readString(file, StandardCharsets.UTF_8)))
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final NoSuchFileException ex)
        {
            // already gone
        }
        catch (final IOException ex)
        {
            lastError = "cannot delete " + file + ": " + ex.getMessage();
        }
    }

    private void write()
    {
        try
        {
            AtomicFiles.write(dataDir.resolve(RoleFile.FILE), role.format());
        }
        catch (final IOException ex)
        {
            lastError = "cannot write " + dataDir.resolve(RoleFile.FILE) + ": " + ex.getMessage();
        }
    }
}
