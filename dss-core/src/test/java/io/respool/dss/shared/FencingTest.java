package io.respool.dss.shared;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.ErrorCode;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.OpenFlag;
import io.respool.dss.engine.InstanceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FencingTest
{
    static final int AU = 2 * 1024 * 1024;
    static final int PAGE = 8192;

    @TempDir
    Path dir;

    @Test
    void shouldLetNothingAKickedInstanceWritesReachTheVolume() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        final InstanceOptions zero = InstanceOptions.defaults().withLockDirectory(dir);
        try (Dss kicker = Dss.openVolumeGroup("data", volume, zero);
            Dss victim = Dss.openVolumeGroup("data", volume, zero.withInstanceId(1)))
        {
            final DssFile file = victim.open("+data/pages", OpenFlag.CREATE, OpenFlag.WRITE);
            file.allocate(0, 64L * PAGE, false);
            file.flush();
            final AtomicLong started = new AtomicLong();
            final AtomicLong acknowledged = new AtomicLong();
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<DssException> firstRefusal = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                for (long n = 1; !stop.get(); n++)
                {
                    final ByteBuffer page = ByteBuffer.allocate(PAGE);
                    page.putLong(0, n);
                    started.set(n);
                    try
                    {
                        file.write(page, (n % 64) * PAGE);
                        acknowledged.set(n);
                    }
                    catch (final DssException ex)
                    {
                        firstRefusal.compareAndSet(null, ex);
                    }
                }
            });
            writer.start();
            while (acknowledged.get() < 1000)
            {
                Thread.onSpinWait();
            }
            assertEquals(KickResult.ACKNOWLEDGED, kicker.volumeGroup("data").kick(1));
            // A write that began before the kick returned may still be setting its acknowledgement; one that began
            // after it must be refused.
            final long lastStartedBeforeKickReturned = started.get();
            final byte[] afterKick = readRaw(kicker);
            Thread.sleep(300);
            stop.set(true);
            writer.join();

            assertTrue(acknowledged.get() <= lastStartedBeforeKickReturned,
                "a write begun after the kick returned succeeded: " + acknowledged.get() + " > " +
                lastStartedBeforeKickReturned);
            assertArrayEquals(afterKick, readRaw(kicker), "nothing reached the volume after the kick returned");
            assertEquals(ErrorCode.FENCED, firstRefusal.get().errorCode());
            assertTrue(firstRefusal.get().getMessage().contains("fenced") &&
                firstRefusal.get().getMessage().contains("reghl"), firstRefusal.get().getMessage());
            final DssException metadata = assertThrows(DssException.class, () -> victim.mkdir("+data/nope"));
            assertEquals(ErrorCode.FENCED, metadata.errorCode());
            assertTrue(!kicker.exists("+data/nope"));

            final InstanceStatus status = kicker.volumeGroup("data").instances().stream()
                .filter(s -> s.instanceId() == 1).findFirst().orElseThrow();
            assertTrue(status.fenced() && status.fenceAcked() && !status.registered(), status.toString());
            assertEquals(0, status.inquiryResult());
            assertEquals(2, kicker.volumeGroup("data").instances().get(0).inquiryResult());

            victim.volumeGroup("data").register();
            victim.mkdir("+data/back");
            assertTrue(kicker.exists("+data/back"));
            assertEquals(2, kicker.volumeGroup("data").instances().stream()
                .filter(s -> s.instanceId() == 1).findFirst().orElseThrow().inquiryResult());
            file.close();
            assertEquals(List.of(), kicker.volumeGroup("data").check());
        }
    }

    private static byte[] readRaw(final Dss dss)
    {
        try (DssFile file = dss.open("+data/pages"))
        {
            final ByteBuffer all = ByteBuffer.allocate(64 * PAGE);
            file.read(all, 0);
            return all.array();
        }
    }

    @Test
    void shouldNotFreeTheOrphansOfARunningServerWhenAToolOpensWithItsInstanceId()
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        final InstanceOptions zero = InstanceOptions.defaults().withLockDirectory(dir);
        try (Dss server = Dss.openVolumeGroup("data", volume, zero))
        {
            final DssFile open = server.open("+data/a", OpenFlag.CREATE, OpenFlag.WRITE);
            open.write(ByteBuffer.wrap(new byte[]{2, 2, 2, 2}), 0);
            open.flush();
            server.delete("+data/a");
            try (Dss tool = Dss.openVolumeGroup("data", volume, zero))
            {
                tool.mkdir("+data/by-tool");
            }
            try (DssFile other = server.open("+data/b", OpenFlag.CREATE, OpenFlag.WRITE))
            {
                other.write(ByteBuffer.wrap(new byte[]{9, 9, 9, 9}), 0);
                other.flush();
            }
            open.write(ByteBuffer.wrap(new byte[]{3, 3, 3, 3}), 0);
            open.flush();
            final ByteBuffer b = ByteBuffer.allocate(4);
            try (DssFile other = server.open("+data/b"))
            {
                other.read(b, 0);
            }
            assertArrayEquals(new byte[]{9, 9, 9, 9}, b.array(), "the orphan's space was not given to another file");
            open.close();
            assertEquals(List.of(), server.volumeGroup("data").check());
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedChangeWhenTwoHandlesOfADeletedFileCloseAtOnce() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        final InstanceOptions zero = InstanceOptions.defaults().withLockDirectory(dir);
        int acknowledged = 0;
        try (Dss first = Dss.openVolumeGroup("data", volume, zero);
            Dss second = Dss.openVolumeGroup("data", volume, zero.withInstanceId(1)))
        {
            for (int round = 0; round < 100; round++)
            {
                DssFileTestIo.write(first, "+data/f" + round);
                final DssFile h1 = first.open("+data/f" + round);
                final DssFile h2 = first.open("+data/f" + round);
                first.delete("+data/f" + round);
                final Thread closer = new Thread(h1::close);
                closer.start();
                h2.close();
                closer.join();
                second.mkdir("+data/d" + round);
                acknowledged++;
            }
        }
        try (Dss reopened = Dss.openVolumeGroup("data", volume, zero))
        {
            for (int round = 0; round < acknowledged; round++)
            {
                assertTrue(reopened.exists("+data/d" + round), "acknowledged mkdir lost: d" + round);
            }
            assertEquals(List.of(), reopened.volumeGroup("data").check());
        }
    }

    @Test
    void shouldRefuseToKickItselfOrAnIdOutOfRange()
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        try (Dss dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)))
        {
            assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(DssException.class, () -> dss.volumeGroup("data").kick(0)).errorCode());
            assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(DssException.class, () -> dss.volumeGroup("data").kick(64)).errorCode());
            assertEquals(KickResult.NOT_RUNNING, dss.volumeGroup("data").kick(5));
            dss.volumeGroup("data").unregister();
            assertEquals(ErrorCode.FENCED, assertThrows(DssException.class, () -> dss.mkdir("+data/x")).errorCode());
            dss.volumeGroup("data").register();
            dss.mkdir("+data/x");
        }
    }

    @Test
    void shouldRefuseAWriteIntoAHoleOnceFencedWithoutAllocatingIt()
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        try (Dss dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)))
        {
            final DssFile file = dss.open("+data/holes", OpenFlag.CREATE, OpenFlag.WRITE);
            file.write(ByteBuffer.wrap(new byte[]{1}), 0);
            file.flush(); // a fence drops what is not yet durable, and the log must then be reopened
            final long freeBefore = dss.volumeGroup("data").freeBytes();
            dss.volumeGroup("data").unregister();

            final DssException refused = assertThrows(DssException.class,
                () -> file.write(ByteBuffer.wrap(new byte[]{2}), 4L * AU));
            assertEquals(ErrorCode.FENCED, refused.errorCode());
            assertTrue(refused.getMessage().startsWith("write to +data/holes refused: ") &&
                refused.getMessage().contains("reghl"), refused.getMessage());
            assertEquals(freeBefore, dss.volumeGroup("data").freeBytes(), "a refused write allocated space");

            dss.volumeGroup("data").register();
            file.write(ByteBuffer.wrap(new byte[]{2}), 4L * AU);
            assertEquals(4L * AU + 1, file.size());
            file.close();
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }

    /**
     * Small file helper for these tests.
     */
    static final class DssFileTestIo
    {
        static void write(final Dss dss, final String path)
        {
            try (DssFile file = dss.open(path, OpenFlag.CREATE, OpenFlag.WRITE))
            {
                file.write(ByteBuffer.wrap(new byte[]{1}), 0);
                file.flush();
            }
        }
    }
}
