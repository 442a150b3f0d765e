package io.respool.dss.crash;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import io.respool.dss.engine.VolumeGroupFormatter;
import io.respool.dss.engine.Volumes;
import io.respool.blockdev.BlockDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kill a process running a metadata and data workload with SIGKILL at random points, 100 times over one volume
 * group, and after each kill reopen the group and check that it is consistent ({@code check} finds nothing) and that
 * every change acknowledged before the kill is there. The redo log is 128 KiB, so the workload also crosses many
 * checkpoints and log wrap-arounds. Reproduce a failure with {@code -Dcrash.seed=<seed printed>}.
 */
class CrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("crash.kills", 100);
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
        final Map<String, Model> verified = new HashMap<>();
        int inFlight = 0;
        int acknowledged = 0;

        for (int run = 0; run < KILLS; run++)
        {
            final Process child = startChild(volume, journals, run, random.nextLong());
            try
            {
                awaitReady(child, run);
                Thread.sleep(30 + random.nextInt(400));
            }
            finally
            {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            try (Dss dss = Dss.openVolumeGroup("data", volume))
            {
                assertEquals(List.of(), dss.volumeGroup("data").check(), "check after kill " + run + ", seed=" + seed);
                for (int t = 0; t < THREADS; t++)
                {
                    final String base = "+data/r" + run + "/t" + t;
                    final Journal journal = Journal.read(journals.resolve("r" + run + "-t" + t));
                    acknowledged += journal.acknowledged;
                    final Map<String, Model.Entry> actual = snapshot(dss, base);
                    final Model expected = journal.model;
                    if (journal.pending != null)
                    {
                        inFlight++;
                    }
                    final Model after = journal.pending == null ? expected : expected.after(journal.pending);
                    if (!actual.equals(expected.entries) && (after == null ? !onlyDiffersAt(actual, expected,
                        Model.touchedPath(journal.pending)) : !actual.equals(after.entries)))
                    {
                        fail("after kill " + run + " (seed=" + seed + ") " + base + " differs from what was " +
                            "acknowledged; in flight: " + journal.pending + "\nexpected: " + expected.entries +
                            "\nactual:   " + actual);
                    }
                    final Model truth = new Model();
                    truth.entries.putAll(actual);
                    verified.put(base, truth);
                }
                if (run % 20 == 19 || run == KILLS - 1)
                {
                    for (final Map.Entry<String, Model> older : verified.entrySet())
                    {
                        assertEquals(older.getValue().entries, snapshot(dss, older.getKey()),
                            "earlier run's state changed: " + older.getKey() + ", seed=" + seed);
                    }
                }
            }
        }
        System.out.println("CrashRecoveryTest kills=" + KILLS + ", acknowledged=" + acknowledged +
            ", inFlightAtKill=" + inFlight);
    }

    private static boolean onlyDiffersAt(final Map<String, Model.Entry> actual, final Model expected,
        final String path)
    {
        final Map<String, Model.Entry> a = new HashMap<>(actual);
        final Map<String, Model.Entry> e = new HashMap<>(expected.entries);
        a.remove(path);
        e.remove(path);
        return a.equals(e);
    }

    private Process startChild(final Path volume, final Path journals, final int run, final long seed)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWorkload.class.getName());
        command.add(volume.toString());
        command.add(journals.toString());
        command.add(Integer.toString(run));
        command.add(Long.toString(seed));
        command.add(Integer.toString(THREADS));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void awaitReady(final Process child, final int run) throws IOException
    {
        final BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        final StringBuilder output = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null)
        {
            if (line.equals("READY"))
            {
                return;
            }
            output.append(line).append('\n');
            if (System.nanoTime() - deadline > 0)
            {
                break;
            }
        }
        fail("workload " + run + " did not start:\n" + output);
    }

    /**
     * Everything under {@code base}, links not followed.
     */
    static Map<String, Model.Entry> snapshot(final Dss dss, final String base)
    {
        final Map<String, Model.Entry> entries = new HashMap<>();
        if (dss.exists(base))
        {
            entries.put(base, Model.Entry.directory());
            collect(dss, base, entries);
        }
        return entries;
    }

    private static void collect(final Dss dss, final String dirPath, final Map<String, Model.Entry> entries)
    {
        for (final FileStat stat : dss.list(dirPath))
        {
            final String path = dirPath + "/" + stat.name();
            if (stat.type() == FileType.DIRECTORY)
            {
                entries.put(path, Model.Entry.directory());
                collect(dss, path, entries);
            }
            else if (stat.type() == FileType.LINK)
            {
                entries.put(path, new Model.Entry('l', 0, 0, 0, 0, dss.readlink(path)));
            }
            else
            {
                entries.put(path, fileEntry(dss, path, stat.size()));
            }
        }
    }

    private static Model.Entry fileEntry(final Dss dss, final String path, final long length)
    {
        final CRC32 crc = new CRC32();
        try (DssFile file = dss.open(path))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            long position = 0;
            int n;
            while ((n = file.read(buffer.clear(), position)) > 0)
            {
                crc.update(buffer.array(), 0, n);
                position += n;
            }
        }
        return new Model.Entry('-', 0, 0, length, crc.getValue(), null);
    }

    /**
     * One thread's journal: the model of what was acknowledged, and the operation in flight at the kill, if any.
     */
    static final class Journal
    {
        final Model model = new Model();
        String pending;
        int acknowledged;

        static Journal read(final Path file) throws IOException
        {
            final Journal journal = new Journal();
            if (!Files.exists(file))
            {
                return journal;
            }
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                if (line.startsWith("I "))
                {
                    journal.pending = line.substring(2);
                }
                else if (line.equals("A"))
                {
                    journal.model.apply(journal.pending);
                    journal.pending = null;
                    journal.acknowledged++;
                }
                else if (line.startsWith("F "))
                {
                    if (journal.pending != null && journal.pending.startsWith("WRITE "))
                    {
                        fail("a write failed in the workload: " + journal.pending + ": " + line.substring(2) +
                            ", journal=" + file);
                    }
                    journal.pending = null;
                }
                else if (!line.isEmpty())
                {
                    journal.pending = null; // a line torn by the kill: the operation before it is still in flight
                }
            }
            return journal;
        }
    }
}
