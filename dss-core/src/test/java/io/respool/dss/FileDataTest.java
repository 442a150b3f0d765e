package io.respool.dss;

import io.respool.dss.engine.Volumes;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.respool.dss.DssTestSupport.AU;
import static io.respool.dss.DssTestSupport.newVolumeGroup;
import static io.respool.dss.DssTestSupport.randomBytes;
import static io.respool.dss.DssTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file data path on both backends: the mapped one and direct I/O (forced on the image), where unaligned
 * requests go through bounce buffers and read-modify-write.
 */
@Timeout(120)
class FileDataTest
{
    @TempDir
    Path dir;
    Path volume;
    Dss dss;

    private void open(final String backend, final long size)
    {
        System.setProperty(Volumes.BACKEND_PROP_NAME, backend);
        volume = newVolumeGroup(dir, size);
        dss = Dss.openVolumeGroup("data", volume);
    }

    private void reopen()
    {
        dss.close();
        dss = Dss.openVolumeGroup("data", volume);
    }

    @AfterEach
    void tearDown()
    {
        try
        {
            if (dss != null)
            {
                assertEquals(List.of(), dss.volumeGroup("data").check());
                dss.close();
            }
        }
        finally
        {
            System.clearProperty(Volumes.BACKEND_PROP_NAME);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED", "DIRECT"})
    void shouldReadBackWhatWasWrittenAtOddOffsetsAcrossAus(final String backend)
    {
        open(backend, 256L << 20);
        final byte[] data = randomBytes(42, 3 * AU + 777);
        DssTestSupport.write(dss, "+data/f", data, 0);
        final byte[] patch = randomBytes(7, 10_001);
        DssTestSupport.write(dss, "+data/f", patch, AU - 5000);
        System.arraycopy(patch, 0, data, AU - 5000, patch.length);
        assertArrayEquals(data, readAll(dss, "+data/f"));
        reopen();
        assertArrayEquals(data, readAll(dss, "+data/f"));
        final FileStat stat = dss.stat("+data/f");
        assertEquals(data.length, stat.size());
        assertEquals(data.length, stat.writtenSize());
        assertEquals(4L * AU, stat.allocatedSize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED", "DIRECT"})
    void shouldReadHolesAndTheGapPastATruncateAsZeros(final String backend)
    {
        open(backend, 256L << 20);
        final byte[] ones = new byte[AU];
        Arrays.fill(ones, (byte)1);
        DssTestSupport.write(dss, "+data/f", ones, 0);
        dss.truncate("+data/f", 100);
        DssTestSupport.write(dss, "+data/f", new byte[]{9}, 5000);
        final byte[] read = readAll(dss, "+data/f");
        assertEquals(5001, read.length);
        for (int i = 0; i < read.length; i++)
        {
            final int expected = i < 100 ? 1 : i == 5000 ? 9 : 0;
            assertEquals(expected, read[i], "byte " + i);
        }
        dss.truncate("+data/f", 3L * AU);
        final byte[] grown = readAll(dss, "+data/f");
        assertEquals(9, grown[5000]);
        for (int i = 5001; i < grown.length; i++)
        {
            if (grown[i] != 0)
            {
                throw new AssertionError("byte " + i + " of a grown file is " + grown[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED", "DIRECT"})
    void shouldNotLeakADeletedFilesDataIntoANewFile(final String backend)
    {
        open(backend, 64L * AU + (64L << 20));
        final byte[] secret = new byte[4 * AU];
        Arrays.fill(secret, (byte)0x5A);
        DssTestSupport.write(dss, "+data/old", secret, 0);
        dss.delete("+data/old");
        try (DssFile file = dss.open("+data/new", OpenFlag.CREATE, OpenFlag.WRITE))
        {
            file.write(ByteBuffer.wrap(new byte[]{1}), 0);
            file.allocate(0, 4L * AU, false);
            final ByteBuffer all = ByteBuffer.allocate(4 * AU);
            file.read(all, 0);
            for (int i = 1; i < all.capacity(); i++)
            {
                if (all.get(i) != 0)
                {
                    throw new AssertionError("new file shows old data at " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED", "DIRECT"})
    void shouldWriteThroughEveryBufferKind(final String backend)
    {
        open(backend, 256L << 20);
        final byte[] page = randomBytes(3, 8192);
        try (DssFile file = dss.open("+data/f", OpenFlag.CREATE, OpenFlag.WRITE))
        {
            file.write(ByteBuffer.wrap(page), 0);
            final ByteBuffer direct = ByteBuffer.allocateDirect(8192).put(page).flip();
            file.write(direct, 8192);
            file.write(16384, new UnsafeBuffer(page), 0, page.length);
            file.position(24576).write(ByteBuffer.wrap(page));
            assertEquals(32768, file.position());
            for (int i = 0; i < 4; i++)
            {
                final ByteBuffer heap = ByteBuffer.allocate(8192);
                assertEquals(8192, file.read(heap, i * 8192L));
                assertArrayEquals(page, heap.array());
                final ByteBuffer directRead = ByteBuffer.allocateDirect(8192);
                assertEquals(8192, file.read(directRead, i * 8192L));
                final byte[] copy = new byte[8192];
                directRead.flip().get(copy);
                assertArrayEquals(page, copy);
            }
            assertEquals(-1, file.read(ByteBuffer.allocate(1), 32768));
            file.flush();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED", "DIRECT"})
    void shouldKeepConcurrentPageWritesFromManyThreads(final String backend) throws Exception
    {
        open(backend, 256L << 20);
        final int threads = 8;
        final int pages = 256;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (DssFile file = dss.open("+data/f", OpenFlag.CREATE, OpenFlag.WRITE))
        {
            final List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                futures.add(pool.submit(() ->
                {
                    for (int p = thread; p < pages; p += threads)
                    {
                        file.write(ByteBuffer.wrap(randomBytes(p, 8192 - 100)), p * 8192L + 50);
                    }
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get();
            }
            file.flush();
        }
        finally
        {
            pool.shutdownNow();
        }
        reopen();
        final byte[] all = readAll(dss, "+data/f");
        for (int p = 0; p < pages; p++)
        {
            assertArrayEquals(randomBytes(p, 8192 - 100), Arrays.copyOfRange(all, p * 8192 + 50, p * 8192 + 8142),
                "page " + p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED"})
    void shouldHoldAnEightTebibyteSparseFile(final String backend)
    {
        open(backend, 256L << 20);
        final long end = 8L << 40;
        final byte[] tail = randomBytes(11, 4096);
        DssTestSupport.write(dss, "+data/huge", tail, end - tail.length);
        DssTestSupport.write(dss, "+data/huge", tail, 0);
        reopen();
        assertEquals(end, dss.stat("+data/huge").size());
        assertEquals(2L * AU, dss.stat("+data/huge").allocatedSize());
        try (DssFile file = dss.open("+data/huge"))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(4096);
            file.read(buffer, end - 4096);
            assertArrayEquals(tail, buffer.array());
            final ByteBuffer middle = ByteBuffer.allocate(4096);
            file.read(middle, end / 2);
            assertArrayEquals(new byte[4096], middle.array());
        }
        final DssException ex = assertThrows(DssException.class,
            () -> DssTestSupport.write(dss, "+data/huge", tail, end));
        assertEquals(ErrorCode.FILE_TOO_LARGE, ex.errorCode());
        assertTrue(ex.getMessage().contains("+data/huge"), ex.getMessage());
    }
}
