package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Write a file so that a reader sees the old content or the new, never a part: write a temporary file in the same
 * directory, force it, and rename it over the target (rename is atomic within one file system).
 */
public final class AtomicFiles
{
    private AtomicFiles()
    {
    }

    /**
     * @param target the file.
     * @param content its new content.
     * @throws IOException if it cannot be written.
     */
    public static void write(final Path target, final String content) throws IOException
    {
        final Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        final Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "." +
            Thread.currentThread().getId() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            ch.force(false);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
