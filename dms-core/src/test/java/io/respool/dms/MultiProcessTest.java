package io.respool.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
        final List<Process> children = new ArrayList<>();
        final List<BufferedReader> outputs = new ArrayList<>();
        final InMemoryPageStore store = new InMemoryPageStore(0, TestCluster.PAGE_SIZE,
            new InMemoryDisk(TestCluster.PAGE_SIZE));
        try
        {
            for (int id = 1; id <= 2; id++)
            {
                final List<String> command = new ArrayList<>();
                command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
                for (final String arg : System.getProperty("respool.jvm.args",
                    "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED").trim().split("\\s+"))
                {
                    command.add(arg);
                }
                command.add("-Xmx256m");
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(NodeProcessMain.class.getName());
                command.add(url);
                command.add(String.valueOf(id));
                command.add(base.getPath());
                command.add(String.valueOf(PAGES));
                command.add(String.valueOf(OPERATIONS));
                command.add(String.valueOf(seed + id));
                final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                children.add(process);
                outputs.add(new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)));
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
                for (final BufferedReader output : outputs)
                {
                    String line;
                    final StringBuilder seen = new StringBuilder();
                    while ((line = output.readLine()) != null && !line.startsWith("DONE"))
                    {
                        seen.append(line).append('\n');
                        assertFalse(line.startsWith("FAILED"), () -> "seed=" + seed + ": " + seen);
                    }
                    assertNotNull(line, () -> "child ended without DONE, seed=" + seed + ": " + seen);
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
                for (final Process child : children)
                {
                    child.getOutputStream().write("exit\n".getBytes(StandardCharsets.US_ASCII));
                    child.getOutputStream().flush();
                }
                for (final Process child : children)
                {
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not exit");
                    assertEquals(0, child.exitValue());
                }
            }
        }
        finally
        {
            for (final Process child : children)
            {
                child.destroyForcibly();
            }
        }
    }
}
