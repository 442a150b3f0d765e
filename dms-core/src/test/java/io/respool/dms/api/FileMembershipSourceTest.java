package io.respool.dms.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FileMembershipSourceTest
{
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final MembershipView FIRST = new MembershipView(3, 0b111, 0, 0);
    private static final MembershipView SECOND = new MembershipView(4, 0b101, 2, 2);

    @TempDir
    Path dir;

    @Test
    void shouldWriteAReadableChecksummedTextFile() throws Exception
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, SECOND);

        final String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("respool-membership-view\nformat=1\nversion=4\nmembers=0,2\nreformer=2\n" +
            "primary=2\ncrc32c="), text);
        assertEquals(8 + 1, text.substring(text.indexOf("crc32c=") + 7).length(), text);
        assertEquals(List.of(file), list(), "no temporary file left behind");
        assertEquals(SECOND, FileMembershipSource.Format.decode(Files.readAllBytes(file)));
    }

    @Test
    void shouldStartFromThePublishedView()
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, FIRST);
        try (FileMembershipSource source = new FileMembershipSource(file, POLL_NS))
        {
            assertEquals(FIRST, source.current());
            assertFalse(source.poll(), "the same file again is no new view");
            assertEquals(0, source.appliedViews() + source.corruptReads() + source.staleReads());
        }
    }

    @Test
    void shouldApplyAHigherVersionAndTellEveryListener()
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, FIRST);
        try (FileMembershipSource source = new FileMembershipSource(file, TimeUnit.SECONDS.toNanos(60)))
        {
            final LinkedBlockingQueue<MembershipView> a = new LinkedBlockingQueue<>();
            final LinkedBlockingQueue<MembershipView> b = new LinkedBlockingQueue<>();
            source.listen(a::add);
            source.listen(b::add);
            FileMembershipSource.publish(file, SECOND);

            assertTrue(source.poll());
            assertEquals(SECOND, source.current());
            assertEquals(List.of(SECOND), List.copyOf(a));
            assertEquals(List.of(SECOND), List.copyOf(b));
            assertEquals(1, source.appliedViews());
        }
    }

    @Test
    void shouldIgnoreAndCountAViewWhoseVersionIsNotHigher()
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, SECOND);
        try (FileMembershipSource source = new FileMembershipSource(file, TimeUnit.SECONDS.toNanos(60)))
        {
            final LinkedBlockingQueue<MembershipView> seen = new LinkedBlockingQueue<>();
            source.listen(seen::add);

            FileMembershipSource.publish(file, FIRST);
            assertFalse(source.poll(), "lower version");
            FileMembershipSource.publish(file, new MembershipView(4, 0b011, 0, 0));
            assertFalse(source.poll(), "same version, another view");
            assertFalse(source.poll(), "rereading it unchanged counts nothing");

            assertEquals(2, source.staleReads());
            assertEquals(0, source.appliedViews());
            assertEquals(SECOND, source.current());
            assertTrue(seen.isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "cut", "flip" })
    void shouldNeverApplyATornOrDamagedFileWhateverTheOffset(final String damage) throws IOException
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, FIRST);
        final byte[] whole = FileMembershipSource.Format.encode(SECOND);
        try (FileMembershipSource source = new FileMembershipSource(file, TimeUnit.SECONDS.toNanos(60)))
        {
            for (int offset = 0; offset < whole.length; offset++)
            {
                final byte[] damaged = "cut".equals(damage) ? Arrays.copyOf(whole, offset) : whole.clone();
                if ("flip".equals(damage))
                {
                    damaged[offset] ^= 0x01;
                }
                Files.write(file, damaged);
                assertFalse(source.poll(), damage + " at " + offset);
                assertEquals(FIRST, source.current(), damage + " at " + offset);
            }
            assertEquals(whole.length, source.corruptReads());

            Files.write(file, whole);
            assertTrue(source.poll(), "the whole file is a view");
            assertEquals(SECOND, source.current());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "format=1|version=9|members=0,1|reformer=2|primary=0|reformer is not a member: version=9, reformer=2, " +
            "members=[0,1]",
        "format=2|version=9|members=0,1|reformer=0|primary=0|unsupported format: format=2, supported=1..1",
        "format=1|version=0|members=0|reformer=0|primary=0|membership view version must be >= 1: version=0",
        "format=1|version=9|members=0,64|reformer=0|primary=0|member out of range: members=0,64, max=63",
        "format=1|version=9|members=0,|reformer=0|primary=0|not a number: members=",
        "format=1|version=-9|members=0|reformer=0|primary=0|not a number: version=-9",
        "format=1|members=0|version=9|reformer=0|primary=0|expected version=..., found: members=0",
    })
    void shouldRejectAChecksummedFileThatHoldsNoValidView(final String format, final String version,
        final String members, final String reformer, final String primary, final String expected)
    {
        final String body = String.join("\n", "respool-membership-view", format, version, members, reformer,
            primary, "");
        final FileMembershipSource.Format.FormatException ex = assertThrows(
            FileMembershipSource.Format.FormatException.class,
            () -> FileMembershipSource.Format.decode(withCrc(body)));
        assertEquals(expected, ex.getMessage());
    }

    @Test
    void shouldCountAFileThatVanishedAndApplyItWhenBack() throws IOException
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, FIRST);
        try (FileMembershipSource source = new FileMembershipSource(file, TimeUnit.SECONDS.toNanos(60)))
        {
            Files.delete(file);
            assertFalse(source.poll());
            assertEquals(1, source.corruptReads());
            FileMembershipSource.publish(file, SECOND);
            assertTrue(source.poll());
        }
    }

    @Test
    void shouldRefuseToStartWithoutAValidFile() throws IOException
    {
        final Path file = dir.resolve("view");
        final DmsConfigException missing = assertThrows(DmsConfigException.class,
            () -> new FileMembershipSource(file, POLL_NS));
        assertTrue(missing.getMessage().startsWith("membership file cannot be read: path=" + file), missing.getMessage());
        assertTrue(missing.getMessage().endsWith("publish a first view with FileMembershipSource.publish before " +
            "starting the node"), missing.getMessage());

        Files.writeString(file, "respool-membership-view\n");
        final DmsConfigException torn = assertThrows(DmsConfigException.class,
            () -> new FileMembershipSource(file, POLL_NS));
        assertEquals("membership file holds no valid view: path=" + file + ", reason=no checksum line at the end " +
            "(torn write?): length=24; publish a view with FileMembershipSource.publish", torn.getMessage());

        final DmsConfigException interval = assertThrows(DmsConfigException.class,
            () -> new FileMembershipSource(file, 1));
        assertEquals("membership file poll interval must be 1 ms to 60 s: " +
            "respool.dms.membership.file.poll.interval.ms=0, path=" + file, interval.getMessage());
    }

    @Test
    void shouldNameTheFileWhenPublishingFails()
    {
        final Path file = dir.resolve("missing-dir").resolve("view");
        final DmsException ex = assertThrows(DmsException.class, () -> FileMembershipSource.publish(file, FIRST));
        assertEquals(DmsErrorCode.CONFIG, ex.errorCode());
        assertTrue(ex.getMessage().startsWith("cannot publish membership view: path=" + file + ", view=" + FIRST),
            ex.getMessage());
    }

    @Test
    void shouldPollOnItsOwnDaemonThreadUntilClosed() throws InterruptedException
    {
        final Path file = dir.resolve("view");
        FileMembershipSource.publish(file, FIRST);
        final FileMembershipSource source = new FileMembershipSource(file, POLL_NS);
        final LinkedBlockingQueue<MembershipView> seen = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Thread> threads = new LinkedBlockingQueue<>();
        source.listen((view) ->
        {
            threads.add(Thread.currentThread());
            seen.add(view);
        });
        FileMembershipSource.publish(file, SECOND);

        assertEquals(SECOND, seen.poll(10, TimeUnit.SECONDS));
        final Thread poller = threads.take();
        assertEquals("dms-membership-view", poller.getName());
        assertTrue(poller.isDaemon());

        source.close();
        assertFalse(poller.isAlive(), "close waits for the poll thread");
        FileMembershipSource.publish(file, new MembershipView(5, 0b1, 0, 0));
        TimeUnit.NANOSECONDS.sleep(POLL_NS * 4);
        assertTrue(seen.isEmpty(), "no view after close");
        assertThrows(IllegalStateException.class, () -> source.listen(seen::add));
        source.close();
    }

    private List<Path> list() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.toList();
        }
    }

    private static byte[] withCrc(final String body)
    {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        crc.update(bytes);
        return (body + "crc32c=" + String.format("%08x", crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
