package io.respool.dss.crash;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.engine.VolumeGroupFormatter;
import io.respool.dss.engine.Volumes;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill a process running a metadata and data workload with SIGKILL at random points, 30 times (crash.kills) over one volume
 * group, and after each kill reopen the group and check that it is consistent ({@code check} finds nothing) and that
 * every change acknowledged before the kill is there (a root control copy torn by the kill may be named once, as
 * repaired from the other copy when the group was loaded). The redo log is 128 KiB, so the workload also crosses many
 * checkpoints and log wrap-arounds. Reproduce a failure with {@code -Dcrash.seed=<seed printed>}.
 */
class CrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("crash.kills", 30);
    private static final int THREADS = 3;
    private static final int AU = 2 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(540)
    void shouldLoseNothingAcknowledgedAcrossRepeatedKillNine() throws Exception
    {
        final long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryTest seed=" + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        final Random random = new Random(seed);
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 16L << 30);
        VolumeGroupFormatter.format("data", volume, AU, 128 * 1024, Volumes.fromSystemProperties());
        final Path journals = Files.createDirectories(dir.resolve("journals"));
        final Map<String, Map<String, Model.Entry>> verified = new HashMap<>();
        int acknowledged = 0;

        for (int run = 0; run < KILLS; run++)
        {
            final ChildProcess child = CrashTestSupport.startWorkload(volume, journals, run, random.nextLong(),
                THREADS);
            try
            {
                CrashTestSupport.awaitReady(child);
                Thread.sleep(30 + random.nextInt(400));
            }
            finally
            {
                child.kill();
            }
            try (Dss dss = Dss.openVolumeGroup("data", volume))
            {
                final String context = "after kill " + run + ", seed=" + seed;
                assertCheckClean(dss, context);
                acknowledged += CrashTestSupport.verifyRun(dss, journals, run, THREADS, true, context);
                for (int t = 0; t < THREADS; t++)
                {
                    final String base = "+data/r" + run + "/t" + t;
                    verified.put(base, CrashTestSupport.snapshot(dss, base));
                }
                if (run % 20 == 19 || run == KILLS - 1)
                {
                    for (final Map.Entry<String, Map<String, Model.Entry>> older : verified.entrySet())
                    {
                        assertEquals(older.getValue(), CrashTestSupport.snapshot(dss, older.getKey()),
                            "earlier run's state changed: " + older.getKey() + ", seed=" + seed);
                    }
                }
            }
        }
        System.out.println("CrashRecoveryTest kills=" + KILLS + ", acknowledged=" + acknowledged);
    }

    /**
     * A kill in the middle of a root control write tears the copy being written: the load rewrites it from the
     * other copy and the first check names that repair. Anything else, a second torn copy, or a repair that did not
     * hold (a second check still finding it) is a failure.
     */
    private static void assertCheckClean(final Dss dss, final String context)
    {
        final List<String> problems = dss.volumeGroup("data").check();
        final List<String> others = problems.stream().filter(p -> !isRootRepairedAtLoad(p)).toList();
        assertEquals(List.of(), others, context);
        assertTrue(problems.size() <= 1, () -> context + ": both root copies repaired: " + problems);
        assertEquals(List.of(), dss.volumeGroup("data").check(), context + ", second check after " + problems);
    }

    private static boolean isRootRepairedAtLoad(final String problem)
    {
        return problem.startsWith("root control copy ") &&
            problem.contains("(found when the root was loaded, and rewritten from the other copy");
    }
}
