package io.respool.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own JVM for {@link MultiProcessTest}: starts node {@code id}, waits for its peers, increments
 * random pages under X and reads others under S, prints {@code DONE} with its increments per page, then serves
 * page requests until it reads a line (or end of input) on stdin, and closes.
 * Arguments: url id baseDir pages operations seed.
 */
public final class NodeProcessMain
{
    private NodeProcessMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String url = args[0];
        final int id = Integer.parseInt(args[1]);
        final File base = new File(args[2]);
        final int pages = Integer.parseInt(args[3]);
        final int operations = Integer.parseInt(args[4]);
        final long seed = Long.parseLong(args[5]);
        final InMemoryPageStore store = new InMemoryPageStore(id, TestCluster.PAGE_SIZE, new InMemoryDisk(TestCluster.PAGE_SIZE));
        try (DmsNode node = Dms.launch(new DmsContext().url(url).nodeId(id).baseDirectory(base).pageStore(store)))
        {
            store.attach(node);
            System.out.println("STARTED " + id + " pid=" + ProcessHandle.current().pid());
            if (!node.awaitConnected(TimeUnit.SECONDS.toNanos(30)))
            {
                System.out.println("FAILED not connected");
                return;
            }
            final long[] increments = new long[pages];
            final long[] lastSeen = new long[pages];
            final Random random = new Random(seed);
            final long timeoutNs = TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; i < operations; i++)
            {
                final int index = random.nextInt(pages);
                final long pageId = 1_000 + index;
                final boolean write = random.nextInt(10) < 4;
                node.acquirePage(pageId, write ? LockMode.X : LockMode.S, timeoutNs);
                try
                {
                    final long value = store.counter(pageId);
                    if (value < lastSeen[index])
                    {
                        System.out.println("FAILED stale read pageId=" + pageId + " value=" + value + " seen=" +
                            lastSeen[index]);
                        return;
                    }
                    lastSeen[index] = write ? store.increment(pageId) : value;
                    if (write)
                    {
                        increments[index]++;
                    }
                }
                finally
                {
                    node.unlatchPage(pageId);
                }
            }
            final StringBuilder sb = new StringBuilder("DONE");
            for (final long count : increments)
            {
                sb.append(' ').append(count);
            }
            System.out.println(sb);
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
