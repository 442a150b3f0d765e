package io.respool.dss.crash;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashRecoveryTest}: opens the volume group and runs a random metadata and data
 * workload from several threads until it is killed. Each thread works under its own directory and writes, to its own
 * journal file, {@code I <op>} before an operation and {@code A} once it returned, so the parent knows what was
 * acknowledged. Files are named {@code f*} and links {@code l*}, so no write goes through a link. Usage: {@code CrashWorkload <volume> <journalDir> <run> <seed> <threads>}.
 */
public final class CrashWorkload
{
    private CrashWorkload()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path volume = Path.of(args[0]);
        final Path journals = Path.of(args[1]);
        final int run = Integer.parseInt(args[2]);
        final long seed = Long.parseLong(args[3]);
        final int threads = Integer.parseInt(args[4]);
        InstanceOptions options = InstanceOptions.defaults();
        long durationMs = 0;
        if (args.length > 5)
        {
            options = options.withInstanceId(Integer.parseInt(args[5]))
                .withStorageMode(StorageMode.valueOf(args[6])).withLockDirectory(Path.of(args[7]));
            durationMs = Long.parseLong(args[8]);
        }
        final long deadlineMs = durationMs <= 0 ? Long.MAX_VALUE : System.currentTimeMillis() + durationMs;
        final Path stopFile = durationMs < 0 ? journals.resolve("stop") : null;
        final Dss dss = Dss.openVolumeGroup("data", volume, options);
        dss.mkdirs("+data/r" + run);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            final Thread worker = new Thread(() -> work(dss, journals, run, thread, seed * 31 + thread, deadlineMs,
                stopFile));
            worker.start();
            workers.add(worker);
        }
        System.out.println("READY");
        System.out.flush();
        for (final Thread worker : workers)
        {
            worker.join();
        }
        dss.close();
        java.nio.file.Files.writeString(journals.resolve("r" + run + "-done"), "done");
    }

    private static void work(final Dss dss, final Path journals, final int run, final int thread, final long seed,
        final long deadlineMs, final Path stopFile)
    {
        final String base = "+data/r" + run + "/t" + thread;
        final Random random = new Random(seed);
        try (PrintStream journal = new PrintStream(new FileOutputStream(
            journals.resolve("r" + run + "-t" + thread).toFile()), false, StandardCharsets.UTF_8))
        {
            intent(journal, "MKDIR " + base);
            dss.mkdir(base);
            ack(journal);
            while (System.currentTimeMillis() < deadlineMs && (stopFile == null || !java.nio.file.Files.exists(stopFile)))
            {
                final String a = base + "/f" + random.nextInt(12);
                final String b = base + "/f" + random.nextInt(12);
                final String d = base + "/d" + random.nextInt(3);
                final String link = base + "/l" + random.nextInt(4);
                final int choice = random.nextInt(100);
                try
                {
                    if (choice < 30)
                    {
                        final long dataSeed = random.nextLong();
                        final int size = random.nextInt(4) == 0 ? random.nextInt(3 << 20) : random.nextInt(20_000);
                        intent(journal, "WRITE " + a + " " + dataSeed + " " + size);
                        try (DssFile file = dss.open(a, OpenFlag.CREATE, OpenFlag.WRITE, OpenFlag.TRUNCATE))
                        {
                            file.write(ByteBuffer.wrap(Model.content(dataSeed, size)), 0);
                            file.flush();
                        }
                    }
                    else if (choice < 45)
                    {
                        intent(journal, "DELETE " + a);
                        dss.delete(a);
                    }
                    else if (choice < 60)
                    {
                        intent(journal, "RENAME " + a + " " + b);
                        dss.rename(a, b);
                    }
                    else if (choice < 72)
                    {
                        final long length = random.nextInt(30_000);
                        intent(journal, "TRUNCATE " + a + " " + length);
                        dss.truncate(a, length);
                    }
                    else if (choice < 76)
                    {
                        intent(journal, "SYMLINK " + b + " " + link);
                        dss.symlink(b, link);
                    }
                    else if (choice < 80)
                    {
                        intent(journal, "DELETE " + link);
                        dss.unlink(link);
                    }
                    else if (choice < 90)
                    {
                        intent(journal, "MKDIR " + d);
                        dss.mkdir(d);
                    }
                    else
                    {
                        intent(journal, "RMDIR " + d);
                        dss.rmdir(d, true);
                    }
                    ack(journal);
                }
                catch (final RuntimeException ex)
                {
                    if (lostTheVolumeGroupLock(ex))
                    {
                        return; // may or may not have been made: left in flight, as a kill would leave it
                    }
                    journal.println("F " + ex.getMessage().replace('\n', ' '));
                    journal.flush();
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return true if {@code ex} says this instance lost the SHARE_DISK lease (it was paused past it) while the
     * change was under way: the change may be durable or not, and the volume group may need reopening.
     */
    private static boolean lostTheVolumeGroupLock(final RuntimeException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        return message.contains("lease lost") || message.contains("lease was lost");
    }

    private static void intent(final PrintStream journal, final String op)
    {
        journal.println("I " + op);
        journal.flush();
    }

    private static void ack(final PrintStream journal)
    {
        journal.println("A");
        journal.flush();
    }
}
