package io.respool.dms;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.respool.dms.api.DmsContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The media driver the DMS nodes of one host share, as its own process, so that no node's death takes it down:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp <dms-core and Aeron jars>
 * io.respool.dms.HostDriver <aeron.dir>}, then every node of the host with
 * {@link DmsContext#EXTERNAL_AERON_DIR_PROP_NAME} set to that directory. Nodes of this host then talk over Aeron
 * IPC through it, and to other hosts over UDP. Two threads ({@link ThreadingMode#SHARED_NETWORK}), so that neither
 * spins while it has nothing to do: on a host with as many spinning node agents as cores, a driver that spins too
 * takes their cores. The conductor, which IPC needs only to move each publication's limit (its window covers many
 * pages) and to serve its clients' commands, idles with {@value #IDLE_STRATEGY_PROP_NAME}
 * ({@value #IDLE_STRATEGY_DEFAULT} by default: 100 us parks; a DMS idle strategy name). The sender and receiver, which
 * carry UDP to other hosts, yield while that traffic flows and park once it has been idle for about
 * {@value #NETWORK_MAX_YIELDS} yields (parks from 1 us growing to 100 us): the first datagram after such a pause waits up
 * to one park. Nodes on one host then share the cores with no spinning driver thread. It deletes its
 * directory on start (a driver that was {@code kill -9}-ed leaves it behind) and on a clean stop (SIGTERM,
 * SIGINT); it does not start, and exits 1 naming the pid, while another driver still runs there
 * ({@link DriverDirectory}). A node that dies leaves its client's resources to the driver until its client liveness timeout
 * ({@value #CLIENT_LIVENESS_PROP_NAME}, {@value #CLIENT_LIVENESS_DEFAULT_MS} ms here, shorter than Aeron's 10 s so
 * that a restarted node gets its UDP port back sooner). Prints {@code HOST DRIVER READY pid=... dir=...} once it
 * runs. {@link #check} tells a running driver from a hung one (its process lives, its conductor does not run).
 */
public final class HostDriver
{
    /** Idle strategy of the driver's conductor thread, a name of {@link DmsContext#IDLE_STRATEGIES}. */
    public static final String IDLE_STRATEGY_PROP_NAME = "respool.dms.host.driver.idle.strategy";
    /**
     * Default: the conductor parks 100 us when idle (a yielding one took a core from the nodes on 2 cores: the same-host
     * fetch's median fell by a third to a half without it, RESULTS.md).
     */
    public static final String IDLE_STRATEGY_DEFAULT = "sleep";
    /** Yields of the sender and receiver thread with nothing to do before it starts parking. */
    public static final int NETWORK_MAX_YIELDS = 20_000;
    private static final long NETWORK_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);
    /** How long the driver keeps a silent client's resources, in milliseconds. */
    public static final String CLIENT_LIVENESS_PROP_NAME = "respool.dms.host.driver.client.liveness.ms";
    /** Default client liveness timeout. */
    public static final long CLIENT_LIVENESS_DEFAULT_MS = 5_000;
    /** {@link #check}: a driver runs there and its conductor's heartbeat is fresh (CM's {@code -check} online). */
    public static final int CHECK_ONLINE = 0;
    /** {@link #check}: no driver runs there (CM's {@code -check} offline). */
    public static final int CHECK_OFFLINE = 1;
    /** {@link #check}: its process lives but its heartbeat is older than the limit (CM's {@code -check} abnormal). */
    public static final int CHECK_HUNG = 3;
    /**
     * Default of {@link #check}'s limit: the conductor writes its heartbeat about once a second (Aeron's timer
     * interval), and half the nodes' driver timeout ({@link DmsContext#DRIVER_TIMEOUT_DEFAULT_MS}) leaves a GC pause
     * of a few seconds alone while a restart is under way by the time the nodes give up on it.
     */
    public static final long CHECK_TIMEOUT_DEFAULT_MS = 5_000;

    private HostDriver()
    {
    }

    /**
     * @param args the Aeron directory.
     */
    public static void main(final String[] args)
    {
        if (args.length != 1)
        {
            System.err.println("usage: HostDriver <aeron.dir>  (-D" + IDLE_STRATEGY_PROP_NAME + "=yield|backoff|" +
                "sleep|..., -D" + CLIENT_LIVENESS_PROP_NAME + "=ms)");
            System.exit(2);
        }
        System.exit(run(new File(args[0]), System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT),
            Long.getLong(CLIENT_LIVENESS_PROP_NAME, CLIENT_LIVENESS_DEFAULT_MS), new PrintWriter(System.out, true),
            new PrintWriter(System.err, true)));
    }

    /**
     * Run the driver until SIGTERM or SIGINT, as {@link #main} and {@code dmscmd host-driver} do.
     *
     * @param dir              its Aeron directory.
     * @param idleStrategy     a DMS idle strategy name.
     * @param clientLivenessMs how long it keeps a silent client's resources.
     * @param out              where it says it is ready and stopped.
     * @param err              where it says why it did not start.
     * @return the exit status: 0 after a stop, 1 if another driver runs in {@code dir}.
     */
    public static int run(final File dir, final String idleStrategy, final long clientLivenessMs,
        final PrintWriter out, final PrintWriter err)
    {
        final FileChannel startLock;
        final MediaDriver driver;
        try
        {
            startLock = DriverDirectory.lockForLife(dir);
            driver = launch(dir, idleStrategy, clientLivenessMs);
        }
        catch (final IllegalStateException ex)
        {
            err.println("HOST DRIVER NOT STARTED: " + ex.getMessage());
            err.flush();
            return 1;
        }
        // the barrier after the launch (its shutdown hook would hold up the exit of a driver that did not start), and
        // closed last: once it is closed its hook lets the JVM end, so the driver must have deleted its directory
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            try (FileChannel lock = startLock; MediaDriver running = driver)
            {
                out.println("HOST DRIVER READY pid=" + ProcessHandle.current().pid() + " dir=" +
                    running.aeronDirectoryName());
                out.flush();
                barrier.await();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            out.println("HOST DRIVER STOPPED");
            out.flush();
        }
        return 0;
    }

    /**
     * Whether a driver runs in {@code dir} and its conductor still works, from its CnC file: the pid it recorded (a
     * process that lives and started before the driver) and the heartbeat its conductor writes to the to-driver ring
     * buffer (as Aeron clients judge it). A driver stopped ({@code kill -STOP}), deadlocked or frozen keeps its
     * process but no longer writes it. Prints one line: {@code HOST DRIVER ONLINE|OFFLINE|HUNG ...}.
     *
     * @param dir       its Aeron directory.
     * @param timeoutMs how old the heartbeat may be.
     * @param out       where it says which, with the pid and the heartbeat's age.
     * @return {@link #CHECK_ONLINE}, {@link #CHECK_OFFLINE} or {@link #CHECK_HUNG}.
     */
    public static int check(final File dir, final long timeoutMs, final PrintWriter out)
    {
        final Optional<DriverDirectory.Holder> holder = DriverDirectory.holder(dir, System.currentTimeMillis());
        final String where = " dir=" + dir.getAbsolutePath();
        final int verdict;
        if (holder.isEmpty())
        {
            out.println("HOST DRIVER OFFLINE" + where + ": no driver runs there (no CnC file, or its pid has ended)");
            verdict = CHECK_OFFLINE;
        }
        else if (holder.get().silentMs() > timeoutMs)
        {
            final long pid = holder.get().pid();
            out.println("HOST DRIVER HUNG pid=" + pid + where + ": its process lives but its heartbeat is " +
                holder.get().silentMs() + " ms old (limit " + timeoutMs + " ms); kill -9 " + pid + " and start it again");
            verdict = CHECK_HUNG;
        }
        else
        {
            out.println("HOST DRIVER ONLINE pid=" + holder.get().pid() + where + " heartbeat " + holder.get().silentMs() +
                " ms old");
            verdict = CHECK_ONLINE;
        }
        out.flush();
        return verdict;
    }

    /**
     * @param dir                 its Aeron directory.
     * @param idleStrategy        a DMS idle strategy name.
     * @param clientLivenessMs    how long it keeps a silent client's resources.
     * @return the running driver, as {@link #main} runs it (also for benchmarks and tests in one JVM).
     * @throws IllegalStateException if a driver already runs in {@code dir} (its directory is left alone).
     */
    public static MediaDriver launch(final File dir, final String idleStrategy, final long clientLivenessMs)
    {
        DriverDirectory.holder(dir, System.currentTimeMillis()).ifPresent((holder) ->
        {
            throw new IllegalStateException(DriverDirectory.inUseMessage(dir, holder));
        });
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.getAbsolutePath())
            .threadingMode(ThreadingMode.SHARED_NETWORK)
            .conductorIdleStrategy(IdleStrategies.create(idleStrategy))
            .sharedNetworkIdleStrategy(new BackoffIdleStrategy(10, NETWORK_MAX_YIELDS, 1_000, NETWORK_MAX_PARK_NS))
            .clientLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(clientLivenessMs))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false)
            .termBufferSparseFile(true)
            .mtuLength(DmsContext.MTU_DEFAULT)
            .ipcMtuLength(DmsContext.MTU_DEFAULT));
    }
}
