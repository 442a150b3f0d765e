package io.respool.examples.cluster;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;

import java.io.File;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.respool.examples.cluster.HeapPageDescriptor.heapPagesFor;

/**
 * One node of the example database in the test's JVM: its DSS instance over the cluster's volume group, the table
 * file, its own WAL, and a DMS node of a one-node cluster (so it masters every page and loads it from DSS). A
 * failover is modelled by crashing one such node and opening another, with the other DSS home, on the same
 * volume group: what a DMS reform will do between two live nodes, minus the reform.
 */
final class ExampleDbNode implements AutoCloseable
{
    static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    final int nodeId;
    final Dss dss;
    final DssFile heap;
    final DssFile walFile;
    final Wal wal;
    final TablePageStore store;
    final DmsNode dms;
    final PageAccess pages;
    final AtomicBoolean aborted = new AtomicBoolean();
    final ControlChannel control = new ControlChannel(aborted::get);
    final Problems problems = new Problems();
    private final HeapPage page = new HeapPage();

    private ExampleDbNode(final ClusterConfig config, final int nodeId, final int port, final boolean writer)
    {
        this.nodeId = nodeId;
        this.dss = Dss.open(config.dssHome(nodeId));
        this.heap = writer ? dss.open(ClusterNode.HEAP_PATH, OpenFlag.WRITE) : dss.open(ClusterNode.HEAP_PATH);
        this.walFile = dss.open(ClusterNode.walPath(nodeId), OpenFlag.WRITE);
        this.wal = Wal.overOldLog(walFile, nodeId, TimeUnit.MILLISECONDS.toNanos(5));
        this.store = new TablePageStore(heap, wal);
        this.dms = Dms.launch(new DmsContext()
            .url(nodeId + ":127.0.0.1:" + port)
            .nodeId(nodeId)
            .baseDirectory(config.dmsDirectory().resolve("node" + nodeId).toFile())
            .pageStore(store)
            .broadcastHandler(control)
            .errorHandler((throwable) -> problems.add("DMS agent error: " + throwable)));
        this.pages = new PageAccess(dms, TIMEOUT_NS);
    }

    /**
     * @return a cluster directory prepared as the demo prepares it, with a small sparse image.
     */
    static ClusterConfig prepare(final Path dir) throws Exception
    {
        final Properties props = new Properties();
        props.setProperty(ClusterConfig.DIR_PROP_NAME, dir.resolve("cluster").toString());
        props.setProperty(ClusterConfig.DMS_DIR_PROP_NAME, dir.resolve("dms").toString());
        props.setProperty(ClusterConfig.DMS_URL_PROP_NAME, ClusterTestSupport.url(ClusterTestSupport.freePorts(2)));
        props.setProperty(ClusterConfig.IMAGE_SIZE_PROP_NAME, "64G");
        final ClusterConfig config = ClusterConfig.from(props);
        ClusterStorage.prepare(config, new PrintStream(OutputStream.nullOutputStream()));
        return config;
    }

    /**
     * Open node {@code nodeId}: the writer opens the table for writing, a standby read-only.
     */
    static ExampleDbNode open(final ClusterConfig config, final int nodeId, final boolean writer) throws Exception
    {
        return new ExampleDbNode(config, nodeId, ClusterTestSupport.freePorts(1)[0], writer);
    }

    static WriterRole.Settings settings(final long rows, final long updates, final long rate,
        final long checkpointMs)
    {
        return new WriterRole.Settings(rows, updates, rate, 7, checkpointMs, TIMEOUT_NS);
    }

    WriterRole writerRole(final WriterRole.Settings settings)
    {
        return new WriterRole(dms, pages, store, heap, wal, control, problems, settings, null);
    }

    WriterRole promote(final int deadNode, final WriterRole.Settings settings)
    {
        return WriterRole.promote(dss, ClusterNode.HEAP_PATH, ClusterNode.walPath(deadNode), dms, pages, store, wal,
            control, problems, settings);
    }

    /**
     * Stop as a crash would: the writer's next transaction fails, the WAL drops what is not yet written.
     */
    void crash()
    {
        aborted.set(true);
        wal.crash();
    }

    long tableRows()
    {
        return new TableScan(pages, store).tableRows();
    }

    /**
     * @return each row's version as the pages hold it, read in S through DMS; rows checked sound.
     */
    long[] rowVersions(final long rows)
    {
        return new TableScan(pages, store).rowVersions(rows);
    }

    /**
     * @return the LSN of every table page of {@code rows} rows, by page number.
     */
    TreeMap<Integer, Long> pageLsns(final long rows)
    {
        final TreeMap<Integer, Long> lsns = new TreeMap<>();
        for (int pageNumber = 0; pageNumber <= heapPagesFor(rows); pageNumber++)
        {
            final long pageId = TablePageStore.pageId(pageNumber);
            pages.acquire(pageId, LockMode.S);
            try
            {
                lsns.put(pageNumber, page.wrap(store.buffer(pageId)).lsn());
            }
            finally
            {
                pages.unlatch(pageId);
            }
        }
        return lsns;
    }

    File dmsDirectory()
    {
        return dms.nodeDirectory();
    }

    @Override
    public void close()
    {
        dms.close();
        wal.close();
        walFile.close();
        heap.close();
        dss.close();
    }
}
