package io.respool.dss.shared;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.config.StorageMode;
import io.respool.dss.crash.CrashTestSupport;
import io.respool.dss.engine.InstanceOptions;
import io.respool.dss.engine.VolumeGroupFormatter;
import io.respool.dss.engine.Volumes;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Several instances, each a separate JVM with its own instance id, changing one volume group at once: creates,
 * writes, renames, truncates, links and deletes from every one of them. Afterwards the group is consistent and
 * every change acknowledged by any of them is there; with one killed in the middle, the others carry on.
 */
class SharedProcessesTest
{
    static final int AU = 2 * 1024 * 1024;

    @TempDir
    Path dir;

    private Path newVolumeGroup() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 16L << 30);
        VolumeGroupFormatter.format("data", volume, AU, 256 * 1024, Volumes.fromSystemProperties());
        return volume;
    }

    /**
     * Each case runs its workload for 6 s; CI runs the two with three instances, which the two-instance cases repeat
     * with one instance fewer. {@code -Drespool.test.shared.all=true} runs all four.
     */
    private static final boolean ALL_CASES = Boolean.getBoolean("respool.test.shared.all");

    @ParameterizedTest(name = "{0} instances, {1}")
    @CsvSource({"2, DISK", "3, DISK", "2, SHARE_DISK", "3, SHARE_DISK"})
    @Timeout(240)
    void shouldKeepEveryAcknowledgedChangeOfConcurrentInstances(final int instances, final StorageMode mode)
        throws Exception
    {
        assumeTrue(ALL_CASES || instances == 3, "a variant of a case CI runs, with one instance fewer: run it with " +
            "-Drespool.test.shared.all=true");
        final long seed = Long.getLong("shared.seed", System.nanoTime());
        System.out.println("SharedProcessesTest seed=" + seed + " instances=" + instances + " mode=" + mode);
        final Path volume = newVolumeGroup();
        final Path journals = Files.createDirectories(dir.resolve("journals"));
        final Random random = new Random(seed);
        final List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < instances; i++)
        {
            children.add(CrashTestSupport.startWorkload(volume, journals, i, random.nextLong(), 2,
                Integer.toString(i), mode.name(), dir.toString(), "6000"));
        }
        final InstanceOptions tool = InstanceOptions.defaults().withLockDirectory(dir).withStorageMode(mode)
            .withInstanceId(instances);
        int toolRuns = 0;
        while (children.stream().anyMatch(ChildProcess::isAlive))
        {
            // What dsscmd does while the instances run: open, change, list, close.
            try (Dss dss = Dss.openVolumeGroup("data", volume, tool))
            {
                dss.mkdirs("+data/tool/" + toolRuns);
                assertEquals(toolRuns + 1, dss.list("+data/tool").size());
            }
            toolRuns++;
        }
        for (int i = 0; i < instances; i++)
        {
            final ChildProcess child = children.get(i);
            assertTrue(child.waitFor(Duration.ofSeconds(120)), "instance " + i + " did not finish");
            assertEquals(0, child.exitValue(), "instance " + i + " failed:\n" + child.output());
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)
            .withStorageMode(mode).withInstanceId(instances)))
        {
            assertEquals(List.of(), dss.volumeGroup("data").check(), "seed=" + seed);
            int acknowledged = 0;
            for (int i = 0; i < instances; i++)
            {
                final int ofInstance = CrashTestSupport.verifyRun(dss, journals, i, 2, false, "seed=" + seed);
                assertTrue(ofInstance >= 1, "instance " + i + " acknowledged no change: the instances did not " +
                    "really run side by side");
                acknowledged += ofInstance;
            }
            System.out.println("SharedProcessesTest acknowledged=" + acknowledged + ", tool runs=" + toolRuns);
            assertEquals(toolRuns, dss.list("+data/tool").size(), "every change made beside the instances is there");
        }
    }

    private static String tail(final Path journal) throws java.io.IOException
    {
        final List<String> lines = Files.readAllLines(journal);
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = StorageMode.class, names = {"DISK", "SHARE_DISK"})
    @Timeout(240)
    void shouldLetOthersCarryOnWhenTheLockHolderIsKilled(final StorageMode mode) throws Exception
    {
        final long seed = Long.getLong("shared.seed", System.nanoTime());
        System.out.println("SharedProcessesTest kill seed=" + seed + " mode=" + mode);
        final Path volume = newVolumeGroup();
        final Path journals = Files.createDirectories(dir.resolve("journals"));
        final Random random = new Random(seed);
        final ChildProcess victim = CrashTestSupport.startWorkload(volume, journals, 0, random.nextLong(), 3,
            "0", mode.name(), dir.toString(), "0");
        final ChildProcess survivor = CrashTestSupport.startWorkload(volume, journals, 1, random.nextLong(), 2,
            "1", mode.name(), dir.toString(), "-1");
        CrashTestSupport.awaitReady(victim);
        Thread.sleep(1500 + random.nextInt(500));
        victim.kill();
        assertTrue(victim.waitFor(Duration.ofSeconds(30)));
        final long killedAt = System.nanoTime();
        final int beforeKill = CrashTestSupport.acknowledged(journals, 1, 2);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (CrashTestSupport.acknowledged(journals, 1, 2) <= beforeKill + 10 && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(50);
        }
        final double carriedOnAfter = (System.nanoTime() - killedAt) / 1e9;
        Files.writeString(journals.resolve("stop"), "stop");
        assertTrue(survivor.waitFor(Duration.ofSeconds(60)), "survivor did not finish");
        assertEquals(0, survivor.exitValue(), survivor.output());
        final int total = CrashTestSupport.acknowledged(journals, 1, 2);
        System.out.println("SharedProcessesTest " + mode + ": survivor carried on " + carriedOnAfter +
            " s after the kill");
        assertTrue(total > beforeKill + 10, "the survivor did not carry on after the kill: before=" + beforeKill +
            ", after=" + total + ", seconds since kill=" + (System.nanoTime() - killedAt) / 1e9 + ", journal tails: " +
            tail(journals.resolve("r1-t0")) + " | " + tail(journals.resolve("r1-t1")));
        try (Dss dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)
            .withStorageMode(mode).withInstanceId(2)))
        {
            assertEquals(List.of(), dss.volumeGroup("data").check(), "seed=" + seed);
            CrashTestSupport.verifyRun(dss, journals, 0, 3, true, "seed=" + seed);
            CrashTestSupport.verifyRun(dss, journals, 1, 2, false, "seed=" + seed);
        }
    }
}
