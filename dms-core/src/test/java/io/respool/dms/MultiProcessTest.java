package io.respool.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three nodes in three JVMs: this test's JVM runs node 0, two child JVMs run nodes 1 and 2. All increment and
 * read shared pages; node 0 then reads every page and checks the counter equals the increments of all three.
 */
class MultiProcessTest
{
    private static final int PAGES = 6;
    private static final int OPERATIONS = 1500;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldShipPagesBetweenProcesses(@TempDir final File base) throws Exception
    {
        final long seed = CoherenceTest.seed();
        final String url = TestCluster.freeUrl(3);
        final List<ChildProcess> children = new ArrayList<>();
        final InMemoryPageStore store = new InMemoryPageStore(0, TestCluster.PAGE_SIZE,
            new InMemoryDisk(TestCluster.PAGE_SIZE));
        try
        {
            for (int id = 1; id <= 2; id++)
            {
                children.add(ChildJvm.of(NodeProcessMain.class).name("node " + id).jvmArgs("-Xmx256m")
                    .args(url, String.valueOf(id), base.getPath(), String.valueOf(PAGES), String.valueOf(OPERATIONS),
                        String.valueOf(seed + id))
                    .start());
            }

            try (DmsNode node = Dms.launch(new DmsContext().url(url).nodeId(0).baseDirectory(base).pageStore(store)))
            {
                store.attach(node);
                assertTrue(node.awaitConnected(TimeUnit.SECONDS.toNanos(60)), "children did not connect");
                final long[] expected = new long[PAGES];
                final Random random = new Random(seed);
                final long timeoutNs = TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < OPERATIONS; i++)
                {
                    final int index = random.nextInt(PAGES);
                    final long pageId = 1_000 + index;
                    node.acquirePage(pageId, LockMode.X, timeoutNs);
                    try
                    {
                        store.increment(pageId);
                        expected[index]++;
                    }
                    finally
                    {
                        node.unlatchPage(pageId);
                    }
                }
                for (final ChildProcess child : children)
                {
                    final String line = child.awaitLine("DONE or FAILED, seed=" + seed,
                        (printed) -> printed.startsWith("DONE") || printed.startsWith("FAILED"),
                        Duration.ofSeconds(90));
                    assertFalse(line.startsWith("FAILED"), () -> "seed=" + seed + ": " + child.output());
                    final String[] counts = line.substring(5).trim().split(" ");
                    for (int p = 0; p < PAGES; p++)
                    {
                        expected[p] += Long.parseLong(counts[p]);
                    }
                }
                for (int p = 0; p < PAGES; p++)
                {
                    final long pageId = 1_000 + p;
                    node.acquirePage(pageId, LockMode.S, timeoutNs);
                    try
                    {
                        assertEquals(expected[p], store.counter(pageId), "seed=" + seed + ", pageId=" + pageId);
                    }
                    finally
                    {
                        node.unlatchPage(pageId);
                    }
                }
                for (final ChildProcess child : children)
                {
                    child.send("exit");
                }
                for (final ChildProcess child : children)
                {
                    assertTrue(child.waitFor(Duration.ofSeconds(30)), "child did not exit");
                    assertEquals(0, child.exitValue());
                }
            }
        }
        finally
        {
            for (final ChildProcess child : children)
            {
                child.close();
            }
        }
    }
}
