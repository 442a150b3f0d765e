package io.respool.cli.dss;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class CpCommandTest
{
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private TestHome home;
    private Path local;

    @BeforeEach
    void createHome() throws IOException
    {
        home = TestHome.createWithVolumeGroups(dir, "data", "log");
        local = Files.createDirectories(dir.resolve("local"));
    }

    @Test
    void shouldRoundTripMultiMibRandomFileByteForByte() throws IOException
    {
        final byte[] content = new byte[13 * MIB + 12345];
        new Random(42).nextBytes(content);
        final Path source = local.resolve("random.bin");
        Files.write(source, content);

        home.dsscmd("cp", "-s", source.toString(), "-d", "+data/random.bin")
            .assertSuccess("Succeed to copy file from srcpath " + source + " to destpath +data/random.bin.");
        home.dsscmd("cp", "-s", "+data/random.bin", "-d", "+log/copy.bin")
            .assertSuccess("Succeed to copy file from srcpath +data/random.bin to destpath +log/copy.bin.");
        final Path back = local.resolve("back.bin");
        home.dsscmd("cp", "--src_file", "+log/copy.bin", "--dest_file", back.toString())
            .assertSuccess("Succeed to copy file from srcpath +log/copy.bin to destpath " + back + ".");

        assertArrayEquals(content, Files.readAllBytes(back));
        final String[] row = home.dsscmd("ls", "-p", "+log/copy.bin").assertSuccess().outLines().get(1)
            .split("\\s+");
        assertEquals(content.length + ".00000", row[3]);
        assertEquals(content.length + ".00000", row[4]);
        home.dsscmd("check").assertSuccess();
    }

    @Test
    void shouldKeepHolesAndExactLengthWhenCopyingSparseFile() throws IOException
    {
        final Path source = local.resolve("sparse.bin");
        try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "rw"))
        {
            file.setLength(40L * MIB + 3);
            file.seek(9L * MIB + 7);
            file.write("hello".getBytes());
        }
        home.dsscmd("cp", "-s", source.toString(), "-d", "+data/sparse").assertSuccess();
        final String[] row = home.dsscmd("ls", "-p", "+data/sparse").assertSuccess().outLines().get(1).split("\\s+");
        assertEquals((40L * MIB + 3) + ".00000", row[3]);
        assertTrue(Double.parseDouble(row[4]) <= 12.0 * MIB, "written_size " + row[4]);
        final List<String> dump = home.dsscmd("examine", "-p", "+data/sparse", "-o", String.valueOf(9L * MIB),
            "-f", "s", "-s", "16").assertSuccess().outLines();
        assertEquals("0000000000900000 .......hello....", dump.get(1));

        final Path back = local.resolve("sparse.back");
        home.dsscmd("cp", "-s", "+data/sparse", "-d", back.toString()).assertSuccess();
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(back));
    }

    @Test
    void shouldCopyEmptyFileBothWays() throws IOException
    {
        final Path empty = Files.createFile(local.resolve("empty"));
        home.dsscmd("cp", "-s", empty.toString(), "-d", "+data/empty").assertSuccess();
        home.dsscmd("cp", "-s", "+data/empty", "-d", local.resolve("empty2").toString()).assertSuccess();
        assertEquals(0, Files.size(local.resolve("empty2")));
    }

    @Test
    void shouldCopyIntoExistingDirectoryKeepingTheName() throws IOException
    {
        final Path source = Files.writeString(local.resolve("f.txt"), "x");
        home.dsscmd("mkdir", "-p", "+data", "-d", "dir").assertSuccess();
        home.dsscmd("cp", "-s", source.toString(), "-d", "+data/dir")
            .assertSuccess("Succeed to copy file from srcpath " + source + " to destpath +data/dir/f.txt.");
        final Path target = Files.createDirectories(dir.resolve("out"));
        home.dsscmd("cp", "-s", "+data/dir/f.txt", "-d", target.toString())
            .assertSuccess("Succeed to copy file from srcpath +data/dir/f.txt to destpath " +
                target.resolve("f.txt") + ".");
        assertEquals("x", Files.readString(target.resolve("f.txt")));
    }

    @Test
    void shouldRefuseToOverwriteOrCopyDirectoriesOrLocalToLocal() throws IOException
    {
        final Path source = Files.writeString(local.resolve("f"), "x");
        home.dsscmd("cp", "-s", source.toString(), "-d", "+data/f").assertSuccess();
        home.dsscmd("cp", "-s", source.toString(), "-d", "+data/f").assertError("cp: file exists", "+data/f");
        home.dsscmd("cp", "-s", "+data/f", "-d", source.toString()).assertError("cp: ", "already exists",
            "remove it first");
        assertEquals("x", Files.readString(source));
        home.dsscmd("cp", "-s", "+data", "-d", local.resolve("g").toString()).assertError("cp: cp copies files, " +
            "not directories");
        home.dsscmd("cp", "-s", local.toString(), "-d", "+data/g").assertError("cp: cp copies files, not directories");
        home.dsscmd("cp", "-s", source.toString(), "-d", local.resolve("h").toString())
            .assertError("cp: no DSS path on either side", "+vgname");
        home.dsscmd("cp", "-s", "f", "-d", "+data/h").assertError("cp: local path is not absolute", "path=f");
        home.dsscmd("cp", "-s", local.resolve("none").toString(), "-d", "+data/h")
            .assertError("cp: cannot open the local source, no such file or directory", "none");
        home.dsscmd("cp", "-s", "+data/none", "-d", local.resolve("h").toString()).assertError("cp: ", "+data/none");
        home.dsscmd("cp", "-s", "+data/f", "-d", dir.resolve("no/such/dir/h").toString())
            .assertError("cp: cannot create the local destination, no such file or directory");
        home.dsscmd("cp", "-s", source.toString(), "-d", "+data/missing/h").assertError("cp: ", "+data/missing");
        assertFalse(Files.exists(local.resolve("h")));
    }

    @Test
    void shouldRemovePartialDestinationWhenCopyFails() throws IOException
    {
        final TestHome small = TestHome.create(dir.resolve("small"), 100L * MIB, "tiny");
        small.dsscmd("cv", "-g", "tiny", "-v", small.image("tiny").toString(), "-s", "2048").assertSuccess();
        final byte[] content = new byte[48 * MIB];
        new Random(7).nextBytes(content);
        final Path source = Files.write(local.resolve("big.bin"), content);
        small.dsscmd("cp", "-s", source.toString(), "-d", "+tiny/big.bin").assertError("cp: ", "OUT_OF_SPACE",
            "dsscmd rm");
        small.dsscmd("ls", "-p", "+tiny/big.bin").assertError("ls: no such file or directory");
        small.dsscmd("check", "-g", "tiny").assertSuccess();
    }

    @Test
    void shouldDrawProgressBarOnStderrOnlyWhenEnabled() throws IOException
    {
        final Path source = local.resolve("zeros.bin");
        try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "rw"))
        {
            file.setLength(FileCopier.PROGRESS_THRESHOLD + MIB);
        }
        final DssCmdRunner.Result quiet = DssCmdRunner.run(home.env(), false, "cp", "-s", source.toString(), "-d",
            "+data/z1").assertSuccess();
        assertEquals(1, quiet.outLines().size());
        final DssCmdRunner.Result progress = DssCmdRunner.run(home.env(), true, "cp", "-s", source.toString(), "-d",
            "+data/z2");
        assertEquals(0, progress.exitCode(), progress.describe());
        assertEquals(quiet.out().replace("z1", "z2"), progress.out());
        assertTrue(progress.err().startsWith("\rcp ["), progress.describe());
        assertTrue(progress.err().contains("] 100%  33.0 MiB / 33.0 MiB  "), progress.describe());
        assertTrue(progress.err().stripTrailing().endsWith("/s"), progress.describe());
    }
}
