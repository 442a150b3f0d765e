package io.respool.dss.shared;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;
import io.respool.dss.engine.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances over one image through the DIRECT backend (O_DIRECT, whole 4 KiB blocks) writing different halves
 * of the same blocks at once: instance 0 the first 2 KiB of each block, instance 1 the second. Such a write is a
 * read-modify-write of the block, and neither may write back a stale copy of the other's half (issue 10: every
 * acknowledged write of every instance is kept). Checked after every round, in both storage modes.
 */
@Timeout(120)
class UnalignedSharedBlockWritesTest
{
    static final int AU = 2 * 1024 * 1024;
    static final int BLOCK = 4096;
    static final int HALF = BLOCK / 2;
    static final int BLOCKS = 32;
    static final int ROUNDS = 6;

    @TempDir
    Path dir;

    @AfterEach
    void clearBackend()
    {
        System.clearProperty(Volumes.BACKEND_PROP_NAME);
    }

    @ParameterizedTest
    @EnumSource(value = StorageMode.class, names = {"DISK", "SHARE_DISK"})
    void shouldKeepBothInstancesHalvesOfEveryBlock(final StorageMode mode) throws Exception
    {
        System.setProperty(Volumes.BACKEND_PROP_NAME, "DIRECT");
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        final InstanceOptions zero = InstanceOptions.defaults().withLockDirectory(dir).withStorageMode(mode);
        try (Dss first = Dss.openVolumeGroup("data", volume, zero);
            Dss second = Dss.openVolumeGroup("data", volume, zero.withInstanceId(1)))
        {
            try (DssFile file = first.open("+data/f", OpenFlag.CREATE, OpenFlag.WRITE))
            {
                file.write(ByteBuffer.allocate(BLOCKS * BLOCK), 0);
                file.flush();
            }
            for (int round = 1; round <= ROUNDS; round++)
            {
                writeRound(List.of(first, second), round);
                assertEquals(List.of(), lostHalves(first, round), "round " + round + ", read through instance 0");
                assertEquals(List.of(), lostHalves(second, round), "round " + round + ", read through instance 1");
            }
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume, zero))
        {
            assertEquals(List.of(), dss.volumeGroup("data").check());
            assertEquals(List.of(), lostHalves(dss, ROUNDS), "read after both closed");
        }
    }

    private static void writeRound(final List<Dss> instances, final int round) throws Exception
    {
        EachInstance.runAtOnce(instances, (dss, half, start) ->
        {
            try (DssFile file = dss.open("+data/f", OpenFlag.WRITE))
            {
                start.await();
                for (int block = 0; block < BLOCKS; block++)
                {
                    file.write(ByteBuffer.wrap(content(round, half, block)), (long)block * BLOCK + half * HALF);
                }
                file.flush();
            }
        });
    }

    private static List<String> lostHalves(final Dss dss, final int round)
    {
        final List<String> lost = new ArrayList<>();
        try (DssFile file = dss.open("+data/f"))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(HALF);
            for (int block = 0; block < BLOCKS; block++)
            {
                for (int half = 0; half < 2; half++)
                {
                    buffer.clear();
                    file.read(buffer, (long)block * BLOCK + half * HALF);
                    if (!buffer.flip().equals(ByteBuffer.wrap(content(round, half, block))))
                    {
                        lost.add("block " + block + " half " + half);
                    }
                }
            }
        }
        return lost;
    }

    private static byte[] content(final int round, final int half, final int block)
    {
        final byte[] bytes = new byte[HALF];
        new java.util.Random(round * 1_000_003L + half * 7919L + block).nextBytes(bytes);
        return bytes;
    }
}
