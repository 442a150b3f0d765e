package io.respool.dss.crash;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;

import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@link CrashWorkload} in child JVMs and checks a volume group against the journals they left: every
 * acknowledged change present; the one change in flight at a kill either done or not.
 */
public final class CrashTestSupport
{
    private CrashTestSupport()
    {
    }

    /**
     * Start {@link CrashWorkload} in a child JVM; {@code extra} are its optional arguments.
     */
    public static ChildProcess startWorkload(final Path volume, final Path journals, final int run, final long seed,
        final int threads, final String... extra)
    {
        return ChildJvm.of(CrashWorkload.class).name("workload " + run)
            .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
            .args(volume.toString(), journals.toString(), Integer.toString(run), Long.toString(seed),
                Integer.toString(threads))
            .args(extra)
            .start();
    }

    public static void awaitReady(final ChildProcess child)
    {
        child.awaitLine("READY", Duration.ofSeconds(30));
    }

    /**
     * @return how many operations the threads of {@code run} have acknowledged so far.
     */
    public static int acknowledged(final Path journals, final int run, final int threads) throws IOException
    {
        int total = 0;
        for (int t = 0; t < threads; t++)
        {
            total += Journal.read(journals.resolve("r" + run + "-t" + t)).acknowledged;
        }
        return total;
    }

    /**
     * Check every thread directory of {@code run} against its journal.
     *
     * @param killed whether the run was killed, so that one operation per thread may have been in flight.
     * @return operations acknowledged.
     */
    public static int verifyRun(final Dss dss, final Path journals, final int run, final int threads,
        final boolean killed, final String context) throws IOException
    {
        int acknowledged = 0;
        for (int t = 0; t < threads; t++)
        {
            final String base = "+data/r" + run + "/t" + t;
            final Journal journal = Journal.read(journals.resolve("r" + run + "-t" + t));
            acknowledged += journal.acknowledged;
            if (!killed && journal.pending != null)
            {
                fail(base + " ended with an operation in flight though it exited cleanly: " + journal.pending);
            }
            final Map<String, Model.Entry> actual = snapshot(dss, base);
            final Model expected = journal.model;
            final Model after = journal.pending == null ? expected : expected.after(journal.pending);
            if (!actual.equals(expected.entries) && (after == null ?
                !onlyDiffersAt(actual, expected, Model.touchedPath(journal.pending)) : !actual.equals(after.entries)))
            {
                fail(context + ": " + base + " differs from what was acknowledged; in flight: " + journal.pending +
                    "\nexpected: " + expected.entries + "\nactual:   " + actual);
            }
        }
        return acknowledged;
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
     * One thread's journal: the model of what was acknowledged, and the operation in flight at the end, if any.
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
