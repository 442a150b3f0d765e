package io.respool.bench.dms;

import io.respool.dms.Dms;
import io.respool.dms.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.PageStore;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Two DMS nodes in one JVM on loopback. {@code localHit}: acquire and unlatch a page this node holds in X.
 * {@code transferX}: move an 8 KiB page back and forth in X (each operation ships it once: a 2-way fetch).
 * {@code lockUnlock}: a global X lock mastered by the other node, taken and released.
 * Run: {@code java -jar bench/target/benchmarks.jar DmsBenchmark}. The idle strategy is a parameter.
 * Not pinned to CPUs; on 2 cores the numbers move with whatever else runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DmsBenchmark
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @Param({ "yield", "backoff" })
    public String idle;

    private File base;
    private DmsNode n0;
    private DmsNode n1;
    private long transferPage;
    private long lockResource;
    private boolean turn;

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        base = Files.createTempDirectory("dms-bench").toFile();
        final int p0;
        final int p1;
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            p0 = a.getLocalPort();
            p1 = b.getLocalPort();
        }
        final String url = "0:127.0.0.1:" + p0 + ",1:127.0.0.1:" + p1;
        n0 = Dms.launch(new DmsContext().url(url).nodeId(0).baseDirectory(base).idleStrategy(idle)
            .pageStore(new Store()));
        n1 = Dms.launch(new DmsContext().url(url).nodeId(1).baseDirectory(base).idleStrategy(idle)
            .pageStore(new Store()));
        n0.awaitConnected(TIMEOUT_NS);
        n1.awaitConnected(TIMEOUT_NS);
        transferPage = 1;
        while (n0.masterOf(transferPage) != 1)
        {
            transferPage++;
        }
        lockResource = 1;
        while (n0.masterOf(lockResource) != 1)
        {
            lockResource++;
        }
        n0.acquirePage(0, LockMode.X, TIMEOUT_NS);
        n0.unlatchPage(0);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        n0.close();
        n1.close();
        IoUtil.delete(base, true);
    }

    @Benchmark
    public void localHit()
    {
        n0.acquirePage(0, LockMode.X, TIMEOUT_NS);
        n0.unlatchPage(0);
    }

    @Benchmark
    public void transferX()
    {
        final DmsNode node = turn ? n0 : n1;
        turn = !turn;
        node.acquirePage(transferPage, LockMode.X, TIMEOUT_NS);
        node.unlatchPage(transferPage);
    }

    @Benchmark
    public void lockUnlock()
    {
        n0.unlock(n0.lock(lockResource, LockMode.X, TIMEOUT_NS));
    }

    /** In-memory pages; the disk is zeros. */
    static final class Store implements PageStore
    {
        private final ConcurrentHashMap<Long, UnsafeBuffer> buffers = new ConcurrentHashMap<>();

        @Override
        public MutableDirectBuffer buffer(final long pageId)
        {
            return buffers.computeIfAbsent(pageId, (id) -> new UnsafeBuffer(new byte[8192]));
        }

        @Override
        public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
        {
            buffer.setMemory(0, 8192, (byte)0);
        }

        @Override
        public long diskLsn(final long pageId)
        {
            return 0;
        }

        @Override
        public long pageLsn(final long pageId)
        {
            return 0;
        }

        @Override
        public boolean isDirty(final long pageId)
        {
            return false;
        }

        @Override
        public void flushWalUpTo(final long lsn)
        {
        }

        @Override
        public void onPageReceived(final long pageId, final long lsn, final boolean dirty)
        {
        }

        @Override
        public void onModeChanged(final long pageId, final LockMode mode, final boolean earlierDirty)
        {
        }
    }
}
