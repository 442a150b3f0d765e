package io.respool.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.testsupport.FreePorts;
import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts N nodes in this JVM on loopback with free ports and a fresh base directory, one shared disk.
 */
final class TestCluster implements AutoCloseable
{
    static final int PAGE_SIZE = 8192;
    static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    final List<DmsNode> nodes = new ArrayList<>();
    final List<InMemoryPageStore> stores = new ArrayList<>();
    final InMemoryDisk disk = new InMemoryDisk(PAGE_SIZE);
    final String url;
    final File baseDir;

    TestCluster(final int count, final Consumer<DmsContext> customise) throws IOException
    {
        this(freeUrl(count), count, customise);
    }

    /**
     * Nodes on given ports, as a restart of a cluster on the same {@code dms_url} would be.
     */
    TestCluster(final String url, final int count, final Consumer<DmsContext> customise) throws IOException
    {
        this.url = url;
        baseDir = Files.createTempDirectory("dms-test").toFile();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final InMemoryPageStore store = new InMemoryPageStore(i, PAGE_SIZE, disk);
                final DmsContext ctx = new DmsContext()
                    .url(url)
                    .nodeId(i)
                    .baseDirectory(baseDir)
                    .pageStore(store)
                    .pageSize(PAGE_SIZE);
                customise.accept(ctx);
                final DmsNode node = Dms.launch(ctx);
                store.attach(node);
                nodes.add(node);
                stores.add(store);
            }
            for (final DmsNode node : nodes)
            {
                if (!node.awaitConnected(TimeUnit.SECONDS.toNanos(10)))
                {
                    throw new IllegalStateException("nodes did not connect: url=" + url);
                }
            }
        }
        catch (final RuntimeException | Error ex)
        {
            close();
            throw ex;
        }
    }

    static String freeUrl(final int count) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        final int[] ports = freePorts(count);
        for (int i = 0; i < count; i++)
        {
            sb.append(i == 0 ? "" : ",").append(i).append(":127.0.0.1:").append(ports[i]);
        }
        return sb.toString();
    }

    /** Ports free for both UDP and TCP, distinct. */
    static int[] freePorts(final int count) throws IOException
    {
        return FreePorts.freePorts(count);
    }

    /**
     * @return the first page at or after {@code from} whose master is {@code master}.
     */
    long pageMasteredBy(final int master, final long from)
    {
        long page = from;
        while (nodes.get(0).masterOf(page) != master)
        {
            page++;
        }
        return page;
    }

    /**
     * Take the page in X on a node, add one to its counter, give it back.
     */
    void increment(final int nodeIndex, final long pageId)
    {
        final DmsNode node = nodes.get(nodeIndex);
        node.acquirePage(pageId, LockMode.X, TIMEOUT_NS);
        try
        {
            stores.get(nodeIndex).increment(pageId);
        }
        finally
        {
            node.unlatchPage(pageId);
        }
    }

    /**
     * @return the page's counter as a node reads it in S.
     */
    long read(final int nodeIndex, final long pageId)
    {
        final DmsNode node = nodes.get(nodeIndex);
        node.acquirePage(pageId, LockMode.S, TIMEOUT_NS);
        try
        {
            return stores.get(nodeIndex).counter(pageId);
        }
        finally
        {
            node.unlatchPage(pageId);
        }
    }

    DmsNode node(final int i)
    {
        return nodes.get(i);
    }

    InMemoryPageStore store(final int i)
    {
        return stores.get(i);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(nodes);
        deleteQuietly(baseDir);
    }

    static void deleteQuietly(final File dir)
    {
        if (dir != null)
        {
            org.agrona.IoUtil.delete(dir, true);
        }
    }
}
