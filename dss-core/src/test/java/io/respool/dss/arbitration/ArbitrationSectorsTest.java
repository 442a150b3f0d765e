package io.respool.dss.arbitration;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDeviceException;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.MemberSector;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Arbitration sectors straight on an entry volume, as a module above the engine reads and writes them.
 */
@Timeout(30)
class ArbitrationSectorsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldShowWhatOneOpenWroteToAnotherOpenOfTheVolume()
    {
        final Path volume = dir.resolve("entry");
        BlockDevices.createSparseImage(volume, 4L << 20);
        try (BlockDevice writer = BlockDevices.open(volume, OpenOptions.defaults());
            BlockDevice reader = BlockDevices.open(volume, OpenOptions.defaults()))
        {
            roundTrip(ArbitrationSectors.on(writer), ArbitrationSectors.on(reader), writer);
        }
    }

    @Test
    void shouldReadAndWriteWholeBlocksOnADirectDevice()
    {
        final Path volume = dir.resolve("entry");
        BlockDevices.createSparseImage(volume, 4L << 20);
        final BlockDevice direct;
        try
        {
            direct = BlockDevices.open(volume, OpenOptions.defaults().backend(BlockDevice.Backend.DIRECT));
        }
        catch (final BlockDeviceException ex)
        {
            assumeTrue(false, "no O_DIRECT on this file system: " + ex.getMessage());
            return;
        }
        try (direct; BlockDevice mapped = BlockDevices.open(volume, OpenOptions.defaults()))
        {
            roundTrip(ArbitrationSectors.on(direct), ArbitrationSectors.on(mapped), direct);
        }
    }

    private static void roundTrip(
        final ArbitrationSectors writer, final ArbitrationSectors reader, final BlockDevice writerDevice)
    {
        assertFalse(reader.readMember(3).isValid());
        writer.writeMember(3, ArbitrationSectors.blank(new MemberSector()).registered(true).pid(99).heartbeat(5)
            .ackedFenceGeneration(2));
        final long generation = writer.raiseFence(3, true, 1, 1234);

        final MemberSector member = reader.readMember(3);
        assertTrue(member.isValid());
        assertEquals(99, member.pid());
        assertEquals(5, member.heartbeat());
        assertEquals(2, member.ackedFenceGeneration());
        assertEquals(generation, reader.readFence(3).generation());
        assertTrue(reader.readFence(3).fenced());
        assertFalse(reader.readMember(2).isValid(), "the neighbour's sector is untouched");
        assertFalse(reader.readFence(4).isValid());

        final UnsafeBuffer rest = new UnsafeBuffer(new byte[ArbitrationSectors.BLOCK]);
        writerDevice.read(EntryVolumeLayout.memberSectorOffset(3), rest, 0, ArbitrationSectors.BLOCK);
        for (int i = MemberSector.LENGTH; i < ArbitrationSectors.BLOCK; i++)
        {
            assertEquals(0, rest.getByte(i), "nothing written past the sector at " + i);
        }
    }
}
