package io.respool.cli.dss;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code dsscmd} in this process with captured stdout and stderr, and checks results the way a user reads
 * them: exit status, lines, and never a stack trace.
 */
final class DssCmdRunner
{
    private DssCmdRunner()
    {
    }

    /**
     * What one invocation printed and returned.
     *
     * @param exitCode the exit status.
     * @param out      everything on stdout.
     * @param err      everything on stderr.
     * @param args     the command line, for messages.
     */
    record Result(int exitCode, String out, String err, List<String> args)
    {
        List<String> outLines()
        {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        List<String> errLines()
        {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        /**
         * Exit 0, nothing on stderr, and {@code lastLine} as the last line of stdout.
         */
        Result assertSuccess(final String lastLine)
        {
            assertSuccess();
            final List<String> lines = outLines();
            assertEquals(lastLine, lines.get(lines.size() - 1), describe());
            return this;
        }

        Result assertSuccess()
        {
            assertEquals(0, exitCode, describe());
            assertEquals("", err, describe());
            return this;
        }

        /**
         * Exit 255 and exactly one line on stderr, starting {@code dsscmd: } and containing every fragment.
         */
        Result assertError(final String... fragments)
        {
            assertEquals(ExitCodes.ERROR, exitCode, describe());
            assertNoStackTrace();
            assertEquals(1, errLines().size(), "one error line expected: " + describe());
            final String line = errLines().get(0);
            assertTrue(line.startsWith("dsscmd: "), describe());
            for (final String fragment : fragments)
            {
                assertTrue(line.contains(fragment), "missing '" + fragment + "': " + describe());
            }
            return this;
        }

        Result assertNoStackTrace()
        {
            for (final String text : List.of(out, err))
            {
                assertFalse(text.contains("\tat ") || text.contains("Exception in thread") ||
                    text.contains("Caused by:"), "stack trace printed: " + describe());
            }
            return this;
        }

        String describe()
        {
            return "dsscmd " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout ---\n" + out +
                "--- stderr ---\n" + err;
        }
    }

    static Result run(final Map<String, String> env, final String... args)
    {
        return run(env, false, args);
    }

    static Result run(final Map<String, String> env, final boolean progress, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exitCode = DssCmd.run(args, outStream, errStream, env, progress);
        }
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
            Arrays.asList(args));
    }
}
