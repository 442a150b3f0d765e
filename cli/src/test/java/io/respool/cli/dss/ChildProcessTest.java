package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dsscmd} in a real process: exit statuses as the shell sees them, stdout and stderr kept apart, nothing
 * else printed by the JVM. Runs {@link DssCmd} on this test's class path, and {@code bin/dsscmd} itself when the
 * shaded jar is there and newer than the classes (surefire runs before {@code package}).
 */
@Timeout(120)
class ChildProcessTest
{
    @TempDir
    Path dir;

    /**
     * What a child process printed and returned.
     */
    record Outcome(int exitCode, String out, String err)
    {
        String describe()
        {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    @Test
    void shouldSeparateStdoutAndStderrAndExitWithStatusInChildJvm()
    {
        final TestHome home = TestHome.create(dir, "data");
        final Map<String, String> env = Map.of("DSS_HOME", home.home.toString());

        final Outcome cv = java(env, "cv", "-g", "data", "-v", home.image("data").toString());
        assertEquals(0, cv.exitCode(), cv.describe());
        assertEquals("Succeed to create volume group data, entry volume is " + home.image("data") + ".\n", cv.out());
        assertEquals("", cv.err(), cv.describe());

        final Outcome missing = java(env, "ls", "-p", "+data/none");
        assertEquals(255, missing.exitCode(), missing.describe());
        assertEquals("The path +data/none is not exist.\n", missing.out(), missing.describe());
        assertTrue(missing.err().startsWith("dsscmd: ls: no such file or directory: path=+data/none"),
            missing.describe());
        assertEquals(1, missing.err().lines().count(), missing.describe());

        final Outcome unknown = java(env, "frob");
        assertEquals(255, unknown.exitCode(), unknown.describe());
        assertTrue(unknown.out().startsWith("dsscmd: command(frob) not found!\n"), unknown.describe());
        assertEquals(3, unknown.out().lines().count(), unknown.describe());
        assertEquals("", unknown.err(), unknown.describe());

        final Outcome noHome = java(Map.of(), "lsvg");
        assertEquals(255, noHome.exitCode(), noHome.describe());
        assertTrue(noHome.err().startsWith("dsscmd: lsvg: no DSS home"), noHome.describe());
        assertFalse(noHome.err().contains("\tat "), noHome.describe());

        final Outcome lsvg = java(env, "lsvg", "-m", "M");
        assertEquals(0, lsvg.exitCode(), lsvg.describe());
        assertTrue(lsvg.out().endsWith("Succeed to display lsvg info.\n"), lsvg.describe());
        assertEquals("", lsvg.err(), lsvg.describe());
    }

    @Test
    void shouldRefuseStopdssNamingTheProcessThatRunsTheInstance()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final Map<String, String> env = Map.of("DSS_HOME", home.home.toString());
        try (Dss running = Dss.open(home.home))
        {
            running.createFile("+data/t1");
            final Outcome stop = java(env, "stopdss");
            assertEquals(255, stop.exitCode(), stop.describe());
            assertEquals("Failed to stop server.\n", stop.out(), stop.describe());
            assertTrue(stop.err().startsWith("dsscmd: stopdss: instance 0 of this DSS home runs inside process " +
                ProcessHandle.current().pid() + " "), stop.describe());
            assertTrue(stop.err().contains("stop that process"), stop.describe());
        }
        final Outcome stopped = java(env, "stopdss");
        assertEquals(0, stopped.exitCode(), stopped.describe());
        assertEquals("Succeed to stop server.\n", stopped.out(), stopped.describe());
    }

    @Test
    void shouldRunTheRealScriptThroughASymlinkWhenJarIsBuilt() throws IOException
    {
        final Path repo = repository();
        final Path jar = repo.resolve("cli/target/respool-cli.jar");
        final Path classes = repo.resolve("cli/target/classes/io/respool/cli/dss/DssCmd.class");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "cli/target/respool-cli.jar is not built yet (surefire " +
            "runs before package): run mvn -q -B package -DskipTests, then the tests again");
        final FileTime jarTime = Files.getLastModifiedTime(jar);
        Assumptions.assumeTrue(!Files.exists(classes) || jarTime.compareTo(Files.getLastModifiedTime(classes)) >= 0,
            "cli/target/respool-cli.jar is older than the compiled classes: run mvn -q -B package -DskipTests");

        final Path link = Files.createSymbolicLink(dir.resolve("dsscmd"), repo.resolve("bin/dsscmd"));
        try
        {
            final Outcome version = process(Map.of(), link.toString(), "--version");
            assertEquals(0, version.exitCode(), version.describe());
            assertTrue(version.out().startsWith("dsscmd "), version.describe());
            assertEquals("", version.err(), version.describe());

            final Outcome unknown = process(Map.of(), link.toString(), "frob");
            assertEquals(255, unknown.exitCode(), unknown.describe());
            assertEquals("", unknown.err(), unknown.describe());
            assertTrue(unknown.out().startsWith("dsscmd: command(frob) not found!\n"), unknown.describe());

            final Outcome noHome = process(Map.of("JAVA_OPTS", "-Xmx64m"), link.toString(), "lsvg");
            assertEquals(255, noHome.exitCode(), noHome.describe());
            assertTrue(noHome.err().startsWith("dsscmd: lsvg: no DSS home"), noHome.describe());

            final Outcome javaOpts = process(Map.of("JAVA_OPTS", "-XX:+NoSuchFlagForDsscmd"), link.toString(),
                "--version");
            assertTrue(javaOpts.exitCode() != 0, javaOpts.describe());
            assertTrue(javaOpts.err().contains("NoSuchFlagForDsscmd"), javaOpts.describe());
        }
        finally
        {
            Files.delete(link);
        }
    }

    @Test
    void shouldTellHowToBuildWhenJarIsMissing() throws IOException
    {
        final Path fakeRepo = dir.resolve("repo");
        Files.createDirectories(fakeRepo.resolve("bin"));
        final Path script = Files.copy(repository().resolve("bin/dsscmd"), fakeRepo.resolve("bin/dsscmd"));
        final Outcome outcome = process(Map.of(), script.toString(), "lsvg");
        assertEquals(1, outcome.exitCode(), outcome.describe());
        assertEquals("", outcome.out(), outcome.describe());
        assertEquals(1, outcome.err().lines().count(), outcome.describe());
        assertTrue(outcome.err().contains("mvn -q -B package -DskipTests"), outcome.describe());
        assertTrue(outcome.err().contains(fakeRepo.toRealPath().toString()), outcome.describe());
    }

    private static Path repository()
    {
        Path path = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (path != null && !Files.isRegularFile(path.resolve("bin/dsscmd")))
        {
            path = path.getParent();
        }
        Assumptions.assumeTrue(path != null, "bin/dsscmd not found above " + System.getProperty("user.dir"));
        return path;
    }

    private static Outcome java(final Map<String, String> env, final String... args)
    {
        return run(ChildJvm.of(DssCmd.class).name("dsscmd").jvmArgs("-XX:TieredStopAtLevel=1").args(args).process(),
            env);
    }

    private static Outcome process(final Map<String, String> env, final String... command)
    {
        return run(ChildProcess.builder(List.of(command)), env);
    }

    private static Outcome run(final ChildProcess.Builder builder, final Map<String, String> env)
    {
        final ChildProcess process = builder.withoutEnvironment("DSS_HOME", "JAVA_OPTS").environment(env)
            .separateStderr().start();
        process.closeInput();
        final int exitCode = process.awaitExit(Duration.ofSeconds(60));
        return new Outcome(exitCode, process.output(), process.errorOutput());
    }
}
