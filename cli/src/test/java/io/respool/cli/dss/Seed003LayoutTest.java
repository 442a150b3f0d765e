package io.respool.cli.dss;

import io.respool.blockdev.BlockDevices;
import io.respool.testsupport.ChildProcess;
import io.respool.testsupport.TempDssHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The setup of seed 003 (openGauss resource pooling developer guide, part two), step by step, with a sparse image
 * in place of the guide's 2 TB {@code dd}: two DSS homes with the guide's exact configuration files over one image,
 * {@code cv} through the first home, then {@code lsvg} and {@code ls -m M -p +data} through both, with the
 * {@code -U} socket option the guide passes.
 */
@Timeout(120)
class Seed003LayoutTest
{
    private static final long TWO_TIB = 2L << 40;

    @TempDir
    Path test;

    @Test
    void shouldCreateVolumeGroupOnceAndSeeItThroughBothHomes() throws IOException
    {
        final Path dss = test.resolve("home/test/dss");
        final Path home0 = dss.resolve("dss0/dssdba");
        final Path home1 = dss.resolve("dss1/dssdba");
        for (final Path home : List.of(home0, home1))
        {
            Files.createDirectories(home.resolve("cfg"));
            Files.createDirectories(home.resolve("log"));
        }
        Files.createDirectories(dss.resolve("dev"));
        final Path image = dss.resolve("dev/dss-dba");
        BlockDevices.createSparseImage(image, TWO_TIB);

        for (int instance = 0; instance < 2; instance++)
        {
            TempDssHome.at(dss.resolve("dss" + instance + "/dssdba")).instanceId(instance).logLevel(255)
                .nodesList("0:127.0.0.1:17102, 1:127.0.0.1:18102").diskLockFilePath(dss.resolve("dss0"))
                .listenerPath(dss.resolve("dss" + instance)).set("_LOG_MAX_FILE_SIZE", "20M")
                .set("_LOG_BACKUP_FILE_COUNT", "128").volumeGroup("data", image).write();
        }

        // source /home/cctest/envfile: export DSS_HOME=/home/test/dss/dss0/dssdba
        final Map<String, String> env = Map.of("DSS_HOME", home0.toString());
        final long start = System.nanoTime();
        DssCmdRunner.run(env, "cv", "-g", "data", "-v", image.toString())
            .assertSuccess("Succeed to create volume group data, entry volume is " + image + ".");
        final long cvMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("seed 003: cv on a 2 TiB sparse image took " + cvMs + " ms");
        assertTrue(cvMs < 5_000, "cv took " + cvMs + " ms on a 2 TiB sparse image");
        final long allocatedKb = allocatedKb(image);
        // cv reserves the metadata's own space (system area, redo log, both checkpoint slots: about 82 MiB here) so
        // that a full host file system fails file data, never the group's metadata; nothing else of the 2 TiB.
        assertTrue(allocatedKb < 128 * 1024, "cv allocated " + allocatedKb + " KiB of a sparse image");

        final String socket0 = "UDS:" + dss.resolve("dss0/.dss_unix_d_socket");
        final String socket1 = "UDS:" + dss.resolve("dss1/.dss_unix_d_socket");
        final DssCmdRunner.Result lsvg0 = DssCmdRunner.run(env, "lsvg", "-U", socket0)
            .assertSuccess("Succeed to display lsvg info.");
        final DssCmdRunner.Result lsvg1 = DssCmdRunner.run(Map.of("DSS_HOME", home1.toString()), "lsvg", "-U",
            socket1).assertSuccess("Succeed to display lsvg info.");
        assertEquals(lsvg0.out(), lsvg1.out());
        final String[] row = lsvg0.outLines().get(1).split("\\s+");
        assertEquals("data", row[0]);
        assertEquals("1", row[1]);
        assertEquals(TWO_TIB + ".00000", row[2]);

        DssCmdRunner.run(env, "mkdir", "-p", "+data", "-d", "base").assertSuccess();
        final DssCmdRunner.Result ls0 = DssCmdRunner.run(env, "ls", "-m", "M", "-p", "+data", "-U", socket0)
            .assertSuccess("Succeed to ls dir info +data.");
        final DssCmdRunner.Result ls1 = DssCmdRunner.run(env, "ls", "-m", "M", "-p", "+data", "-U", socket1,
            "-D", home1.toString()).assertSuccess("Succeed to ls dir info +data.");
        assertEquals(ls0.out(), ls1.out());
        assertEquals(3, ls0.outLines().size(), ls0.describe());
        assertTrue(ls0.outLines().get(1).startsWith("d    "), ls0.describe());
        assertEquals("base", ls0.outLines().get(1).split("\\s+")[5]);
    }

    /**
     * @return KiB the image really occupies, from {@code du -k}, or 0 if {@code du} cannot tell.
     */
    private static long allocatedKb(final Path image)
    {
        try (ChildProcess du = ChildProcess.builder(List.of("du", "-k", image.toString())).start())
        {
            if (!du.waitFor(Duration.ofSeconds(10)) || du.exitValue() != 0)
            {
                return 0;
            }
            return Long.parseLong(du.output().trim().split("\\s+")[0]);
        }
        catch (final UncheckedIOException | NumberFormatException ex)
        {
            return 0;
        }
    }
}
