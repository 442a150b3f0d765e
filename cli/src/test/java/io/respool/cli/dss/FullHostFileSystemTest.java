package io.respool.cli.dss;

import io.respool.dss.engine.Volumes;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import io.respool.testsupport.SlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A volume group on a sparse image whose host file system fills up (issue 10, item 8): a small ext4 on a loop
 * device, mounted for the test where the images go. {@code cv} reserved the metadata's space, so a copy that runs
 * out of host space fails cleanly on either backend: one error line and nothing else, no exception class name, no
 * partial file, {@code check} clean, and the group still takes a small copy. Needs root and permission to mount;
 * skipped with the reason where either is missing.
 */
@Timeout(120)
class FullHostFileSystemTest
{
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private Path fsImage;
    private Path mountPoint;

    @BeforeEach
    void mountSmallFileSystem() throws Exception
    {
        assumeTrue("0".equals(run("id", "-u").trim()), "mounting a small ext4 needs root");
        fsImage = dir.resolve("small-fs.img");
        final Path target = Files.createDirectories(dir.resolve("dev"));
        try
        {
            run("truncate", "-s", "160M", fsImage.toString());
            run("mkfs.ext4", "-q", "-F", fsImage.toString());
            run("mount", "-o", "loop", fsImage.toString(), target.toString());
            mountPoint = target;
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "cannot mount a 160 MiB ext4 on a loop device here: " + ex.getMessage());
        }
    }

    @AfterEach
    void unmount() throws Exception
    {
        System.clearProperty(Volumes.BACKEND_PROP_NAME);
        if (mountPoint != null)
        {
            run("umount", mountPoint.toString());
            final String left = run("losetup", "-j", fsImage.toString()).trim();
            if (!left.isEmpty())
            {
                run("losetup", "-d", left.substring(0, left.indexOf(':')));
            }
        }
    }

    @SlowTest
    void shouldFailACopyCleanlyWhenTheHostFileSystemFillsUnderMapped() throws Exception
    {
        shouldFailACopyCleanly("MAPPED");
    }

    @SlowTest
    void shouldFailACopyCleanlyWhenTheHostFileSystemFillsUnderDirect() throws Exception
    {
        shouldFailACopyCleanly("DIRECT");
    }

    private void shouldFailACopyCleanly(final String backend) throws Exception
    {
        System.setProperty(Volumes.BACKEND_PROP_NAME, backend);
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final Path local = Files.createDirectories(dir.resolve("local"));
        final Path big = local.resolve("big.bin");
        final byte[] chunk = new byte[MIB];
        Arrays.fill(chunk, (byte)0x5A);
        try (var out = Files.newOutputStream(big))
        {
            for (int i = 0; i < 160; i++)
            {
                out.write(chunk);
            }
        }
        home.dsscmd("cp", "-s", local.resolve("none").toString(), "-d", "+data/none"); // warm the class path
        final ChildProcess copy = ChildJvm.of(DssCmd.class).name("dsscmd")
            .jvmArgs("-XX:TieredStopAtLevel=1", "-D" + Volumes.BACKEND_PROP_NAME + "=" + backend)
            .args("cp", "-s", big.toString(), "-d", "+data/big.bin").process()
            .withoutEnvironment("DSS_HOME", "JAVA_OPTS").environment(home.env()).separateStderr().start();
        copy.closeInput();
        final int exitCode = copy.awaitExit(Duration.ofSeconds(60));
        final String seen = "exit " + exitCode + "\n--- stdout ---\n" + copy.output() + "--- stderr ---\n" +
            copy.errorOutput();

        assertEquals(255, exitCode, seen);
        final List<String> errLines = copy.errorOutput().lines().toList();
        assertEquals(1, errLines.size(), "one error line and no log line: " + seen);
        assertTrue(errLines.get(0).startsWith("dsscmd: cp: "), seen);
        assertTrue(errLines.get(0).contains("+data/big.bin"), seen);
        assertFalse(seen.contains("Exception") || seen.contains("io.respool") || seen.contains("\tat "), seen);

        home.dsscmd("ls", "-p", "+data/big.bin").assertError("no such file or directory");
        home.dsscmd("check").assertSuccess();
        final Path small = Files.write(local.resolve("small.bin"), chunk);
        home.dsscmd("cp", "-s", small.toString(), "-d", "+data/small.bin").assertSuccess();
        home.dsscmd("check").assertSuccess();
    }

    private static String run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0)
        {
            throw new IOException(String.join(" ", command) + " failed: " + output.trim());
        }
        return output;
    }
}
