package io.respool.examples.cluster;

import io.respool.cluster.node.NodeControlFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The example node's side of the cluster manager when an agent runs it ({@code cm=true}): the control files in its
 * data directory ({@link NodeControlFiles}: {@code cm_role} for the agent and {@code cmctl query}, {@code cm_request}
 * from {@code cmctl switchover/failover}, carried out by the arbiter through {@link #requests}), stepped by one thread of its own every 20 ms. Other threads say what the
 * node is through {@link #role}; only this thread touches the files (NodeControlFiles is single-threaded).
 * <p>
 * It also tells a restart from a first start: the agent restarts a node that died (the old primary after a
 * {@code kill -9}) in the same data directory, where the first incarnation left a marker.
 */
final class CmControl implements AutoCloseable
{
    /** Written in the data directory at the first start: a later start there is a restart by the agent. */
    static final String INCARNATION_FILE = "incarnation";

    private static final long DUTY_CYCLE_MS = 20;

    private final NodeControlFiles files;
    private final Thread thread;
    private final int incarnation;
    private volatile String role;
    private volatile boolean serving;
    private volatile boolean running = true;
    private volatile NodeControlFiles.Handler requests;
    private final FailoverEvents events;

    /**
     * @param dataDir     the node's data directory (its {@code data_dir} in cm_resource.json).
     * @param initialRole Primary or Standby.
     * @param events      where a request read from {@code cm_request} is told ({@link FailoverEvents#ROLE_REQUESTED}).
     */
    CmControl(final Path dataDir, final String initialRole, final FailoverEvents events)
    {
        this.events = events;
        this.incarnation = nextIncarnation(dataDir);
        this.role = initialRole;
        final long startNs = System.nanoTime();
        this.files = new NodeControlFiles(dataDir, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
            NodeControlFiles.DEFAULT_POLL_INTERVAL_MS, this::handle, initialRole);
        this.thread = new Thread(this::loop, "cm-control");
        this.thread.setDaemon(true);
    }

    CmControl start()
    {
        thread.start();
        return this;
    }

    /**
     * @param handler carries out {@code cmctl switchover/failover -n} from now on: the arbiter's
     *                {@link io.respool.cluster.node.ArbiterRoleRequests}, once the arbiter runs.
     */
    void requests(final NodeControlFiles.Handler handler)
    {
        this.requests = handler;
    }

    private CompletionStage<String> handle(final NodeControlFiles.Request request)
    {
        final NodeControlFiles.Handler handler = requests;
        events.emit(FailoverEvents.ROLE_REQUESTED, "cmctl " + request.op() + " -n " + request.nodeId() + " (request " +
            request.requestId() + ") read from " + NodeControlFiles.REQUEST_FILE);
        if (handler == null)
        {
            return CompletableFuture.failedFuture(new IllegalStateException("the node's arbiter is not running " +
                "yet: cmctl " + request.op() + " again once the node serves"));
        }
        return handler.handle(request);
    }

    /**
     * @return 1 for the first start in this data directory, 2 for the agent's first restart, and so on.
     */
    int incarnation()
    {
        return incarnation;
    }

    /**
     * What the node is now; any thread.
     *
     * @param newRole    Primary or Standby.
     * @param nowServing whether it serves requests.
     */
    void role(final String newRole, final boolean nowServing)
    {
        role = newRole;
        serving = nowServing;
        LockSupport.unpark(thread);
    }

    /**
     * @return the role last given to {@link #role}.
     */
    String roleName()
    {
        return role;
    }

    private void loop()
    {
        while (running)
        {
            files.report(role, serving);
            files.doWork();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(DUTY_CYCLE_MS));
        }
        files.report(role, false);
    }

    private static int nextIncarnation(final Path dataDir)
    {
        final Path file = dataDir.resolve(INCARNATION_FILE);
        try
        {
            final int next = Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) + 1 : 1;
            Files.writeString(file, next + "\n");
            return next;
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new UncheckedIOException("cannot read or write " + file + " (the node's incarnation in its data " +
                "directory); check the directory's permissions", ex instanceof IOException io ? io :
                new IOException(ex));
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
