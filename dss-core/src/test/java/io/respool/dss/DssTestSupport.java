package io.respool.dss;

import io.respool.blockdev.BlockDevices;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * Shared helpers for DSS tests: sparse images and page-sized payloads.
 */
final class DssTestSupport
{
    static final int AU = 2 * 1024 * 1024;

    private DssTestSupport()
    {
    }

    static Path image(final Path dir, final String name, final long size)
    {
        final Path path = dir.resolve(name);
        BlockDevices.createSparseImage(path, size);
        return path;
    }

    /**
     * A fresh VG named "data" with 2 MiB AUs on a sparse image of {@code size} bytes.
     */
    static Path newVolumeGroup(final Path dir, final long size)
    {
        final Path volume = image(dir, "vol0", size);
        Dss.createVolumeGroup("data", volume, AU);
        return volume;
    }

    static byte[] randomBytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] readAll(final Dss dss, final String path)
    {
        try (DssFile file = dss.open(path))
        {
            final ByteBuffer buffer = ByteBuffer.allocate((int)file.size());
            while (buffer.hasRemaining() && file.read(buffer, buffer.position()) > 0)
            {
                // keep reading
            }
            return buffer.array();
        }
    }

    static void write(final Dss dss, final String path, final byte[] data, final long position)
    {
        try (DssFile file = dss.open(path, OpenFlag.CREATE, OpenFlag.WRITE))
        {
            file.write(ByteBuffer.wrap(data), position);
            file.flush();
        }
    }
}
