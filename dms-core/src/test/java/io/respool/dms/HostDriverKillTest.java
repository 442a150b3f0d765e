package io.respool.dms;

import io.aeron.CommonContext;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.NodeList;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import io.respool.testsupport.SlowTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three DMS nodes in three JVMs and the media driver they share in a fourth ({@link HostDriver}), so that they talk
 * over Aeron IPC, under the read/increment workload of {@link MultiProcessTest}, every acknowledged increment
 * checked at the end on every node. A node {@code kill -9}-ed (a member, or the reformer and primary) leaves the driver and the others' traffic alone: the
 * survivors re-form and carry on over IPC, and the node, restarted once the driver has freed its port, rejoins over
 * IPC. The driver {@code kill -9}-ed: every node loses it (its sends fail, its requests wait and are resent), and
 * once a driver runs again in the directory every node reconnects and carries on, no page lost or corrupted.
 */
class HostDriverKillTest
{
    private static final int PAGES = 16;
    private static final int THREADS = 2;
    private static final long INCREMENTS = 200;
    private static final Duration PROGRESS = Duration.ofSeconds(30);
    private static final List<Integer> ALL = List.of(0, 1, 2);
    /** How long the driver keeps a dead node's client (and its UDP port); short, so that a restart need not wait. */
    private static final long CLIENT_LIVENESS_MS = 2_000;

    /**
     * Node 0 killed: the reformer and primary, so the survivors fail over to node 1. CI kills only this node, the
     * harder case; add 2 (a member) to the source to run both.
     */
    @ParameterizedTest(name = "kill -9 node {0}")
    @ValueSource(ints = { 0 })
    @Tag(SlowTest.TAG)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCarryOnOverIpcWhenANodeIsKilledAndTakeItBackAfterARestart(final int killed, @TempDir final File base)
        throws Exception
    {
        final File driverDir = new File(base, "host-driver");
        final ChildProcess driver = startDriver(driverDir, base);
        try (ProcessCluster cluster = cluster(base, driverDir))
        {
            cluster.startAll();
            cluster.commandAll(ALL, "await-reform 1", "REFORMED");
            assertOverIpc(cluster, ALL);
            cluster.commandAll(ALL, "load", "LOADING");
            cluster.awaitProgress(ALL, INCREMENTS / 2, PROGRESS);

            cluster.kill(killed);
            final List<Integer> survivors = ALL.stream().filter((id) -> id != killed).toList();
            final int reformer = survivors.get(0);
            cluster.publish(new MembershipView(2, 0b111 & ~(1L << killed), reformer, reformer));
            cluster.commandAll(survivors, "await-reform 2", "REFORMED");
            cluster.awaitProgress(survivors, INCREMENTS / 2, PROGRESS);
            assertTrue(driver.isAlive(), "a node's death took the driver down: " + driver.tail());
            assertOverIpc(cluster, survivors);

            awaitPortFreed(NodeList.parse(cluster.url).node(killed).port());
            cluster.start(killed);
            cluster.publish(new MembershipView(3, 0b111, reformer, reformer));
            cluster.commandAll(ALL, "await-reform 3", "REFORMED");
            cluster.command(killed, "load", "LOADING");
            cluster.awaitProgress(ALL, INCREMENTS / 2, PROGRESS);
            assertOverIpc(cluster, ALL);

            final List<String> stopped = cluster.commandAll(ALL, "stop", "STOPPED");
            final List<String> checks = cluster.commandAll(ALL, "check", "PAGES");
            assertEquals(1, checks.stream().distinct().count(), () -> "nodes read different pages: " + checks);
            cluster.verify(checks.get(0), ALL.stream().map((id) -> id == killed ? id + ProcessCluster.NODES : id)
                .toList());
            System.out.println("HostDriverKillTest kill node " + killed + " seed=" + cluster.seed + ", " + stopped);
        }
        finally
        {
            driver.stop(Duration.ofSeconds(10));
        }
    }

    @SlowTest
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReconnectEveryNodeWhenTheSharedDriverIsKilledAndStartedAgain(@TempDir final File base)
        throws Exception
    {
        final File driverDir = new File(base, "host-driver");
        ChildProcess driver = startDriver(driverDir, base);
        try (ProcessCluster cluster = cluster(base, driverDir))
        {
            cluster.startAll();
            cluster.commandAll(ALL, "await-reform 1", "REFORMED");
            cluster.commandAll(ALL, "load", "LOADING");
            cluster.awaitProgress(ALL, INCREMENTS / 2, PROGRESS);

            driver.kill();
            assertFalse(driver.isAlive(), "the driver survived kill -9");
            final long killedAt = System.nanoTime();
            driver = startDriver(driverDir, base);
            awaitCounter(cluster, StatCounter.DRIVER_RECONNECTS, (n) -> n >= 1);
            final long reconnectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            cluster.awaitProgress(ALL, INCREMENTS / 2, PROGRESS);
            assertOverIpc(cluster, ALL);
            for (final int id : ALL)
            {
                // more than once when the new driver, a JVM starting on a loaded host, misses a heartbeat within
                // the nodes' 1 s driver timeout: each loss must have been followed by a reconnect
                final StatsReader.Snapshot stats = stats(cluster, id);
                assertTrue(stats.counter(StatCounter.DRIVER_LOST) >= 1, () -> "node " + id + " never lost the driver");
                awaitCounter(cluster, List.of(id), StatCounter.DRIVER_RECONNECTS,
                    (n) -> n == stats(cluster, id).counter(StatCounter.DRIVER_LOST));
            }

            final List<String> stopped = cluster.commandAll(ALL, "stop", "STOPPED");
            final List<String> checks = cluster.commandAll(ALL, "check", "PAGES");
            assertEquals(1, checks.stream().distinct().count(), () -> "nodes read different pages: " + checks);
            cluster.verify(checks.get(0), ALL);
            System.out.println("HostDriverKillTest driver kill seed=" + cluster.seed + ", killToReconnectedMs=" +
                reconnectedMs + ", driverLost=" + ALL.stream().map((id) -> stats(cluster, id)
                .counter(StatCounter.DRIVER_LOST)).toList() + ", " + stopped);
        }
        finally
        {
            driver.stop(Duration.ofSeconds(10));
        }
    }

    private static ProcessCluster cluster(final File base, final File driverDir) throws IOException
    {
        return new ProcessCluster(base, CoherenceTest.seed(), PAGES, THREADS, true).nodeJvmArgs(
            "-D" + DmsContext.EXTERNAL_AERON_DIR_PROP_NAME + "=" + driverDir.getAbsolutePath(),
            "-D" + DmsContext.DRIVER_TIMEOUT_PROP_NAME + "=1000");
    }

    /**
     * The shared driver as the cluster's launcher runs it: {@link HostDriver} in its own JVM, backing off when
     * idle (these tests run three node JVMs on 2 cores).
     */
    private static ChildProcess startDriver(final File dir, final File base) throws InterruptedException
    {
        final ChildProcess driver = ChildJvm.of(HostDriver.class).name("host driver")
            .jvmArgs("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-D" + HostDriver.IDLE_STRATEGY_PROP_NAME + "=backoff",
                "-D" + HostDriver.CLIENT_LIVENESS_PROP_NAME + "=" + CLIENT_LIVENESS_MS)
            .args(dir.getAbsolutePath())
            .start();
        driver.awaitLine("HOST DRIVER READY", (line) -> line.startsWith("HOST DRIVER READY"), ProcessCluster.ANSWER);
        assertTrue(CommonContext.isDriverActive(dir, 1_000, (msg) -> {}), "driver not active in " + dir);
        return driver;
    }

    /** Every node reaches every other running node over IPC. */
    private static void assertOverIpc(final ProcessCluster cluster, final List<Integer> ids)
        throws InterruptedException
    {
        for (final int id : ids)
        {
            long others = 0;
            for (final int other : ids)
            {
                others |= other == id ? 0 : 1L << other;
            }
            final long expected = others;
            // a node publishes the route of a peer when it next sends to it
            awaitCounter(cluster, List.of(id), StatCounter.PEERS_OVER_IPC, (bits) -> (bits & expected) == expected);
        }
    }

    private static void awaitCounter(final ProcessCluster cluster, final StatCounter counter,
        final LongPredicate done) throws InterruptedException
    {
        awaitCounter(cluster, ALL, counter, done);
    }

    private static void awaitCounter(final ProcessCluster cluster, final List<Integer> ids, final StatCounter counter,
        final LongPredicate done) throws InterruptedException
    {
        final long deadline = System.nanoTime() + PROGRESS.toNanos();
        for (final int id : ids)
        {
            while (!done.test(stats(cluster, id).counter(counter)))
            {
                assertTrue(System.nanoTime() - deadline < 0, () -> "node " + id + ": " + counter + "=" +
                    stats(cluster, id).counter(counter) + " after " + PROGRESS.toMillis() + " ms; output ends:\n" +
                    cluster.node(id).tail());
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }

    private static StatsReader.Snapshot stats(final ProcessCluster cluster, final int id)
    {
        return StatsReader.read(new File(cluster.nodeDirectory(id), StatsFileDescriptor.FILE_NAME));
    }

    /** The driver frees a dead node's UDP port once its client liveness timeout ends. */
    private static void awaitPortFreed(final int port) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLIENT_LIVENESS_MS * 5);
        while (true)
        {
            try (DatagramSocket probe = new DatagramSocket(null))
            {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return;
            }
            catch (final IOException ex)
            {
                assertTrue(System.nanoTime() - deadline < 0, "the driver still holds port " + port);
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }
}
