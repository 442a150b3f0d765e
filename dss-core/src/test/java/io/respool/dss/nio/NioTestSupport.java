package io.respool.dss.nio;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.testsupport.TempDssHome;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared set-up for the NIO provider tests: a DSS home over sparse images, and random payloads.
 */
final class NioTestSupport
{
    static final int AU = 2 << 20;
    static final long IMAGE_SIZE = 256L << 20;

    private NioTestSupport()
    {
    }

    /**
     * A DSS home in {@code dir/home} with one volume group per name, each on its own 256 MiB sparse image with
     * 2 MiB allocation units.
     */
    static Path newDssHome(final Path dir, final String... volumeGroups) throws IOException
    {
        Files.createDirectories(dir);
        final TempDssHome home = TempDssHome.at(dir.resolve("home"));
        for (final String name : volumeGroups)
        {
            final Path image = dir.resolve(name + ".img");
            BlockDevices.createSparseImage(image, IMAGE_SIZE);
            Dss.createVolumeGroup(name, image, AU);
            home.volumeGroup(name, image.toAbsolutePath());
        }
        return home.write();
    }

    static URI uriOf(final Path home)
    {
        return URI.create("dss:" + home.toAbsolutePath());
    }

    static FileSystem open(final Path home) throws IOException
    {
        return FileSystems.newFileSystem(uriOf(home), Map.of());
    }

    static byte[] randomBytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Assert {@code action} throws {@code type} with a message containing {@code part}.
     */
    static <T extends Throwable> T assertFails(final Class<T> type, final String part, final Executable action)
    {
        final T ex = assertThrows(type, action);
        final String message = ex.getMessage();
        assertTrue(message != null && message.contains(part), () -> "message '" + message + "' lacks '" + part + "'");
        return ex;
    }
}
