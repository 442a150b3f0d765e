package io.respool.cluster.soak;

import io.respool.cluster.arbiter.ArbiterNodeMain;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The no-false-kick-out run of issue 12 (not a test: it lasts minutes): two arbiter nodes, each its own JVM
 * ({@link ArbiterNodeMain}, the arbiter's defaults) in a session of its own as a service runs, on one image, for the
 * given time, with {@code busy} extra processes spinning in the soak's session so that both cores stay saturated by
 * other work. Every 10 s it prints the load average; at the
 * end the views published after the first and the self-fences, each of which is a false kick-out since no fault is
 * made; and each node's own renewal gaps at its last report. Exit status 0 only if there was none. Run from the
 * repository root after {@code mvn -q -B package -DskipTests}: {@code bench/arbiter-soak.sh MINUTES BUSY}.
 */
public final class ArbiterSoak
{
    /**
     * Each node JVM in a session of its own ({@code setsid}), as a node run as a service is: Linux's autogroup then
     * schedules it as a group of its own beside the spinners' (the soak's) session, not as two threads among the
     * spinners in one group, which starved both arbiter threads at once for up to 1.5 s (cluster/DESIGN.md).
     * {@code -Drespool.soak.sharedSession=true} puts them in the soak's session again, for comparison.
     */
    private static final boolean OWN_SESSIONS = !Boolean.getBoolean("respool.soak.sharedSession");

    private ArbiterSoak()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Duration length = Duration.ofMinutes(Long.parseLong(args[0]));
        final int busy = Integer.parseInt(args[1]);
        final Path dir = Files.createTempDirectory("respool-arbiter-soak");
        final Path volume = ArbiterNodeMain.formattedVolume(dir);

        final List<Process> spinners = new ArrayList<>();
        final List<ChildProcess> nodes = new ArrayList<>();
        int falseKicks = 0;
        try
        {
            for (int i = 0; i < busy; i++)
            {
                spinners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            for (int node = 0; node < 2; node++)
            {
                final List<String> command = new ArrayList<>();
                if (OWN_SESSIONS)
                {
                    command.add("setsid");
                }
                command.addAll(ChildJvm.of(ArbiterNodeMain.class)
                    .args(volume.toString(), dir.toString(), Integer.toString(node)).command());
                nodes.add(ChildProcess.builder(command).name("node " + node).start());
            }
            for (final ChildProcess node : nodes)
            {
                node.awaitLine("view 1", Duration.ofSeconds(60));
            }
            System.out.println("both nodes serve view 1; running " + length.toMinutes() + " min with " + busy +
                " spinning processes, the nodes in " + (OWN_SESSIONS ? "sessions of their own" : "the soak's session"));
            final long endNs = System.nanoTime() + length.toNanos();
            while (System.nanoTime() - endNs < 0 && nodes.stream().allMatch(ChildProcess::isAlive))
            {
                Thread.sleep(10_000);
                System.out.println("load average " + Files.readString(Path.of("/proc/loadavg")).trim());
            }
            for (final ChildProcess node : nodes)
            {
                final String[] lines = node.output().split("\n");
                for (int i = lines.length - 1; i >= 0; i--)
                {
                    if (lines[i].startsWith("gaps: "))
                    {
                        System.out.println(node.name() + " " + lines[i]);
                        break;
                    }
                }
                for (final String line : lines)
                {
                    if (line.startsWith("fenced:") || (line.startsWith("view ") && !line.equals("view 1")))
                    {
                        System.out.println(node.name() + ": " + line);
                        falseKicks++;
                    }
                }
                if (!node.isAlive())
                {
                    System.out.println(node.name() + " ended: " + node.tail());
                    falseKicks++;
                }
            }
            System.out.println(falseKicks == 0 ? "PASSED: no false kick-out in " + length.toMinutes() + " min" :
                "FAILED: " + falseKicks + " false kick-outs or ended nodes");
        }
        finally
        {
            nodes.forEach(ChildProcess::close);
            spinners.forEach(Process::destroyForcibly);
        }
        System.exit(falseKicks == 0 ? 0 : 1);
    }
}
