package io.respool.dss.nio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.respool.dss.nio.NioTestSupport.AU;
import static io.respool.dss.nio.NioTestSupport.assertFails;
import static io.respool.dss.nio.NioTestSupport.newDssHome;
import static io.respool.dss.nio.NioTestSupport.randomBytes;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FileChannel#open} on DSS paths: positional and sequential I/O, size, truncate, force, transfers, and the
 * operations DSS does not support.
 */
@Timeout(120)
class DssFileChannelTest
{
    private static final int CHUNK = 64 * 1024 + 7;

    @TempDir
    Path dir;
    Path home;
    FileSystem fs;

    @BeforeEach
    void setUp() throws IOException
    {
        home = newDssHome(dir, "data");
        fs = NioTestSupport.open(home);
    }

    @AfterEach
    void tearDown() throws IOException
    {
        if (fs != null)
        {
            fs.close();
        }
    }

    private Path path(final String text)
    {
        return fs.getPath(text);
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            at += channel.write(buffer, at);
        }
    }

    private static byte[] readFully(final FileChannel channel, final long position, final int length)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining())
        {
            final int n = channel.read(buffer, position + buffer.position());
            assertTrue(n > 0, "unexpected end of file at " + (position + buffer.position()));
        }
        return buffer.array();
    }

    @Test
    void shouldReadBackRandomContentWhenWrittenAtShuffledPositions() throws IOException
    {
        final byte[] data = randomBytes(11, 6 * 1024 * 1024 + 333);
        final Path file = path("+data/positional");
        final List<Integer> chunks = new ArrayList<>();
        for (int offset = 0; offset < data.length; offset += CHUNK)
        {
            chunks.add(offset);
        }
        Collections.shuffle(chunks, new Random(12));
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE, READ))
        {
            for (final int offset : chunks)
            {
                final int length = Math.min(CHUNK, data.length - offset);
                final ByteBuffer buffer = offset % 2 == 0 ?
                    ByteBuffer.wrap(data, offset, length) :
                    ByteBuffer.allocateDirect(length).put(data, offset, length).flip();
                writeFully(channel, buffer, offset);
            }
            channel.force(true);
            assertEquals(data.length, channel.size());
            assertEquals(0, channel.position());
            assertArrayEquals(data, readFully(channel, 0, data.length));
            assertArrayEquals(Arrays.copyOfRange(data, 1_000_001, 3_000_003), readFully(channel, 1_000_001,
                2_000_002));
            assertEquals(-1, channel.read(ByteBuffer.allocate(1), data.length));
            assertEquals(-1, channel.read(ByteBuffer.allocate(1), data.length + 5000L));
            assertEquals(0, channel.read(ByteBuffer.allocate(0), 0));
        }
        assertArrayEquals(data, Files.readAllBytes(file));

        fs.close();
        fs = NioTestSupport.open(home);
        try (FileChannel channel = FileChannel.open(path("+data/positional")))
        {
            assertEquals(data.length, channel.size());
            assertArrayEquals(data, readFully(channel, 0, data.length));
        }
    }

    @Test
    void shouldServeConcurrentPositionalWritesAndReadsFromSeveralThreads() throws Exception
    {
        final int threads = 4;
        final int span = 1024 * 1024 + 3;
        final byte[] data = randomBytes(13, threads * span);
        final ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (FileChannel channel = FileChannel.open(path("+data/shared"), CREATE, WRITE, READ))
        {
            final List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int offset = t * span;
                writes.add(executor.submit(() ->
                {
                    for (int at = offset; at < offset + span; at += 4096)
                    {
                        final int length = Math.min(4096, offset + span - at);
                        writeFully(channel, ByteBuffer.wrap(data, at, length), at);
                    }
                    return null;
                }));
            }
            for (final Future<?> write : writes)
            {
                write.get(60, TimeUnit.SECONDS);
            }
            final List<Future<byte[]>> reads = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int offset = t * span;
                reads.add(executor.submit(() -> readFully(channel, offset, span)));
            }
            for (int t = 0; t < threads; t++)
            {
                assertArrayEquals(Arrays.copyOfRange(data, t * span, (t + 1) * span),
                    reads.get(t).get(60, TimeUnit.SECONDS));
            }
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldMovePositionWhenReadingAndWritingSequentially() throws IOException
    {
        try (FileChannel channel = FileChannel.open(path("+data/seq"), CREATE, READ, WRITE))
        {
            assertEquals(5, channel.write(ByteBuffer.wrap(new byte[] { 1, 2, 3, 4, 5 })));
            assertEquals(5, channel.position());
            assertEquals(3, channel.write(new ByteBuffer[] { ByteBuffer.wrap(new byte[] { 6 }),
                ByteBuffer.wrap(new byte[] { 7, 8 }) }));
            assertEquals(8, channel.position());
            assertEquals(channel, channel.position(2));
            final ByteBuffer first = ByteBuffer.allocate(2);
            final ByteBuffer second = ByteBuffer.allocate(10);
            assertEquals(6, channel.read(new ByteBuffer[] { first, second }));
            assertArrayEquals(new byte[] { 3, 4 }, first.array());
            assertArrayEquals(new byte[] { 5, 6, 7, 8, 0, 0, 0, 0, 0, 0 }, second.array());
            assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
            channel.position(20);
            channel.write(ByteBuffer.wrap(new byte[] { 9 }));
            assertEquals(21, channel.size());
            assertThrows(IllegalArgumentException.class, () -> channel.position(-1));
        }
    }

    @Test
    void shouldShrinkButNeverGrowWhenTruncating() throws IOException
    {
        final byte[] data = randomBytes(14, 5 * NioTestSupport.AU + 100);
        final Path file = Files.write(path("+data/trunc"), data);
        try (FileChannel channel = FileChannel.open(file, READ, WRITE))
        {
            channel.position(data.length);
            assertEquals(channel, channel.truncate(NioTestSupport.AU + 1));
            assertEquals(NioTestSupport.AU + 1, channel.size());
            assertEquals(NioTestSupport.AU + 1, channel.position());
            channel.truncate(10L * NioTestSupport.AU);
            assertEquals(NioTestSupport.AU + 1, channel.size());
            assertThrows(IllegalArgumentException.class, () -> channel.truncate(-1));
        }
        assertArrayEquals(Arrays.copyOf(data, NioTestSupport.AU + 1), Files.readAllBytes(file));
        try (FileChannel channel = FileChannel.open(file, READ))
        {
            assertThrows(NonWritableChannelException.class, () -> channel.truncate(0));
        }
    }

    @Test
    void shouldAppendAtTheEndWhenOpenedForAppend() throws IOException
    {
        final Path file = Files.write(path("+data/log"), new byte[] { 1, 2, 3 });
        try (FileChannel channel = FileChannel.open(file, WRITE, APPEND))
        {
            assertEquals(3, channel.position());
            channel.write(ByteBuffer.wrap(new byte[] { 4, 5 }));
            assertEquals(5, channel.position());
            assertThrows(NonReadableChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
        }
        assertArrayEquals(new byte[] { 1, 2, 3, 4, 5 }, Files.readAllBytes(file));
        assertFails(IllegalArgumentException.class, "READ + APPEND", () -> FileChannel.open(file, READ, APPEND));
    }

    @Test
    void shouldTransferToAndFromChannelsOfTheDefaultFileSystem() throws IOException
    {
        final byte[] data = randomBytes(15, 3 * 1024 * 1024 + 5);
        final Path local = Files.write(dir.resolve("in.bin"), data);
        final Path remote = path("+data/transfer");
        try (FileChannel in = FileChannel.open(local);
            FileChannel out = FileChannel.open(remote, CREATE_NEW, WRITE))
        {
            long done = 0;
            while (done < data.length)
            {
                done += out.transferFrom(in, done, data.length - done);
            }
            assertEquals(0, out.transferFrom(in, data.length + 10L, 5));
            assertEquals(0, out.position());
        }
        assertArrayEquals(data, Files.readAllBytes(remote));
        final Path back = dir.resolve("out.bin");
        try (FileChannel in = FileChannel.open(remote);
            FileChannel out = FileChannel.open(back, CREATE_NEW, WRITE))
        {
            long done = 0;
            while (done < data.length)
            {
                done += in.transferTo(done, data.length - done, out);
            }
            assertEquals(0, in.transferTo(data.length, 100, out));
            assertEquals(0, in.position());
        }
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    @Test
    void shouldThrowUnsupportedWithAReasonWhenMappingForWriting() throws IOException
    {
        try (FileChannel channel = FileChannel.open(path("+data/f"), CREATE, READ, WRITE))
        {
            assertFails(UnsupportedOperationException.class,
                "cannot memory-map a DSS file for writing: path=+data/f, mode=READ_WRITE",
                () -> channel.map(FileChannel.MapMode.READ_WRITE, 0, 1));
            assertFails(UnsupportedOperationException.class, "mode=PRIVATE",
                () -> channel.map(FileChannel.MapMode.PRIVATE, 0, 1));
        }
    }

    @Test
    void shouldMapARangeReadOnlyAsACopy() throws IOException
    {
        final byte[] data = randomBytes(7, 3 * AU + 123);
        Files.write(path("+data/m"), data);
        try (FileChannel channel = FileChannel.open(path("+data/m"), READ, WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, AU - 5, 2 * AU + 10);
            assertTrue(mapped.isReadOnly());
            assertEquals(2 * AU + 10, mapped.remaining());
            final byte[] read = new byte[mapped.remaining()];
            mapped.get(read);
            assertArrayEquals(Arrays.copyOfRange(data, AU - 5, 3 * AU + 5), read);
            assertEquals(0, channel.map(FileChannel.MapMode.READ_ONLY, data.length, 0).remaining());
            assertFails(IOException.class, "cannot extend file to required size",
                () -> channel.map(FileChannel.MapMode.READ_ONLY, data.length - 1, 2));
        }
        try (FileChannel writeOnly = FileChannel.open(path("+data/m"), WRITE))
        {
            assertThrows(NonReadableChannelException.class,
                () -> writeOnly.map(FileChannel.MapMode.READ_ONLY, 0, 1));
        }
    }

    @Test
    void shouldRejectUseWhenClosedOrWhenTheWrongModeIsUsed() throws IOException
    {
        final FileChannel channel = FileChannel.open(path("+data/f"), CREATE, WRITE);
        assertThrows(NonReadableChannelException.class, () -> channel.read(ByteBuffer.allocate(1), 0));
        channel.close();
        assertFalse(channel.isOpen());
        assertThrows(ClosedChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, channel::size);
        channel.close();
        try (FileChannel reader = FileChannel.open(path("+data/f")))
        {
            assertThrows(NonWritableChannelException.class, () -> reader.write(ByteBuffer.allocate(1), 0));
        }
        final OpenOption unknown = new OpenOption()
        {
            @Override
            public String toString()
            {
                return "UNKNOWN";
            }
        };
        assertFails(UnsupportedOperationException.class, "option=UNKNOWN",
            () -> FileChannel.open(path("+data/f"), unknown));
    }

    @Test
    void shouldCloseTheChannelWhenTheReadingThreadIsInterrupted() throws IOException
    {
        Files.write(path("+data/f"), new byte[100]);
        try (FileChannel channel = FileChannel.open(path("+data/f")))
        {
            Thread.currentThread().interrupt();
            try
            {
                assertThrows(ClosedByInterruptException.class, () -> channel.read(ByteBuffer.allocate(10), 0));
            }
            finally
            {
                assertTrue(Thread.interrupted());
            }
            assertFalse(channel.isOpen());
        }
    }

    @Test
    void shouldRemoveTheFileWhenClosedWithDeleteOnClose() throws IOException
    {
        final Path file = path("+data/tmp");
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE, READ,
            StandardOpenOption.DELETE_ON_CLOSE, StandardOpenOption.SYNC))
        {
            channel.write(ByteBuffer.wrap(new byte[] { 42 }), 0);
            assertArrayEquals(new byte[] { 42 }, readFully(channel, 0, 1));
            assertEquals(1, Files.size(file));
        }
        assertFalse(Files.exists(file));
        final FileChannel open = FileChannel.open(file, CREATE_NEW, WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        open.write(ByteBuffer.wrap(new byte[] { 1 }));
        fs.close();
        assertFalse(open.isOpen());
        fs = NioTestSupport.open(home);
        assertFalse(Files.exists(path("+data/tmp")));
    }

    @Test
    void shouldFailOnALinkWhenNoFollowLinksIsGiven() throws IOException
    {
        final Path target = Files.write(path("+data/t"), new byte[] { 7 });
        final Path link = Files.createSymbolicLink(path("+data/l"), target);
        assertFails(FileSystemException.class, "+data/l",
            () -> Files.newByteChannel(link, READ, LinkOption.NOFOLLOW_LINKS).close());
        try (FileChannel channel = FileChannel.open(link))
        {
            assertArrayEquals(new byte[] { 7 }, readFully(channel, 0, 1));
        }
    }
}
