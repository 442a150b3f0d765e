package io.respool.bench.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.PageStore;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * N DMS nodes in this JVM on loopback, each with the default settings (embedded driver, idle strategy, MTU) and an
 * in-memory page store, in a fresh directory under /dev/shm (where Aeron puts its files by default) that
 * {@link #close()} deletes.
 */
final class BenchNodes implements AutoCloseable
{
    static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    final File base;
    final DmsNode[] nodes;

    BenchNodes(final int count) throws IOException
    {
        this(count, (id) -> new InMemoryPageStore(DmsContext.PAGE_SIZE_DEFAULT));
    }

    /**
     * @param count  how many nodes.
     * @param stores the page store of each node, by node id.
     */
    BenchNodes(final int count, final IntFunction<PageStore> stores) throws IOException
    {
        this(count, stores, UnaryOperator.identity());
    }

    /**
     * @param count    how many nodes.
     * @param stores   the page store of each node, by node id.
     * @param settings further settings of every node's context (a membership source, say).
     */
    BenchNodes(final int count, final IntFunction<PageStore> stores, final UnaryOperator<DmsContext> settings)
        throws IOException
    {
        base = tempDirectory("dms-bench");
        nodes = new DmsNode[count];
        try
        {
            final String url = url(freePorts(count));
            for (int i = 0; i < count; i++)
            {
                nodes[i] = Dms.launch(settings.apply(new DmsContext().url(url).nodeId(i).baseDirectory(base)
                    .pageStore(stores.apply(i))));
            }
            for (final DmsNode node : nodes)
            {
                if (!node.awaitConnected(TIMEOUT_NS))
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

    DmsNode node(final int index)
    {
        return nodes[index];
    }

    /**
     * @return the first page at or after {@code from} whose master is {@code master}.
     */
    long pageMasteredBy(final int master, final long from)
    {
        long page = from;
        while (nodes[0].masterOf(page) != master)
        {
            page++;
        }
        return page;
    }

    @Override
    public void close()
    {
        try
        {
            CloseHelper.closeAll(nodes);
        }
        finally
        {
            IoUtil.delete(base, true);
        }
    }

    static File tempDirectory(final String prefix) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        return (Files.isDirectory(shm) ? Files.createTempDirectory(shm, prefix) :
            Files.createTempDirectory(prefix)).toFile();
    }

    /** Distinct free UDP ports on loopback. */
    static int[] freePorts(final int count) throws IOException
    {
        final int[] ports = new int[count];
        final List<DatagramSocket> held = new ArrayList<>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        }
        finally
        {
            CloseHelper.closeAll(held);
        }
        return ports;
    }

    static String url(final int[] ports)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ports.length; i++)
        {
            sb.append(i == 0 ? "" : ",").append(i).append(":127.0.0.1:").append(ports[i]);
        }
        return sb.toString();
    }
}
