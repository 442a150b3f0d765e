package io.respool.cluster.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file a resource's output is appended to, read back for the last line it printed since an offset: that
 * line (often the program's own error) becomes the reason the agent shows, instead of only an exit code.
 */
final class OutputLog
{
    private static final int TAIL = 4096;

    private final Path file;

    OutputLog(final Path file)
    {
        this.file = file;
    }

    Path file()
    {
        return file;
    }

    long length()
    {
        try
        {
            return Files.exists(file) ? Files.size(file) : 0;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /**
     * @param from offset the run began at.
     * @return the last non-blank line written after {@code from}, trimmed to 200 characters, or "".
     */
    String lastLine(final long from)
    {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r"))
        {
            final long end = f.length();
            final long start = Math.max(from, end - TAIL);
            if (end <= start)
            {
                return "";
            }
            final byte[] bytes = new byte[(int)(end - start)];
            f.seek(start);
            f.readFully(bytes);
            final String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--)
            {
                final String line = lines[i].trim();
                if (!line.isEmpty())
                {
                    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
                }
            }
            return "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
