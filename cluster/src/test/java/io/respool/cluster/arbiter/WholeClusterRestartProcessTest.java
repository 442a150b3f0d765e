package io.respool.cluster.arbiter;

import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole cluster killed over a used cluster area, as a power loss would leave it: both nodes run as their own
 * processes ({@link ArbiterNodeMain}) over one image file, take up view 1, and are killed with SIGKILL together. Each
 * new process finds itself a member of view 1 with nobody left to admit it; the cluster must come back by itself
 * (cluster/DESIGN.md, "A whole cluster restarted over a used cluster area"), without formatting the area, and
 * without waiting out any lease, because both predecessors are seen gone on this host.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class WholeClusterRestartProcessTest
{
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /**
     * Node 1 comes back first and alone: it forms view 2 of itself, primary, and writes; node 0 then joins it in view
     * 3 and writes too. Neither fences itself.
     */
    @Test
    void shouldComeBackOneNodeAtATimeAfterEveryNodeWasKilled() throws Exception
    {
        final Path volume = ArbiterNodeMain.formattedVolume(dir);
        killBoth(volume);

        final long restartNs = System.nanoTime();
        try (ChildProcess node1 = start(volume, 1))
        {
            node1.awaitLine("view 2", START);
            final long aloneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            node1.awaitLine("members of view 2: [1] primary 1", Duration.ofSeconds(1));
            node1.awaitLine("wrote", Duration.ofSeconds(20));

            final long joinNs = System.nanoTime();
            try (ChildProcess node0 = start(volume, 0))
            {
                node0.awaitLine("view 3", START);
                final long joinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinNs);
                node0.awaitLine("members of view 3: [0,1] primary 1", Duration.ofSeconds(1));
                node0.awaitLine("wrote", Duration.ofSeconds(20));
                node1.awaitLine("view 3", Duration.ofSeconds(5));
                assertNotFenced(node0);
                assertNotFenced(node1);
                System.out.println("whole cluster killed: node 1's new process (JVM start included) to its view " +
                    "alone: " + aloneMs + " ms; node 0's new process to the view adding it: " + joinMs + " ms");
            }
        }
    }

    /**
     * Both come back at once: whichever forms the next view alone, the other joins it, both end in one view of two
     * members, and both write.
     */
    @Test
    void shouldComeBackWhenEveryNodeRestartsAtOnce() throws Exception
    {
        final Path volume = ArbiterNodeMain.formattedVolume(dir);
        killBoth(volume);

        final long restartNs = System.nanoTime();
        try (ChildProcess node0 = start(volume, 0);
            ChildProcess node1 = start(volume, 1))
        {
            node0.awaitLine("wrote", START);
            node1.awaitLine("wrote", START);
            final long servingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            final String last0 = lastMembersLine(node0);
            final String last1 = lastMembersLine(node1);
            final String outputs = "\nnode 0:\n" + node0.output() + "\nnode 1:\n" + node1.output();
            assertEquals(last0, last1, "both nodes took up the same last view" + outputs);
            assertTrue(last0.matches("members of view \\d+: \\[0,1] primary [01]"), last0 + outputs);
            assertNotFenced(node0);
            assertNotFenced(node1);
            System.out.println("whole cluster killed, both restarted at once: both serving " + servingMs +
                " ms after the restart (JVM start included), in " + last0);
        }
    }

    /**
     * Run both nodes until each took up view 1 and wrote, then kill both with SIGKILL.
     */
    private void killBoth(final Path volume) throws Exception
    {
        try (ChildProcess node0 = start(volume, 0);
            ChildProcess node1 = start(volume, 1))
        {
            node0.awaitLine("view 1", START);
            node1.awaitLine("view 1", START);
            node0.awaitLine("wrote", Duration.ofSeconds(20));
            node1.awaitLine("wrote", Duration.ofSeconds(20));
            node0.kill();
            node1.kill();
            assertTrue(node0.waitFor(Duration.ofSeconds(10)) && node1.waitFor(Duration.ofSeconds(10)),
                "both processes gone");
            assertFalse(node0.output().contains("view 2") || node1.output().contains("view 2"),
                "no view after 1 before the kill");
        }
    }

    private ChildProcess start(final Path volume, final int nodeId) throws Exception
    {
        return ChildJvm.of(ArbiterNodeMain.class).name("node" + nodeId)
            .args(volume.toString(), dir.toString(), Integer.toString(nodeId)).start();
    }

    private static String lastMembersLine(final ChildProcess node)
    {
        return node.output().lines().filter(line -> line.startsWith("members of view ")).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError(node.name() + " published no view:\n" + node.tail()));
    }

    private static void assertNotFenced(final ChildProcess node)
    {
        assertTrue(node.isAlive(), node.name() + " is running");
        // "fenced: " at the start of a line is its arbiter's self-fence; DSS logs the kick of a joiner's instance too
        assertFalse(node.output().lines().anyMatch(line -> line.startsWith("fenced:")),
            node.name() + " fenced itself:\n" + node.tail());
        assertFalse(node.output().contains("write failed"), node.name() + "'s write failed:\n" + node.tail());
    }
}
