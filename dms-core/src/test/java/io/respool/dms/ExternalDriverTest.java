package io.respool.dms;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.DriverTimeoutException;
import io.respool.common.ErrorCategory;
import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsConfigException;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PortConflictException;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Nodes on an external media driver ({@link DmsContext#externalAeronDirectory(String)}), launched here in the test
 * JVM as an operator would run it beside the database: pages and global locks work through it, shared by both
 * nodes or one driver per node; closing the nodes leaves the driver and its directory alone, so that later nodes
 * start on it again; and a directory without a live driver fails start-up within the driver timeout, saying what
 * to do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExternalDriverTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private static final long DRIVER_TIMEOUT_MS = 1_000;

    @TempDir
    File tempDir;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<ChildProcess> driverProcesses = new ArrayList<>();

    @AfterEach
    void closeNodesThenDrivers()
    {
        Collections.reverse(resources);
        CloseHelper.closeAll(resources);
        for (final ChildProcess process : driverProcesses)
        {
            process.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldShipPagesAndLockThroughOneSharedDriverAndLeaveItRunning()
    {
        final MediaDriver driver = launchDriver("driver", true);
        final String driverDir = driver.aeronDirectoryName();

        final TestCluster first = startCluster((ctx) -> ctx.externalAeronDirectory(driverDir));
        for (final DmsNode node : first.nodes)
        {
            assertFalse(new File(node.nodeDirectory(), NodeDirectory.AERON_DIR_NAME).exists(),
                "no embedded driver: " + node.nodeDirectory());
        }
        shipPagesInSAndX(first, 1000);
        lockGlobally(first, 4242);
        first.close();
        assertDriverAlive(driver);

        // the same ports again: close waited for the driver to let go of them, as a node restart needs
        final TestCluster second = startCluster(first.url, (ctx) -> ctx.externalAeronDirectory(driverDir));
        shipPagesInSAndX(second, 3000);
        lockGlobally(second, 4243);
        second.close();
        assertDriverAlive(driver);
    }

    @Test
    void shouldShipPagesAndLockWithOneDriverPerNode()
    {
        final MediaDriver[] drivers = { launchDriver("driver-0", true), launchDriver("driver-1", true) };

        final TestCluster cluster = startCluster(
            (ctx) -> ctx.externalAeronDirectory(drivers[ctx.nodeId()].aeronDirectoryName()));
        shipPagesInSAndX(cluster, 5000);
        lockGlobally(cluster, 4244);
        cluster.close();

        assertDriverAlive(drivers[0]);
        assertDriverAlive(drivers[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = { "missing", "empty", "stopped" })
    void shouldFailPromptlyNamingTheDirectoryWhenNoDriverRuns(final String kind) throws Exception
    {
        final File dir = new File(tempDir, "driver-" + kind);
        if ("empty".equals(kind))
        {
            assertTrue(dir.mkdirs());
        }
        else if ("stopped".equals(kind))
        {
            launchDriver(dir.getName(), false).close();
            assertTrue(new File(dir, "cnc.dat").exists(), "a stopped driver leaves its files");
        }
        final File base = new File(tempDir, "base");
        final DmsContext ctx = context(TestCluster.freeUrl(2), 0, base)
            .externalAeronDirectory(dir.getPath())
            .driverTimeoutMs(DRIVER_TIMEOUT_MS);

        final long startNs = System.nanoTime();
        final DmsException ex = assertThrows(DmsException.class, () -> Dms.launch(ctx));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertEquals(DmsException.class, ex.getClass(), ex::toString);
        assertEquals(ErrorCategory.FATAL, ex.category());
        assertEquals(DmsErrorCode.MEDIA_DRIVER, ex.errorCode());
        assertTrue(ex.getMessage().startsWith("no media driver runs in the external Aeron directory: nodeId=0, " +
            "dir=" + dir.getAbsolutePath() + ", driverTimeoutMs=1000, reason="), ex.getMessage());
        assertTrue(ex.getMessage().contains("; start the media driver (java -cp <aeron-all jar> -Daeron.dir=" +
            dir.getAbsolutePath() + " io.aeron.driver.MediaDriver) or unset " +
            DmsContext.EXTERNAL_AERON_DIR_PROP_NAME + " to embed one"), ex.getMessage());
        assertTrue(elapsedMs < DRIVER_TIMEOUT_MS + 4_000, "start-up took " + elapsedMs + " ms");
        assertFalse(new File(base, "node-0").exists(), "nothing may be left half-started");
        assertEquals(!"missing".equals(kind), dir.isDirectory(), "the node must not create or delete " + dir);
        assertEquals("stopped".equals(kind), new File(dir, "cnc.dat").exists());
    }

    @Test
    void shouldGiveTheUsualAdviceWhenAnotherProcessHoldsThePort() throws Exception
    {
        final String driverDir = launchDriverProcess("driver");
        final int[] ports = TestCluster.freePorts(2);
        final File base = new File(tempDir, "base");
        try (DatagramSocket holder = new DatagramSocket(ports[1], InetAddress.getLoopbackAddress()))
        {
            final DmsContext ctx = context("0:127.0.0.1:" + ports[0] + ",1:127.0.0.1:" + ports[1], 1, base)
                .externalAeronDirectory(driverDir);

            final PortConflictException ex = assertThrows(PortConflictException.class, () -> Dms.launch(ctx));

            assertEquals(ports[1], ex.port());
            assertEquals(ProcessHandle.current().pid(), ex.holders().get(0).pid());
            assertTrue(ex.getMessage().endsWith("; stop the holding process or give this node another port in " +
                "dms_url (check with: dmscmd check-ports -u '<dms_url>')"), ex.getMessage());
            assertFalse(new File(base, "node-1").exists(), "nothing may be left half-started");
        }
    }

    @Test
    void shouldSayWhenTheExternalDriverHoldsThePort() throws Exception
    {
        final String driverDir = launchDriverProcess("driver");
        final long driverPid = driverProcesses.get(0).pid();
        final int[] ports = TestCluster.freePorts(2);
        final File base = new File(tempDir, "base");
        // what a node that died leaves behind until the driver times its client out: a subscription on its port
        try (Aeron leftover = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir));
            Subscription subscription = leftover.addSubscription("aeron:udp?endpoint=127.0.0.1:" + ports[1], 1))
        {
            final DmsContext ctx = context("0:127.0.0.1:" + ports[0] + ",1:127.0.0.1:" + ports[1], 1, base)
                .externalAeronDirectory(driverDir);

            final PortConflictException ex = assertThrows(PortConflictException.class, () -> Dms.launch(ctx));

            assertEquals(ports[1], ex.port());
            assertEquals(driverPid, ex.holders().get(0).pid());
            assertTrue(ex.getMessage().endsWith("; the holding process runs the external media driver (pid=" +
                driverPid + ", aeron.dir=" + driverDir + "), which may hold the port for one of its clients: a " +
                "node on this port that died less than the driver's client liveness timeout (10000 ms) ago, which " +
                "the driver frees when that timeout ends, or another live client subscribed to this port; retry " +
                "after 10000 ms, or stop that client"), ex.getMessage());
            assertFalse(new File(base, "node-1").exists(), "nothing may be left half-started");
        }
    }

    @Test
    void shouldRefuseAnExternalDirectoryOverlappingTheBaseDirectory() throws Exception
    {
        final File base = new File(tempDir, "base");
        final File[] overlapping = {
            new File(base, "node-0/" + NodeDirectory.AERON_DIR_NAME), new File(base, "node-1/driver"), base, tempDir };
        for (final File external : overlapping)
        {
            final DmsConfigException ex = assertThrows(DmsConfigException.class,
                () -> context(TestCluster.freeUrl(2), 0, base).externalAeronDirectory(external.getPath()).conclude());
            assertEquals("externalAeronDirectory and the nodes' base directory must not hold one another: " +
                "externalAeronDirectory=" + external.getAbsolutePath() + ", baseDirectory=" + base.getAbsolutePath() +
                "; give the driver a directory of its own", ex.getMessage());
        }

        final DmsConfigException blank = assertThrows(DmsConfigException.class,
            () -> context(TestCluster.freeUrl(2), 0, base).externalAeronDirectory(" ").conclude());
        assertTrue(blank.getMessage().startsWith("externalAeronDirectory is blank"), blank.getMessage());
        assertFalse(base.exists(), "conclude creates nothing");
    }

    /**
     * A driver as an operator runs it: its own JVM ({@code io.aeron.driver.MediaDriver}), shared threading with a
     * backoff idle strategy so that it spins no core away from the nodes. Stopped (SIGTERM) after the test.
     *
     * @return its Aeron directory, once it is active.
     */
    private String launchDriverProcess(final String name) throws InterruptedException
    {
        final File dir = new File(tempDir, name);
        final ChildProcess process = ChildJvm.of("io.aeron.driver.MediaDriver").name("media driver " + name)
            .jvmArgs(
                "-Daeron.dir=" + dir.getAbsolutePath(),
                "-Daeron.threading.mode=SHARED",
                "-Daeron.shared.idle.strategy=backoff",
                "-Daeron.dir.delete.on.start=true",
                "-Daeron.dir.delete.on.shutdown=true",
                "-Daeron.print.configuration=false")
            .process()
            .logTo(new File(tempDir, name + ".log").toPath())
            .start();
        driverProcesses.add(process);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!isStarted(dir))
        {
            assertTrue(process.isAlive(), () -> "the media driver process exited: see " + name + ".log");
            assertTrue(System.nanoTime() - deadlineNs < 0, "the media driver process did not start in 30 s");
            Thread.sleep(50);
        }
        return dir.getAbsolutePath();
    }

    private static boolean isStarted(final File dir)
    {
        try
        {
            return CommonContext.isDriverActive(dir, 1_000, (msg) -> {});
        }
        catch (final DriverTimeoutException ex)
        {
            return false; // its CnC file is there, not yet written: a loaded host runs the starting driver late
        }
    }

    /**
     * An operator's driver: its own threads in {@link ThreadingMode#SHARED} with a backoff idle strategy, so that
     * it never spins a core of these 2-core machines away from the nodes.
     */
    private MediaDriver launchDriver(final String name, final boolean deleteOnShutdown)
    {
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(new File(tempDir, name).getAbsolutePath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(deleteOnShutdown)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false)
            .termBufferSparseFile(true));
        resources.add(driver);
        return driver;
    }

    private TestCluster startCluster(final Consumer<DmsContext> customise)
    {
        final TestCluster cluster = assertDoesNotThrow(() -> new TestCluster(2, customise));
        resources.add(cluster);
        return cluster;
    }

    private TestCluster startCluster(final String url, final Consumer<DmsContext> customise)
    {
        final TestCluster cluster = assertDoesNotThrow(() -> new TestCluster(url, 2, customise));
        resources.add(cluster);
        return cluster;
    }

    private static DmsContext context(final String url, final int nodeId, final File base)
    {
        return new DmsContext().url(url).nodeId(nodeId).baseDirectory(base)
            .pageStore(new InMemoryPageStore(nodeId, TestCluster.PAGE_SIZE, new InMemoryDisk(TestCluster.PAGE_SIZE)));
    }

    /**
     * A page node 0 writes is shipped to node 1 in S, then one node 1 writes is shipped to it in X and back to
     * node 0 in S, with the content seen on the other node each time.
     */
    static void shipPagesInSAndX(final TestCluster cluster, final long from)
    {
        final DmsNode n0 = cluster.node(0);
        final DmsNode n1 = cluster.node(1);

        final long shared = cluster.pageMasteredBy(1, from);
        assertEquals(AcquireResult.FROM_DISK, n0.acquirePage(shared, LockMode.X, TIMEOUT));
        cluster.store(0).increment(shared);
        n0.unlatchPage(shared);
        assertEquals(AcquireResult.FROM_PEER, n1.acquirePage(shared, LockMode.S, TIMEOUT));
        assertEquals(1, cluster.store(1).counter(shared));
        n1.unlatchPage(shared);
        assertEquals(LockMode.S, n0.pageMode(shared));
        assertEquals(LockMode.S, n1.pageMode(shared));

        final long exclusive = cluster.pageMasteredBy(0, from);
        assertEquals(AcquireResult.FROM_DISK, n0.acquirePage(exclusive, LockMode.X, TIMEOUT));
        cluster.store(0).increment(exclusive);
        n0.unlatchPage(exclusive);
        assertEquals(AcquireResult.FROM_PEER, n1.acquirePage(exclusive, LockMode.X, TIMEOUT));
        assertEquals(1, cluster.store(1).counter(exclusive));
        cluster.store(1).increment(exclusive);
        n1.unlatchPage(exclusive);
        assertEquals(LockMode.NULL, n0.pageMode(exclusive));
        assertEquals(AcquireResult.FROM_PEER, n0.acquirePage(exclusive, LockMode.S, TIMEOUT));
        assertEquals(2, cluster.store(0).counter(exclusive));
        n0.unlatchPage(exclusive);

        assertTrue(cluster.stores.stream().allMatch((s) -> s.violations().isEmpty()), "WAL rule broken");
    }

    private static void lockGlobally(final TestCluster cluster, final long resource)
    {
        final DmsNode n0 = cluster.node(0);
        final DmsNode n1 = cluster.node(1);
        final long x0 = n0.lock(resource, LockMode.X, TIMEOUT);
        assertNotEquals(0, x0);
        assertEquals(0, n1.tryLock(resource, LockMode.S, TIMEOUT), "S must be refused while X is held");
        n0.unlock(x0);
        final long s1 = n1.lock(resource, LockMode.S, TIMEOUT);
        assertNotEquals(0, s1);
        n1.unlock(s1);
    }

    /**
     * The driver still runs in its directory, and nodes coming and going logged no error in it.
     */
    private static void assertDriverAlive(final MediaDriver driver)
    {
        final File driverDir = new File(driver.aeronDirectoryName());
        assertTrue(new File(driverDir, "cnc.dat").exists(), "the node must not delete " + driverDir);
        assertTrue(CommonContext.isDriverActive(driverDir, 1_000, (msg) -> {}), "driver stopped: " + driverDir);
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(0, driver.context().saveErrorLog(new PrintStream(errors, true, StandardCharsets.UTF_8)),
            () -> errors.toString(StandardCharsets.UTF_8));
    }
}
