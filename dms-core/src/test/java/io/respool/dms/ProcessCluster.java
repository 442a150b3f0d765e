package io.respool.dms;

import io.respool.dms.api.FileMembershipSource;
import io.respool.dms.api.MembershipView;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three {@link NodeProcessMain} JVMs on free loopback ports over shared files in a test's temp directory, and the
 * test's side of them: it plays the cluster manager (membership views in a {@link FileMembershipSource} file, or
 * the fixed default), kills and restarts nodes, and checks every page the nodes read at the end against what
 * every incarnation acknowledged ({@link ProcessSharedState}).
 */
final class ProcessCluster implements AutoCloseable
{
    static final int NODES = 3;
    static final Duration ANSWER = Duration.ofSeconds(40);

    final String url;
    final long seed;
    final int pages;
    final ProcessSharedState state;
    private final File base;
    private final File sharedDir;
    private final Path viewFile;
    private final int threads;
    private final ChildProcess[] nodes = new ChildProcess[NODES];
    private final int[] generations = new int[NODES];
    private final List<ChildProcess> started = new ArrayList<>();
    private final List<String> nodeJvmArgs = new ArrayList<>();

    /**
     * @param fileMembership true: views from a {@link FileMembershipSource} file, the first with every node a
     *                       member and node 0 reformer and primary; false: the fixed default.
     */
    ProcessCluster(final File base, final long seed, final int pages, final int threads,
        final boolean fileMembership) throws IOException
    {
        this.base = base;
        this.seed = seed;
        this.pages = pages;
        this.threads = threads;
        this.url = TestCluster.freeUrl(NODES);
        this.sharedDir = new File(base, "shared");
        assertTrue(sharedDir.mkdirs(), () -> "cannot create " + sharedDir);
        ProcessPageStore.createDisk(new File(sharedDir, "disk.dat"), TestCluster.PAGE_SIZE, pages);
        this.state = ProcessSharedState.create(new File(sharedDir, "shared.dat"), pages, NODES);
        this.viewFile = fileMembership ? sharedDir.toPath().resolve("membership.view") : null;
        if (fileMembership)
        {
            publish(new MembershipView(1, (1L << NODES) - 1, 0, 0));
        }
    }

    /**
     * @param args JVM arguments of every node started from now on, such as {@code -Drespool.dms...} settings.
     * @return this.
     */
    ProcessCluster nodeJvmArgs(final String... args)
    {
        nodeJvmArgs.addAll(List.of(args));
        return this;
    }

    /**
     * @param id a node.
     * @return its node directory (statistics file, node lock).
     */
    File nodeDirectory(final int id)
    {
        return new File(new File(base, "nodes"), "node-" + id);
    }

    /**
     * Start node {@code id} (its next incarnation, if it ran before) and wait until it printed {@code STARTED}.
     */
    ChildProcess start(final int id)
    {
        final ChildProcess child = ChildJvm.of(NodeProcessMain.class)
            .name("node " + id + " (generation " + generations[id] + ", seed=" + seed + ")")
            .jvmArgs("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
            .jvmArgs(nodeJvmArgs.toArray(new String[0]))
            .args("url=" + url, "id=" + id, "base=" + new File(base, "nodes").getPath(),
                "shared=" + sharedDir.getPath(), "pages=" + pages, "nodes=" + NODES,
                "generation=" + generations[id], "threads=" + threads, "seed=" + (seed * 7 + id * 101 +
                generations[id]), "membership=" + (viewFile == null ? "fixed" : viewFile.toString()))
            .start();
        started.add(child);
        nodes[id] = child;
        child.awaitLine("STARTED", (line) -> line.startsWith("STARTED"), ANSWER);
        return child;
    }

    /**
     * Start every node, then wait until each is connected to its peers.
     */
    void startAll()
    {
        for (int id = 0; id < NODES; id++)
        {
            start(id);
        }
        for (int id = 0; id < NODES; id++)
        {
            awaitConnected(id);
        }
    }

    void awaitConnected(final int id)
    {
        final String line = nodes[id].awaitLine("CONNECTED", (l) -> l.startsWith("CONNECTED") || l.startsWith(
            "FAILED"), ANSWER);
        assertEquals("CONNECTED", line, () -> nodes[id] + ": " + nodes[id].tail());
    }

    /**
     * Send a command and wait for its answer, the next line that starts with {@code answer} or {@code FAILED}.
     */
    String command(final int id, final String command, final String answer)
    {
        nodes[id].send(command);
        return nodes[id].awaitLine(answer + " to " + command,
            (line) -> line.startsWith(answer) || line.startsWith("FAILED"), ANSWER);
    }

    /**
     * Send a command to each node in turn, then collect the answers, so that they run at once.
     */
    List<String> commandAll(final List<Integer> ids, final String command, final String answer)
    {
        for (final int id : ids)
        {
            nodes[id].send(command);
        }
        final List<String> answers = new ArrayList<>();
        for (final int id : ids)
        {
            final String line = nodes[id].awaitLine(answer + " to " + command,
                (l) -> l.startsWith(answer) || l.startsWith("FAILED"), ANSWER);
            assertTrue(line.startsWith(answer), () -> nodes[id] + " answered " + command + " with: " + line +
                "\nseed=" + seed + "\n" + tails());
            answers.add(line);
        }
        return answers;
    }

    /**
     * {@code kill -9} the node, wait for it to be gone, and forget its latches: the next start is a new incarnation.
     * It may start again at once: its embedded driver's heartbeat looks alive for a second more, but its node
     * directory is taken over since the driver's process is gone ({@code NodeDirectory}).
     */
    void kill(final int id)
    {
        nodes[id].kill();
        assertFalse(nodes[id].isAlive(), () -> nodes[id] + " survived kill -9");
        state.clearHolds(id);
        generations[id]++;
    }

    /**
     * @return the end of every running node's output, for a failure message.
     */
    String tails()
    {
        final StringBuilder sb = new StringBuilder();
        for (final ChildProcess child : nodes)
        {
            if (child != null)
            {
                sb.append("--- ").append(child).append(" output ends:\n").append(child.tail()).append('\n');
            }
        }
        return sb.toString();
    }

    void publish(final MembershipView view)
    {
        FileMembershipSource.publish(viewFile, view);
    }

    ChildProcess node(final int id)
    {
        return nodes[id];
    }

    int slot(final int id)
    {
        return id + NODES * generations[id];
    }

    /**
     * @return increments acknowledged so far by the node's current incarnation, over every page.
     */
    long acknowledged(final int id)
    {
        long sum = 0;
        for (int page = 0; page < pages; page++)
        {
            sum += state.acked(slot(id), page);
        }
        return sum;
    }

    /**
     * Wait, up to {@code timeout}, until each node's current incarnation acknowledged {@code more} increments
     * beyond what it had when called.
     */
    void awaitProgress(final List<Integer> ids, final long more, final Duration timeout) throws InterruptedException
    {
        final long[] from = new long[NODES];
        for (final int id : ids)
        {
            from[id] = acknowledged(id);
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (final int id : ids)
        {
            while (acknowledged(id) - from[id] < more)
            {
                assertTrue(System.nanoTime() - deadline < 0, () -> nodes[id] + " acknowledged only " +
                    (acknowledged(id) - from[id]) + " of " + more + " increments in " + timeout.toMillis() +
                    " ms, seed=" + seed + "; its output ends:\n" + nodes[id].tail());
                assertTrue(nodes[id].isAlive(), () -> nodes[id] + " died: " + nodes[id].tail());
                for (final int other : ids)
                {
                    assertFalse(nodes[other].output().contains("\nFAILED "), () -> nodes[other] + " failed, seed=" +
                        seed + "; its output ends:\n" + nodes[other].tail());
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }

    /**
     * Check a {@code PAGES} line against what every incarnation acknowledged: each live incarnation's increments
     * are all there, exactly; a killed one's are all there and none that its WAL does not hold.
     *
     * @param live the slots of the incarnations running now.
     * @return the pages' counters.
     */
    long[] verify(final String pagesLine, final List<Integer> live)
    {
        final String[] images = pagesLine.substring("PAGES ".length()).split(" ");
        assertEquals(pages, images.length, pagesLine);
        final long[] counters = new long[pages];
        for (int page = 0; page < pages; page++)
        {
            final String[] parts = images[page].split(":");
            final String[] contributions = parts[1].split(",");
            counters[page] = Long.parseLong(parts[0]);
            long sum = 0;
            for (int slot = 0; slot < state.slots(); slot++)
            {
                final long contribution = Long.parseLong(contributions[slot]);
                sum += contribution;
                final long acked = state.acked(slot, page);
                final long wal = state.walContribution(slot, page);
                final String where = "seed=" + seed + ", pageId=" + (ProcessPageStore.FIRST_PAGE + page) +
                    ", slot=" + slot + ", contribution=" + contribution + ", acknowledged=" + acked + ", wal=" + wal;
                if (live.contains(slot))
                {
                    assertEquals(acked, contribution, () -> "increments of a live node lost or added: " + where);
                }
                else
                {
                    assertTrue(contribution >= acked, () -> "acknowledged increments of a killed node lost: " +
                        where);
                    assertTrue(contribution <= wal, () -> "increments no WAL holds: " + where);
                }
            }
            assertEquals(counters[page], sum, "counter is not the sum of the contributions: " + images[page]);
        }
        return counters;
    }

    /**
     * Kill every node still running (a test that fails leaves none behind) and unmap the shared state.
     */
    @Override
    public void close()
    {
        for (final ChildProcess child : started)
        {
            child.close();
        }
        state.close();
    }
}
