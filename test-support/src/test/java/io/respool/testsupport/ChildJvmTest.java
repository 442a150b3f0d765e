package io.respool.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ChildJvmTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void shouldBuildTheCommandFromThisJvm()
    {
        final List<String> command = ChildJvm.of(ChildMain.class).jvmArgs("-Xmx64m").args("a", "b").command();

        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), command.get(0));
        assertTrue(command.containsAll(List.of(System.getProperty(ChildJvm.JVM_ARGS_PROPERTY,
            ChildJvm.DEFAULT_JVM_ARGS).trim().split("\\s+"))), command.toString());
        final int cp = command.indexOf("-cp");
        assertTrue(command.indexOf("-Xmx64m") < cp, "JVM arguments come before the class path: " + command);
        assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
        assertEquals(List.of(ChildMain.class.getName(), "a", "b"), command.subList(cp + 2, command.size()));
    }

    @Test
    void shouldHandshakeTalkAndCollectTheExitStatus()
    {
        try (ChildProcess child = ChildJvm.of(ChildMain.class).args("x", "y").process()
            .environment("CHILD_VAR", "set").start())
        {
            child.awaitLine("READY", WAIT);
            child.send("hello");
            assertEquals("ECHO hello", child.awaitLine("an echo", (line) -> line.startsWith("ECHO"), WAIT));
            child.send("exit 7");
            assertEquals(7, child.awaitExit(WAIT));
            final String output = child.output();
            assertTrue(output.startsWith("ARGS x,y\nVAR set\nREADY\n"), output);
            assertTrue(output.contains("ERR hello\n"), "stderr is merged by default: " + output);
        }
    }

    @Test
    void shouldPassLinesAlreadyReturnedOver()
    {
        try (ChildProcess child = ChildJvm.of(ChildMain.class).start())
        {
            child.awaitLine("READY", WAIT);
            final AssertionError again = assertThrows(AssertionError.class,
                () -> child.awaitLine("READY", Duration.ofMillis(200)));
            assertTrue(again.getMessage().startsWith("ChildMain did not print 'READY' within 200 ms (still " +
                "running); its output ends:\n"), again.getMessage());
            assertTrue(again.getMessage().endsWith("READY"), "the tail shows what it printed: " + again.getMessage());
        }
    }

    @Test
    void shouldKeepStderrApartAndDropAVariable()
    {
        final ChildProcess child = ChildJvm.of(ChildMain.class).name("echo").process()
            .environment("CHILD_VAR", "set").withoutEnvironment("CHILD_VAR").separateStderr().start();
        child.send("one");
        child.closeInput();
        assertEquals(0, child.awaitExit(WAIT));
        assertEquals("ARGS \nVAR null\nREADY\nECHO one\n", child.output());
        assertEquals("ERR one\n", child.errorOutput());
    }

    @Test
    void shouldNameWhatItWaitedForWhenTheChildExitsFirst()
    {
        final ChildProcess child = ChildJvm.of(ChildMain.class).name("worker 3").start();
        child.send("exit 3");
        final AssertionError failure = assertThrows(AssertionError.class,
            () -> child.awaitLine("DONE", Duration.ofSeconds(30)));
        assertTrue(failure.getMessage().startsWith("worker 3 did not print 'DONE' within 30000 ms ("),
            failure.getMessage());
        assertTrue(child.waitFor(WAIT));
        assertTrue(child.tail().endsWith("READY"), child.tail());
        assertEquals(3, child.exitValue());
    }

    @Test
    void shouldSendOutputToALogFile() throws Exception
    {
        final Path log = dir.resolve("child.log");
        final ChildProcess child = ChildJvm.of(ChildMain.class).process().logTo(log).start();
        child.send("exit 0");
        assertEquals(0, child.awaitExit(WAIT));
        assertEquals("ARGS \nVAR null\nREADY\n", Files.readString(log));
        assertEquals(Files.readString(log), child.output());
        assertThrows(IllegalStateException.class, () -> child.awaitLine("READY", WAIT));
    }

    @Test
    void shouldStopKillAndDumpThreads()
    {
        final ChildProcess stopped = ChildJvm.of(ChildMain.class).start();
        stopped.awaitLine("READY", WAIT);
        assertTrue(stopped.threadDump().contains("\"main\""), "jstack shows the main thread");
        stopped.stop(WAIT);
        assertFalse(stopped.isAlive());

        final ChildProcess killed = ChildJvm.of(ChildMain.class).start();
        killed.awaitLine("READY", WAIT);
        killed.kill();
        assertFalse(killed.isAlive());
        assertEquals(137, killed.exitValue(), "SIGKILL ends it with 128 + 9");
    }

    @Test
    void shouldFailAnExitWaitThatRunsOutAndKillTheChild()
    {
        final ChildProcess child = ChildJvm.of(ChildMain.class).name("sleeper").start();
        child.awaitLine("READY", WAIT);
        final AssertionError failure = assertThrows(AssertionError.class,
            () -> child.awaitExit(Duration.ofMillis(100)));
        assertTrue(failure.getMessage().startsWith("sleeper did not exit within 100 ms and was killed; its output " +
            "ends:\n"), failure.getMessage());
        assertFalse(child.isAlive());
    }
}
