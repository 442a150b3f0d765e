package io.respool.dss;

import io.respool.blockdev.BlockDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VolumeGroupTest
{
    static final int AU = 2 * 1024 * 1024;

    @TempDir
    Path dir;

    Path image(final String name, final long size)
    {
        final Path path = dir.resolve(name);
        BlockDevices.createSparseImage(path, size);
        return path;
    }

    @Test
    void shouldKeepTreeAndDataAcrossReopen()
    {
        final Path volume = image("vol0", 1L << 30);
        Dss.createVolumeGroup("data", volume, AU);
        final byte[] page = "hello dss".getBytes(StandardCharsets.US_ASCII);
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            dss.mkdir("+data/base");
            try (DssFile file = dss.open("+data/base/t1", OpenFlag.CREATE, OpenFlag.WRITE))
            {
                file.write(ByteBuffer.wrap(page), 3 * AU + 5);
                file.flush();
            }
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            final FileStat stat = dss.stat("+data/base/t1");
            assertEquals(3L * AU + 5 + page.length, stat.size());
            final ByteBuffer read = ByteBuffer.allocate(page.length);
            try (DssFile file = dss.open("+data/base/t1"))
            {
                assertEquals(page.length, file.read(read, 3 * AU + 5));
                final ByteBuffer hole = ByteBuffer.allocate(100);
                assertEquals(100, file.read(hole, 10));
                assertArrayEquals(new byte[100], hole.array());
            }
            assertArrayEquals(page, read.array());
            assertEquals(List.of(), dss.volumeGroup("data").check());
            assertTrue(dss.volumeGroup("data").freeBytes() > 0);
        }
    }
}
