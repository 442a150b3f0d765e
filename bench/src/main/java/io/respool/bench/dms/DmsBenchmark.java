package io.respool.bench.dms;

import io.aeron.driver.MediaDriver;
import io.respool.dms.HostDriver;
import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.respool.bench.dms.BenchNodes.TIMEOUT_NS;

/**
 * DMS latencies next to their floors, all in one JMH run, sampled per operation so that p50 and p99 come out: the
 * raw Aeron 8 KiB echo ({@link RawEcho}) between endpoints set up exactly as the nodes' (same embedded invoker-mode
 * drivers, channels, MTU, term length and idle strategy), the same over Aeron IPC through one shared driver, and a
 * raw TCP loopback echo ({@link TcpEcho}). Nodes run in this JVM on loopback with the default settings; each
 * benchmark gets a fresh fork and fresh nodes. Per-invocation setups put the page back into the state the
 * measured operation starts from; they are not timed.
 * <ul>
 *   <li>{@code rawEcho8k}: the baseline, one 8 KiB message there and back over Aeron UDP on loopback.</li>
 *   <li>{@code rawIpcEcho8k}: the same over {@code aeron:ipc}, both ends clients of one driver: the floor for nodes
 *       on one host (issue 14's target: the 2-way S fetch median at most 1.25x, p99 at most 2x this).</li>
 *   <li>{@code rawTcpEcho8k}: 8 KiB there and back over one TCP loopback connection (blocking NIO,
 *       {@code TCP_NODELAY}): what a TCP transport such as openGauss's MES could do at best; issue 14 wants the
 *       same-host fetch median below it.</li>
 *   <li>{@code rawTcpPollEcho8k}: the same with non-blocking channels that both ends poll, idling as the nodes do,
 *       so no thread wake-up per message: the TCP floor the same-host fetch is judged against.</li>
 *   <li>{@code localHit}: acquire X and unlatch a page this node already holds in X (no message).</li>
 *   <li>{@code fetch2WayS}: 2 nodes; node 0 reads in S a page whose master, node 1, owns it in X: one request, the
 *       page shipped back (issue 4: median at most 1.25x and p99 at most 2x the raw UDP echo).</li>
 *   <li>{@code fetch2WaySIpc}, {@code fetch2WayXIpc}: the same two with both nodes on the driver they share
 *       ({@link HostDriver}), so over Aeron IPC: issue 14's same-host fetch, judged against {@code rawIpcEcho8k}
 *       and the TCP echoes (the UDP ones stand for nodes on two hosts).</li>
 *   <li>{@code fetch2WayX}: 2 nodes; the page moves in X to the other node each operation (every one a 2-way).</li>
 *   <li>{@code fetch3WayS}: 3 nodes; node 0 reads in S a page mastered by node 1 and owned in X by node 2, which
 *       ships it straight to node 0.</li>
 *   <li>{@code upgradeXInvalidating}: 3 nodes; node 0 owns the page in S and upgrades to X while {@code copies}
 *       other nodes hold shared copies the master (node 1) must invalidate first.</li>
 *   <li>{@code fetch2WayXBesideWalFlush}: {@code fetch2WayX} on a clean page while a background thread keeps
 *       shipping a dirty page from the same node, whose agent first waits {@code walFlushUs} in the WAL flush.</li>
 *   <li>{@code lockAcquireRelease}: 2 nodes; a global X lock mastered by the other node, taken and released
 *       (the release is asynchronous: it is queued and the call returns).</li>
 * </ul>
 * Run with {@code bench/run-dms.sh}. Set {@value Pinning#CPUS_ENV_NAME}{@code =0,1} to pin the asking side (this
 * thread, node 0) to CPU 0 and the answering side (the other nodes, the echo end) to CPU 1.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DmsBenchmark
{
    /** Two endpoints echoing 8 KiB over Aeron UDP, each with its own driver, as the nodes talk today. */
    @State(Scope.Benchmark)
    public static class Echo
    {
        RawEcho echo;

        @Setup(Level.Trial)
        public void setup() throws IOException
        {
            echo = echo(RawEcho.Transport.UDP);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            echo.close();
        }
    }

    /** Two endpoints echoing 8 KiB over Aeron IPC through one shared driver. */
    @State(Scope.Benchmark)
    public static class IpcEcho
    {
        RawEcho echo;

        @Setup(Level.Trial)
        public void setup() throws IOException
        {
            echo = echo(RawEcho.Transport.IPC);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            echo.close();
        }
    }

    /** One TCP loopback connection echoing 8 KiB, both ends blocked in {@code read} while they wait. */
    @State(Scope.Benchmark)
    public static class TcpLoopbackEcho
    {
        TcpEcho echo;

        @Setup(Level.Trial)
        public void setup() throws IOException
        {
            echo = tcpEcho(TcpEcho.Mode.BLOCKING);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            echo.close();
        }
    }

    /** One TCP loopback connection echoing 8 KiB, both ends polling non-blocking channels as the Aeron ends do. */
    @State(Scope.Benchmark)
    public static class TcpLoopbackPollEcho
    {
        TcpEcho echo;

        @Setup(Level.Trial)
        public void setup() throws IOException
        {
            echo = tcpEcho(TcpEcho.Mode.POLLING);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            echo.close();
        }
    }

    private static TcpEcho tcpEcho(final TcpEcho.Mode mode) throws IOException
    {
        final TcpEcho echo = new TcpEcho(mode, 8192);
        Pinning.pinThread(mode.roleName, Pinning.Side.ANSWERING);
        Pinning.pinCurrentThread(Pinning.Side.ASKING);
        return echo;
    }

    private static RawEcho echo(final RawEcho.Transport transport) throws IOException
    {
        final RawEcho echo = new RawEcho(transport, 8192);
        Pinning.pinThread(transport.roleName, Pinning.Side.ANSWERING);
        Pinning.pinCurrentThread(Pinning.Side.ASKING);
        return echo;
    }

    /** Nodes in this JVM, started before and closed after each trial. */
    public abstract static class Nodes
    {
        BenchNodes nodes;
        boolean turn;

        /** @return node 0 and node 1 in turn. */
        DmsNode alternate()
        {
            final DmsNode node = nodes.node(turn ? 1 : 0);
            turn = !turn;
            return node;
        }

        abstract int count();

        /** @return the page store of a node. */
        PageStore store(final int nodeId)
        {
            return new InMemoryPageStore(DmsContext.PAGE_SIZE_DEFAULT);
        }

        /** Once the nodes run: put pages where the benchmark starts from. */
        abstract void prepare();

        /** Before the nodes close. */
        void stop()
        {
        }

        /** @return settings of every node's context beyond the defaults. */
        UnaryOperator<DmsContext> settings() throws IOException
        {
            return UnaryOperator.identity();
        }

        /** After the nodes closed. */
        void closed()
        {
        }

        @Setup(Level.Trial)
        public void setup() throws IOException
        {
            nodes = new BenchNodes(count(), this::store, settings());
            for (int i = 0; i < count(); i++)
            {
                Pinning.pinThread("dms-node-" + i, i == 0 ? Pinning.Side.ASKING : Pinning.Side.ANSWERING);
            }
            Pinning.pinCurrentThread(Pinning.Side.ASKING);
            prepare();
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                stop();
            }
            finally
            {
                try
                {
                    nodes.close();
                }
                finally
                {
                    closed();
                }
            }
        }
    }

    /** Two nodes; pages and a lock resource mastered by each as needed. */
    @State(Scope.Benchmark)
    public static class TwoNodes extends Nodes
    {
        long localPage;
        long remotePage;
        long lockResource;

        @Override
        int count()
        {
            return 2;
        }

        @Override
        void prepare()
        {
            localPage = nodes.pageMasteredBy(0, 1);
            remotePage = nodes.pageMasteredBy(1, 1);
            lockResource = nodes.pageMasteredBy(1, 1);
            acquire(nodes.node(0), localPage, LockMode.X, AcquireResult.FROM_DISK);
            acquire(nodes.node(1), remotePage, LockMode.X, AcquireResult.FROM_DISK);
        }
    }

    /**
     * Two nodes of one host on the media driver they share ({@link HostDriver}, in this JVM on a thread of its own
     * with the {@code hostDriverIdle} idle strategy), so that they talk over Aeron IPC.
     */
    @State(Scope.Benchmark)
    public static class TwoIpcNodes extends TwoNodes
    {
        /**
         * The host driver conductor's idle strategy: {@code sleep} (HostDriver's default, 100 us parks, the IPC
         * window covers the wait; the report judges it) or {@code yield} (a conductor that spins on 2 cores, as
         * before). Its sender and receiver thread parks either way once it has no UDP traffic.
         */
        @Param({ "sleep", "yield" })
        public String hostDriverIdle;

        MediaDriver driver;
        File driverDir;

        @Override
        UnaryOperator<DmsContext> settings() throws IOException
        {
            driverDir = BenchNodes.tempDirectory("dms-host-driver");
            driver = HostDriver.launch(driverDir, hostDriverIdle, HostDriver.CLIENT_LIVENESS_DEFAULT_MS);
            // SHARED_NETWORK mode: a conductor thread and a sender and receiver thread
            Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter((name) -> name.contains("driver-conductor") || name.contains("sender") ||
                    name.contains("receiver")).distinct()
                .forEach((name) -> Pinning.pinThread(name, Pinning.Side.ANSWERING));
            return (ctx) -> ctx.externalAeronDirectory(driver.aeronDirectoryName()).transport("ipc");
        }

        @Override
        void closed()
        {
            CloseHelper.quietClose(driver);
            IoUtil.delete(driverDir, true);
        }
    }

    /** Before each 2-way S fetch over IPC: the master (node 1) takes the page back in X. */
    @State(Scope.Thread)
    public static class OwnedByMasterIpc
    {
        @Setup(Level.Invocation)
        public void reset(final TwoIpcNodes two)
        {
            acquire(two.nodes.node(1), two.remotePage, LockMode.X, null);
        }
    }

    /** Before each 2-way S fetch: the master (node 1) takes the page back in X, invalidating node 0's copy. */
    @State(Scope.Thread)
    public static class OwnedByMaster
    {
        @Setup(Level.Invocation)
        public void reset(final TwoNodes two)
        {
            acquire(two.nodes.node(1), two.remotePage, LockMode.X, null);
        }
    }

    /** Three nodes; the page is mastered by node 1. */
    @State(Scope.Benchmark)
    public static class ThreeNodes extends Nodes
    {
        long page;

        @Override
        int count()
        {
            return 3;
        }

        @Override
        void prepare()
        {
            page = nodes.pageMasteredBy(1, 1);
        }
    }

    /** Before each 3-way S fetch: node 2 owns the page in X (node 0's copy invalidated). */
    @State(Scope.Thread)
    public static class OwnedByThird
    {
        @Setup(Level.Invocation)
        public void reset(final ThreeNodes three)
        {
            acquire(three.nodes.node(2), three.page, LockMode.X, null);
        }
    }

    /** Before each upgrade: node 0 owns the page, {@code copies} other nodes read it in S. */
    @State(Scope.Thread)
    public static class SharedCopies
    {
        @Param({ "1", "2" })
        public int copies;

        @Setup(Level.Trial)
        public void setup(final ThreeNodes three)
        {
            acquire(three.nodes.node(0), three.page, LockMode.X, null);
        }

        @Setup(Level.Invocation)
        public void reset(final ThreeNodes three)
        {
            acquire(three.nodes.node(2), three.page, LockMode.S, AcquireResult.FROM_PEER);
            if (copies == 2)
            {
                acquire(three.nodes.node(1), three.page, LockMode.S, AcquireResult.FROM_PEER);
            }
        }
    }

    /**
     * Two nodes; node 1 masters and owns two pages. A background thread keeps writing the dirty one in X on node 1
     * and reading it in S on node 0, so that before each transfer the WAL must be flushed, which takes
     * {@code walFlushUs} (a parked thread, as in an fsync), either on node 1's agent thread ({@code agent}: the
     * agent serves nothing else meanwhile) or on the database's WAL writer ({@code writer}: the agent waits for it
     * without blocking). The benchmark moves the clean page in X between the nodes meanwhile, to show what other
     * requests wait.
     */
    @State(Scope.Benchmark)
    public static class WalStall extends Nodes
    {
        @Param({ "0", "500" })
        public int walFlushUs;

        /** Where the database flushes its WAL: on the node's agent thread, or on its own WAL writer. */
        @Param({ "agent", "writer" })
        public String walFlushOn;

        final WalFlushStore[] stores = new WalFlushStore[2];
        long dirtyPage;
        long cleanPage;
        volatile boolean running = true;
        Thread background;

        @Override
        int count()
        {
            return 2;
        }

        @Override
        PageStore store(final int nodeId)
        {
            stores[nodeId] = new WalFlushStore(TimeUnit.MICROSECONDS.toNanos(walFlushUs), "agent".equals(walFlushOn));
            return stores[nodeId];
        }

        @Override
        void prepare()
        {
            dirtyPage = nodes.pageMasteredBy(1, 1);
            cleanPage = nodes.pageMasteredBy(1, dirtyPage + 1);
            stores[1].dirtyPage(dirtyPage);
            background = new Thread(() ->
            {
                while (running)
                {
                    nodes.node(1).acquirePage(dirtyPage, LockMode.X, TIMEOUT_NS);
                    stores[1].modify();
                    nodes.node(1).unlatchPage(dirtyPage);
                    acquire(nodes.node(0), dirtyPage, LockMode.S);
                }
            }, "dirty-page-mover");
            background.setDaemon(true);
            background.start();
        }

        @Override
        void stop()
        {
            running = false;
            try
            {
                background.join(TimeUnit.NANOSECONDS.toMillis(TIMEOUT_NS));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Benchmark
    public void rawEcho8k(final Echo state)
    {
        state.echo.roundTrip();
    }

    @Benchmark
    public void rawIpcEcho8k(final IpcEcho state)
    {
        state.echo.roundTrip();
    }

    @Benchmark
    public void rawTcpEcho8k(final TcpLoopbackEcho state)
    {
        state.echo.roundTrip();
    }

    @Benchmark
    public void rawTcpPollEcho8k(final TcpLoopbackPollEcho state)
    {
        state.echo.roundTrip();
    }

    @Benchmark
    public AcquireResult localHit(final TwoNodes two)
    {
        return acquire(two.nodes.node(0), two.localPage, LockMode.X);
    }

    @Benchmark
    public AcquireResult fetch2WayS(final TwoNodes two, final OwnedByMaster reset)
    {
        return acquire(two.nodes.node(0), two.remotePage, LockMode.S);
    }

    @Benchmark
    public AcquireResult fetch2WaySIpc(final TwoIpcNodes two, final OwnedByMasterIpc reset)
    {
        return acquire(two.nodes.node(0), two.remotePage, LockMode.S);
    }

    @Benchmark
    public AcquireResult fetch2WayXIpc(final TwoIpcNodes two)
    {
        return acquire(two.alternate(), two.remotePage, LockMode.X);
    }

    @Benchmark
    public AcquireResult fetch2WayX(final TwoNodes two)
    {
        return acquire(two.alternate(), two.remotePage, LockMode.X);
    }

    @Benchmark
    public AcquireResult fetch3WayS(final ThreeNodes three, final OwnedByThird reset)
    {
        return acquire(three.nodes.node(0), three.page, LockMode.S);
    }

    @Benchmark
    public AcquireResult upgradeXInvalidating(final ThreeNodes three, final SharedCopies reset)
    {
        return acquire(three.nodes.node(0), three.page, LockMode.X);
    }

    @Benchmark
    public AcquireResult fetch2WayXBesideWalFlush(final WalStall stall)
    {
        return acquire(stall.alternate(), stall.cleanPage, LockMode.X);
    }

    @Benchmark
    public void lockAcquireRelease(final TwoNodes two)
    {
        final DmsNode node = two.nodes.node(0);
        node.unlock(node.lock(two.lockResource, LockMode.X, TIMEOUT_NS));
    }

    /**
     * The measured operation: take the page in the mode and give the latch back at once.
     */
    static AcquireResult acquire(final DmsNode node, final long page, final LockMode mode)
    {
        final AcquireResult result = node.acquirePage(page, mode, TIMEOUT_NS);
        node.unlatchPage(page);
        return result;
    }

    /**
     * The same in a setup, checking where the image came from when {@code expected} is not null.
     */
    static void acquire(final DmsNode node, final long page, final LockMode mode, final AcquireResult expected)
    {
        final AcquireResult result = acquire(node, page, mode);
        if (expected != null && result != expected)
        {
            throw new IllegalStateException("benchmark setup went wrong: nodeId=" + node.nodeId() + ", page=" +
                page + ", mode=" + mode + ", expected=" + expected + ", got=" + result);
        }
    }
}
