package io.respool.dms;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.respool.dms.api.DmsContext;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * The media driver the DMS nodes of one host share, as its own process, so that no node's death takes it down:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp <dms-core and Aeron jars>
 * io.respool.dms.HostDriver <aeron.dir>}, then every node of the host with
 * {@link DmsContext#EXTERNAL_AERON_DIR_PROP_NAME} set to that directory. Nodes of this host then talk over Aeron
 * IPC through it, and to other hosts over UDP. One thread ({@link ThreadingMode#SHARED}) with the idle strategy of
 * {@value #IDLE_STRATEGY_PROP_NAME} ({@value #IDLE_STRATEGY_DEFAULT} by default, a DMS idle strategy name): on a
 * host with as many spinning node agents as cores, a driver that spins too takes their cores. It deletes its
 * directory on start (a driver that was {@code kill -9}-ed leaves it behind) and on a clean stop (SIGTERM,
 * SIGINT). A node that dies leaves its client's resources to the driver until its client liveness timeout
 * ({@value #CLIENT_LIVENESS_PROP_NAME}, {@value #CLIENT_LIVENESS_DEFAULT_MS} ms here, shorter than Aeron's 10 s so
 * that a restarted node gets its UDP port back sooner). Prints {@code HOST DRIVER READY pid=... dir=...} once it
 * runs.
 */
public final class HostDriver
{
    /** Idle strategy of the driver's one thread, a name of {@link DmsContext#IDLE_STRATEGIES}. */
    public static final String IDLE_STRATEGY_PROP_NAME = "respool.dms.host.driver.idle.strategy";
    /** Default: the driver's thread yields between duty cycles, as the nodes' agents do. */
    public static final String IDLE_STRATEGY_DEFAULT = "yield";
    /** How long the driver keeps a silent client's resources, in milliseconds. */
    public static final String CLIENT_LIVENESS_PROP_NAME = "respool.dms.host.driver.client.liveness.ms";
    /** Default client liveness timeout. */
    public static final long CLIENT_LIVENESS_DEFAULT_MS = 5_000;

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
        final ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
        try (MediaDriver driver = launch(new File(args[0]),
            System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT),
            Long.getLong(CLIENT_LIVENESS_PROP_NAME, CLIENT_LIVENESS_DEFAULT_MS)))
        {
            System.out.println("HOST DRIVER READY pid=" + ProcessHandle.current().pid() + " dir=" +
                driver.aeronDirectoryName());
            barrier.await();
        }
        System.out.println("HOST DRIVER STOPPED");
    }

    /**
     * @param dir                 its Aeron directory.
     * @param idleStrategy        a DMS idle strategy name.
     * @param clientLivenessMs    how long it keeps a silent client's resources.
     * @return the running driver, as {@link #main} runs it (also for benchmarks and tests in one JVM).
     */
    public static MediaDriver launch(final File dir, final String idleStrategy, final long clientLivenessMs)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.getAbsolutePath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.create(idleStrategy))
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
