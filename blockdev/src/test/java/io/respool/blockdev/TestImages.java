package io.respool.blockdev;

import io.respool.testsupport.ChildProcess;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Helpers shared by the tests: byte patterns, allocated-block counts and running small commands.
 */
final class TestImages
{
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;
    static final long TIB = 1024 * GIB;

    private TestImages()
    {
    }

    /**
     * Fill {@code [index, index + length)} with a pattern that depends on the seed and the position.
     */
    static void fill(final MutableDirectBuffer buffer, final int index, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(index + i, patternByte(seed, i));
        }
    }

    /**
     * Assert that {@code [index, index + length)} holds the pattern that {@link #fill} wrote with the seed.
     */
    static void assertPattern(final DirectBuffer buffer, final int index, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(index + i) != patternByte(seed, i))
            {
                assertEquals(patternByte(seed, i), buffer.getByte(index + i), "byte " + i + " of " + length);
            }
        }
    }

    /**
     * Assert that {@code [index, index + length)} is all zeros.
     */
    static void assertZeros(final DirectBuffer buffer, final int index, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(index + i) != 0)
            {
                assertEquals(0, buffer.getByte(index + i), "byte " + i + " of " + length);
            }
        }
    }

    static byte patternByte(final int seed, final int i)
    {
        final int x = (i + 1) * 0x9E3779B1 + seed * 31;
        return (byte)(x ^ (x >>> 13) ^ (x >>> 24));
    }

    /**
     * @return blocks the file system has allocated to the file, in 512-byte units ({@code st_blocks}).
     */
    static long allocatedBlocks(final Path file) throws IOException, InterruptedException
    {
        return Long.parseLong(run("stat", "-c", "%b", file.toString()).trim());
    }

    /**
     * Run a command, waiting at most 10 s.
     *
     * @return its standard output.
     * @throws IOException if it fails or exits non-zero, with its output.
     */
    static String run(final String... command) throws IOException
    {
        final ChildProcess process;
        try
        {
            process = ChildProcess.builder(List.of(command)).start();
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        try (process)
        {
            if (!process.waitFor(Duration.ofSeconds(10)))
            {
                throw new IOException("command timed out: " + String.join(" ", command));
            }
            final String output = process.output();
            if (0 != process.exitValue())
            {
                throw new IOException(
                    "command failed: " + String.join(" ", command) + ", exit=" + process.exitValue() +
                    ", output=" + output);
            }
            return output;
        }
    }

    /**
     * @return true if this JVM runs as root (uid 0).
     */
    static boolean isRoot() throws IOException, InterruptedException
    {
        return "0".equals(run("id", "-u").trim());
    }
}
