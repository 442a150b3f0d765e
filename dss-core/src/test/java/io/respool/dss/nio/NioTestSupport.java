package io.respool.dss.nio;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.config.StorageMode;
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
        return newDssHome(dir, StorageMode.DISK, volumeGroups);
    }

    /**
     * {@link #newDssHome(Path, String...)} in storage mode {@code mode}.
     */
    static Path newDssHome(final Path dir, final StorageMode mode, final String... volumeGroups) throws IOException
    {
        Files.createDirectories(dir);
        final TempDssHome home = TempDssHome.at(dir.resolve("home")).storageMode(mode)
            .diskLockFilePath(lockDirectory(dir));
        for (final String name : volumeGroups)
        {
            final Path image = dir.resolve(name + ".img");
            BlockDevices.createSparseImage(image, IMAGE_SIZE);
            Dss.createVolumeGroup(name, image, AU);
            home.volumeGroup(name, image.toAbsolutePath());
        }
        return home.write();
    }

    /**
     * A second DSS home, {@code dir/home<instanceId>}, over the volume groups {@link #newDssHome} made in
     * {@code dir}: another instance of them, sharing their lock directory.
     */
    static Path otherInstanceHome(final Path dir, final int instanceId, final String... volumeGroups)
        throws IOException
    {
        return otherInstanceHome(dir, instanceId, StorageMode.DISK, volumeGroups);
    }

    /**
     * {@link #otherInstanceHome(Path, int, String...)} in storage mode {@code mode}.
     */
    static Path otherInstanceHome(final Path dir, final int instanceId, final StorageMode mode,
        final String... volumeGroups) throws IOException
    {
        final TempDssHome home = TempDssHome.at(dir.resolve("home" + instanceId)).instanceId(instanceId)
            .storageMode(mode)
            .nodesList("0:127.0.0.1:1611," + instanceId + ":127.0.0.1:" + (1611 + instanceId))
            .diskLockFilePath(lockDirectory(dir));
        for (final String name : volumeGroups)
        {
            home.volumeGroup(name, dir.resolve(name + ".img").toAbsolutePath());
        }
        return home.write();
    }

    /**
     * The lock directory of the homes in {@code dir}: the test's own, not the shared /tmp default.
     */
    static Path lockDirectory(final Path dir)
    {
        return dir.resolve("locks").toAbsolutePath();
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
