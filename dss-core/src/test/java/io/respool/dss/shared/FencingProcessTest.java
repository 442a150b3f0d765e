package io.respool.dss.shared;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.KickResult;
import io.respool.dss.engine.InstanceOptions;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer process (instance 1) is kicked by instance 0 while it writes. From the moment {@code kick} returns,
 * nothing it writes reaches the volume (checked by reading the disk before and after), every page on disk is the
 * last write it was told succeeded, and every later write fails with a clear FENCED error.
 */
class FencingProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void shouldKeepEveryWriteOfAKickedProcessOffTheVolume() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, 2 << 20);
        final Path journal = dir.resolve("writer.journal");
        final ChildProcess writer = ChildJvm.of(FencedWriter.class).name("writer")
            .jvmArgs("-XX:+UseSerialGC", "-Xmx256m").args(volume.toString(), dir.toString(), journal.toString())
            .start();
        try (Dss kicker = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)))
        {
            writer.awaitLine("READY", Duration.ofSeconds(30));
            while (count(journal, "A ") < 2000)
            {
                Thread.sleep(10);
            }
            assertEquals(KickResult.ACKNOWLEDGED, kicker.volumeGroup("data").kick(1));
            final byte[] atKick = readPages(kicker);
            Thread.sleep(500);
            assertArrayEquals(atKick, readPages(kicker), "nothing the kicked process wrote reached the volume");
            if (!writer.waitFor(Duration.ofSeconds(60)))
            {
                final List<String> tail = Files.readAllLines(journal, StandardCharsets.UTF_8);
                final String stacks = writer.threadDump();
                writer.kill();
                throw new AssertionError("the writer did not stop after its writes failed; journal ends: " +
                    tail.subList(Math.max(0, tail.size() - 3), tail.size()) + "\n" + stacks);
            }

            final List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
            final long[] lastAcknowledged = new long[FencedWriter.SLOTS];
            int refused = 0;
            boolean refusedBefore = false;
            for (final String line : lines)
            {
                if (line.startsWith("A "))
                {
                    assertTrue(!refusedBefore, "a write succeeded after one was refused: " + line);
                    final long n = Long.parseLong(line.substring(2));
                    lastAcknowledged[(int)(n % FencedWriter.SLOTS)] = n;
                }
                else if (line.startsWith("F "))
                {
                    refusedBefore = true;
                    refused++;
                    assertTrue(line.contains("FENCED") && line.contains("instance 1 is fenced") &&
                        line.contains("reghl"), line);
                }
            }
            assertEquals(200, refused);
            final ByteBuffer pages = ByteBuffer.wrap(atKick);
            for (int slot = 0; slot < FencedWriter.SLOTS; slot++)
            {
                assertEquals(lastAcknowledged[slot], pages.getLong(slot * FencedWriter.PAGE),
                    "slot " + slot + " holds the last acknowledged write");
            }
            assertEquals(List.of(), kicker.volumeGroup("data").check());
        }
        finally
        {
            writer.close();
        }
    }

    private static byte[] readPages(final Dss dss)
    {
        try (DssFile file = dss.open("+data/pages"))
        {
            final ByteBuffer all = ByteBuffer.allocate(FencedWriter.SLOTS * FencedWriter.PAGE);
            file.read(all, 0);
            return all.array();
        }
    }

    private static int count(final Path journal, final String prefix) throws Exception
    {
        if (!Files.exists(journal))
        {
            return 0;
        }
        int n = 0;
        for (final String line : Files.readAllLines(journal, StandardCharsets.UTF_8))
        {
            n += line.startsWith(prefix) ? 1 : 0;
        }
        return n;
    }
}
