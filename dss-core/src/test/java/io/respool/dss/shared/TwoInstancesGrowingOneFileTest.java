package io.respool.dss.shared;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances over one volume group growing one file together: instance 0 writes the even 8 KiB pages, instance
 * 1 the odd ones, both in ascending order, each flushing every so many writes. Every page is there afterwards,
 * read through either instance and after both closed (issue 10, item 3): neither instance's growth may zero what
 * the other wrote.
 */
@Timeout(120)
class TwoInstancesGrowingOneFileTest
{
    static final int AU = 2 * 1024 * 1024;
    static final int PAGE = 8192;
    static final int PAGES = 1024;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, flush every {1}")
    @CsvSource({"DISK, 1", "DISK, 16", "DISK, 1000", "SHARE_DISK, 1", "SHARE_DISK, 16", "SHARE_DISK, 1000"})
    void shouldKeepThePagesOfBothInstances(final StorageMode mode, final int flushEvery) throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        final InstanceOptions zero = InstanceOptions.defaults().withLockDirectory(dir).withStorageMode(mode);
        try (Dss first = Dss.openVolumeGroup("data", volume, zero);
            Dss second = Dss.openVolumeGroup("data", volume, zero.withInstanceId(1)))
        {
            first.open("+data/f", OpenFlag.CREATE, OpenFlag.WRITE).close();
            EachInstance.runAtOnce(List.of(first, second), (dss, parity, start) ->
            {
                try (DssFile file = dss.open("+data/f", OpenFlag.WRITE))
                {
                    start.await();
                    int written = 0;
                    for (int page = parity; page < PAGES; page += 2)
                    {
                        file.write(ByteBuffer.wrap(content(page)), (long)page * PAGE);
                        if (++written % flushEvery == 0)
                        {
                            file.flush();
                        }
                    }
                    file.flush();
                }
            });
            assertEquals(List.of(), lostPages(first), "read through instance 0");
            assertEquals(List.of(), lostPages(second), "read through instance 1");
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)
            .withStorageMode(mode)))
        {
            assertEquals(List.of(), dss.volumeGroup("data").check());
            assertEquals(List.of(), lostPages(dss), "read after both closed");
        }
    }

    private static List<Integer> lostPages(final Dss dss)
    {
        final List<Integer> lost = new ArrayList<>();
        try (DssFile file = dss.open("+data/f"))
        {
            assertEquals((long)PAGES * PAGE, file.size());
            final ByteBuffer page = ByteBuffer.allocate(PAGE);
            for (int p = 0; p < PAGES; p++)
            {
                page.clear();
                file.read(page, (long)p * PAGE);
                if (!page.flip().equals(ByteBuffer.wrap(content(p))))
                {
                    lost.add(p);
                }
            }
        }
        return lost;
    }

    private static byte[] content(final int page)
    {
        final byte[] bytes = new byte[PAGE];
        new java.util.Random(page).nextBytes(bytes);
        return bytes;
    }
}
