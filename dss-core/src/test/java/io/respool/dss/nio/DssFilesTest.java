package io.respool.dss.nio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.respool.dss.nio.NioTestSupport.assertFails;
import static io.respool.dss.nio.NioTestSupport.newDssHome;
import static io.respool.dss.nio.NioTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Files} round trips of issue 3 through the DSS provider: write and read, directories, listing and
 * walking, move, delete, and copy within DSS and to and from the default file system.
 */
@Timeout(60)
class DssFilesTest
{
    @TempDir
    Path dir;
    FileSystem fs;

    @BeforeEach
    void setUp() throws IOException
    {
        fs = NioTestSupport.open(newDssHome(dir, "data", "logs"));
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

    @Test
    void shouldReadBackWhatWasWrittenWhenUsingFilesWriteAndReadAllBytes() throws IOException
    {
        final Path file = path("+data/dir/file");
        Files.createDirectories(file.getParent());
        final byte[] data = randomBytes(1, 300_001);
        assertEquals(file, Files.write(file, data));
        assertArrayEquals(data, Files.readAllBytes(file));
        assertEquals(data.length, Files.size(file));
        assertTrue(Files.isRegularFile(file));
        assertTrue(Files.exists(file));

        Files.writeString(file, "line one\nline two\n");
        assertEquals(List.of("line one", "line two"), Files.readAllLines(file));
        Files.writeString(file, "line three\n", StandardOpenOption.APPEND);
        assertEquals("line one\nline two\nline three\n", Files.readString(file));
    }

    @Test
    void shouldNameThePathWhenReadingAMissingFile()
    {
        assertFails(NoSuchFileException.class, "+data/none", () -> Files.readAllBytes(path("+data/none")));
        assertFails(NoSuchFileException.class, "+data/missing/file",
            () -> Files.write(path("+data/missing/file"), new byte[1]));
        assertFails(NoSuchFileException.class, "+nosuchvg/file", () -> Files.readAllBytes(path("+nosuchvg/file")));
        assertFalse(Files.exists(path("+data/none")));
        assertTrue(Files.notExists(path("+data/none")));
    }

    @Test
    void shouldFailWhenCreatingAFileThatExists() throws IOException
    {
        final Path file = Files.createFile(path("+data/once"));
        assertFails(FileAlreadyExistsException.class, "+data/once", () -> Files.createFile(file));
        assertFails(FileAlreadyExistsException.class, "+data/once",
            () -> Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close());
        assertEquals(0, Files.size(file));
    }

    @Test
    void shouldCreateEveryMissingParentWhenCreatingDirectories() throws IOException
    {
        Files.createDirectory(path("+data/a"));
        final Path deep = path("+data/a/b/c/d");
        assertEquals(deep, Files.createDirectories(deep));
        for (Path each = deep; each.getNameCount() > 0; each = each.getParent())
        {
            assertTrue(Files.isDirectory(each), each::toString);
        }
        assertEquals(deep, Files.createDirectories(deep));
        assertEquals(path("+data/x/y"), Files.createDirectories(path("+data/x/y")));
        assertTrue(Files.isDirectory(path("+data/x")));

        Files.createFile(path("+data/a/file"));
        assertFails(FileAlreadyExistsException.class, "+data/a/file",
            () -> Files.createDirectories(path("+data/a/file")));
        assertFails(FileAlreadyExistsException.class, "+data/a", () -> Files.createDirectory(path("+data/a")));
        assertFails(NoSuchFileException.class, "+data/none/child",
            () -> Files.createDirectory(path("+data/none/child")));
    }

    @Test
    void shouldListEntriesSortedByNameWhenListingADirectory() throws IOException
    {
        final Path base = Files.createDirectories(path("+data/base"));
        Files.createFile(base.resolve("zeta"));
        Files.createDirectory(base.resolve("alpha"));
        Files.createFile(base.resolve("mid.dat"));
        Files.createSymbolicLink(base.resolve("link"), path("+data/base/zeta"));
        try (Stream<Path> entries = Files.list(base))
        {
            assertEquals(List.of(base.resolve("alpha"), base.resolve("link"), base.resolve("mid.dat"),
                base.resolve("zeta")), entries.toList());
        }
        try (Stream<Path> entries = Files.list(path("+data")))
        {
            assertEquals(List.of(base), entries.toList());
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(base, "*.dat"))
        {
            final List<Path> matched = new ArrayList<>();
            stream.forEach(matched::add);
            assertEquals(List.of(base.resolve("mid.dat")), matched);
        }
        assertFails(NotDirectoryException.class, "+data/base/zeta", () -> Files.list(base.resolve("zeta")).close());
        assertFails(NoSuchFileException.class, "+data/nothing", () -> Files.list(path("+data/nothing")).close());
    }

    @Test
    void shouldVisitEveryEntryDepthFirstWhenWalkingATree() throws IOException
    {
        final Path root = path("+data/tree");
        Files.createDirectories(root.resolve("a/aa"));
        Files.createDirectories(root.resolve("b"));
        Files.write(root.resolve("a/aa/f1"), new byte[] { 1 });
        Files.write(root.resolve("a/f2"), new byte[] { 2, 2 });
        Files.write(root.resolve("b/f3"), new byte[] { 3, 3, 3 });
        Files.createSymbolicLink(root.resolve("b/link"), root.resolve("a"));
        Files.createFile(root.resolve("c"));

        try (Stream<Path> walk = Files.walk(root))
        {
            assertEquals(List.of(root, root.resolve("a"), root.resolve("a/aa"), root.resolve("a/aa/f1"),
                root.resolve("a/f2"), root.resolve("b"), root.resolve("b/f3"), root.resolve("b/link"),
                root.resolve("c")), walk.toList());
        }
        try (Stream<Path> walk = Files.walk(root, 1))
        {
            assertEquals(List.of(root, root.resolve("a"), root.resolve("b"), root.resolve("c")), walk.toList());
        }
        try (Stream<Path> found = Files.find(root, Integer.MAX_VALUE,
            (p, attributes) -> attributes.isRegularFile() && attributes.size() > 1))
        {
            assertEquals(List.of(root.resolve("a/f2"), root.resolve("b/f3")), found.toList());
        }
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS))
        {
            assertTrue(walk.toList().contains(root.resolve("b/link/aa/f1")));
        }
    }

    @Test
    void shouldMoveAFileWhenTheTargetIsAbsent() throws IOException
    {
        final Path source = path("+data/src");
        final byte[] data = randomBytes(2, 70_000);
        Files.write(source, data);
        final Object key = Files.readAttributes(source, BasicFileAttributes.class).fileKey();
        Files.createDirectory(path("+data/dst"));
        final Path target = path("+data/dst/moved");
        assertEquals(target, Files.move(source, target));
        assertFalse(Files.exists(source));
        assertArrayEquals(data, Files.readAllBytes(target));
        assertEquals(key, Files.readAttributes(target, BasicFileAttributes.class).fileKey());
    }

    @Test
    void shouldReplaceTheTargetWhenMovingWithReplaceExisting() throws IOException
    {
        final Path source = path("+data/new");
        final Path target = path("+data/old");
        Files.writeString(source, "new content");
        Files.writeString(target, "old content that is longer");

        assertFails(FileAlreadyExistsException.class, "+data/old", () -> Files.move(source, target));
        assertEquals("new content", Files.readString(source));
        assertEquals("old content that is longer", Files.readString(target));
        assertFails(FileAlreadyExistsException.class, "+data/old",
            () -> Files.move(source, target, StandardCopyOption.ATOMIC_MOVE));

        Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        assertFalse(Files.exists(source));
        assertEquals("new content", Files.readString(target));

        Files.createDirectories(path("+data/full/inner"));
        Files.writeString(source, "again");
        assertFails(DirectoryNotEmptyException.class, "+data/full",
            () -> Files.move(source, path("+data/full"), StandardCopyOption.REPLACE_EXISTING));
        Files.move(source, path("+data/full/inner"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("again", Files.readString(path("+data/full/inner")));
    }

    @Test
    void shouldRenameOnceWhenMovingAtomically() throws IOException
    {
        Files.createDirectories(path("+data/d1/sub"));
        Files.writeString(path("+data/d1/sub/f"), "payload");
        Files.move(path("+data/d1"), path("+data/d2"), StandardCopyOption.ATOMIC_MOVE);
        assertFalse(Files.exists(path("+data/d1")));
        assertEquals("payload", Files.readString(path("+data/d2/sub/f")));
        Files.move(path("+data/d2"), path("+data/d2"), StandardCopyOption.ATOMIC_MOVE);
        assertTrue(Files.isDirectory(path("+data/d2")));
        assertFails(AtomicMoveNotSupportedException.class, "different volume groups",
            () -> Files.move(path("+data/d2/sub/f"), path("+logs/f"), StandardCopyOption.ATOMIC_MOVE));
    }

    @Test
    void shouldCopyThenRemoveWhenMovingToAnotherVolumeGroup() throws IOException
    {
        final byte[] data = randomBytes(3, 3 * NioTestSupport.AU + 17);
        Files.write(path("+data/big"), data);
        Files.move(path("+data/big"), path("+logs/big"));
        assertFalse(Files.exists(path("+data/big")));
        assertArrayEquals(data, Files.readAllBytes(path("+logs/big")));

        Files.createDirectories(path("+data/emptydir"));
        Files.move(path("+data/emptydir"), path("+logs/emptydir"));
        assertTrue(Files.isDirectory(path("+logs/emptydir")));
        assertFalse(Files.exists(path("+data/emptydir")));

        Files.createDirectories(path("+data/fulldir/x"));
        assertFails(DirectoryNotEmptyException.class, "+data/fulldir",
            () -> Files.move(path("+data/fulldir"), path("+logs/fulldir")));
        assertTrue(Files.isDirectory(path("+data/fulldir/x")));
        assertFalse(Files.exists(path("+logs/fulldir")));
    }

    @Test
    void shouldDeleteFilesLinksAndEmptyDirectoriesButNotFullOnes() throws IOException
    {
        Files.createDirectory(path("+data/d"));
        final Path file = Files.writeString(path("+data/d/file"), "x", StandardOpenOption.CREATE_NEW);
        final Path link = Files.createSymbolicLink(path("+data/d/link"), file);
        final Path sub = Files.createDirectory(path("+data/d/sub"));

        Files.delete(link);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("x", Files.readString(file));
        Files.delete(sub);
        assertFalse(Files.exists(sub));
        final DirectoryNotEmptyException notEmpty = assertFails(DirectoryNotEmptyException.class, "+data/d",
            () -> Files.delete(path("+data/d")));
        assertEquals("+data/d", notEmpty.getFile());
        Files.delete(file);
        assertFalse(Files.exists(file));
        assertFalse(Files.deleteIfExists(file));
        assertFails(NoSuchFileException.class, "+data/d/file", () -> Files.delete(file));
        Files.delete(path("+data/d"));
        assertFalse(Files.exists(path("+data/d")));
        assertFails(FileSystemException.class, "root of a volume group", () -> Files.delete(path("+data")));
    }

    @Test
    void shouldCopyRandomContentBothWaysWithTheDefaultFileSystem() throws IOException
    {
        final byte[] data = randomBytes(4, 5 * 1024 * 1024 + 4321);
        final Path local = Files.write(dir.resolve("local.bin"), data);
        final Path remote = path("+data/copied.bin");

        assertEquals(remote, Files.copy(local, remote));
        assertArrayEquals(data, Files.readAllBytes(remote));
        assertFails(FileAlreadyExistsException.class, "+data/copied.bin", () -> Files.copy(local, remote));

        final Path back = dir.resolve("back.bin");
        assertEquals(back, Files.copy(remote, back));
        assertArrayEquals(data, Files.readAllBytes(back));

        final byte[] other = randomBytes(5, 123_457);
        Files.write(local, other);
        Files.copy(local, remote, StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(other, Files.readAllBytes(remote));
        Files.copy(remote, back, StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(other, Files.readAllBytes(back));
    }

    @Test
    void shouldMoveToTheDefaultFileSystemButNotFromItBecauseTimesCannotBeSet() throws IOException
    {
        final byte[] data = randomBytes(8, 1024 * 1024 + 3);
        final Path remote = Files.write(path("+data/out"), data);
        final Path local = dir.resolve("moved.bin");
        assertEquals(local, Files.move(remote, local));
        assertFalse(Files.exists(remote));
        assertArrayEquals(data, Files.readAllBytes(local));

        assertFails(UnsupportedOperationException.class, "cannot set times of a DSS file: path=+data/in",
            () -> Files.move(local, path("+data/in")));
        assertArrayEquals(data, Files.readAllBytes(local));
        assertFalse(Files.exists(path("+data/in")));
    }

    @Test
    void shouldDeleteATreeWhenWalkedDeepestFirst() throws IOException
    {
        final Path root = path("+data/doomed");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.write(root.resolve("a/b/c/f"), new byte[10]);
        Files.write(root.resolve("a/g"), new byte[10]);
        Files.createSymbolicLink(root.resolve("link"), root.resolve("a/g"));
        try (Stream<Path> walk = Files.walk(root))
        {
            final List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            assertEquals(7, all.size());
            for (final Path each : all)
            {
                Files.delete(each);
            }
        }
        assertFalse(Files.exists(root));
        try (Stream<Path> entries = Files.list(path("+data")))
        {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void shouldRefuseToOpenADirectoryAsAFile() throws IOException
    {
        Files.createDirectory(path("+data/adir"));
        assertFails(FileSystemException.class, "+data/adir", () -> Files.readAllBytes(path("+data/adir")));
        assertFails(FileSystemException.class, "+data/adir", () -> Files.write(path("+data/adir"), new byte[1]));
        assertTrue(Files.isDirectory(path("+data/adir")));
    }

    @Test
    void shouldCopyThroughStreams() throws IOException
    {
        final byte[] data = randomBytes(6, 2 * 1024 * 1024 + 1);
        final Path remote = path("+data/streamed");
        try (InputStream in = new ByteArrayInputStream(data))
        {
            assertEquals(data.length, Files.copy(in, remote));
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(data.length, Files.copy(remote, out));
        assertArrayEquals(data, out.toByteArray());

        try (OutputStream stream = Files.newOutputStream(path("+data/lines"));
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8))
        {
            writer.write("alpha\nbeta\n");
        }
        try (BufferedReader reader = Files.newBufferedReader(path("+data/lines")))
        {
            assertEquals(List.of("alpha", "beta"), reader.lines().toList());
        }
        try (InputStream in = Files.newInputStream(remote))
        {
            assertEquals(data.length, in.skip(data.length));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void shouldCopyWithinDssWhenBothPathsAreDss() throws IOException
    {
        final byte[] data = randomBytes(7, 3 * 1024 * 1024 + 99);
        final Path source = Files.write(path("+data/orig"), data);
        Files.copy(source, path("+data/dup"));
        assertArrayEquals(data, Files.readAllBytes(path("+data/dup")));
        assertArrayEquals(data, Files.readAllBytes(source));
        Files.copy(source, path("+logs/dup"), StandardCopyOption.COPY_ATTRIBUTES);
        assertArrayEquals(data, Files.readAllBytes(path("+logs/dup")));
        assertFails(FileAlreadyExistsException.class, "+data/dup", () -> Files.copy(source, path("+data/dup")));
        Files.writeString(path("+data/small"), "small");
        Files.copy(path("+data/small"), path("+data/dup"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("small", Files.readString(path("+data/dup")));
        Files.copy(source, source);
        assertArrayEquals(data, Files.readAllBytes(source));

        Files.createDirectories(path("+data/dir/child"));
        Files.copy(path("+data/dir"), path("+data/dircopy"));
        assertTrue(Files.isDirectory(path("+data/dircopy")));
        try (Stream<Path> entries = Files.list(path("+data/dircopy")))
        {
            assertEquals(0, entries.count());
        }

        Files.createSymbolicLink(path("+data/ln"), source);
        Files.copy(path("+data/ln"), path("+data/lncopy"), LinkOption.NOFOLLOW_LINKS);
        assertTrue(Files.isSymbolicLink(path("+data/lncopy")));
        assertEquals(source, Files.readSymbolicLink(path("+data/lncopy")));
        Files.copy(path("+data/ln"), path("+data/followed"));
        assertFalse(Files.isSymbolicLink(path("+data/followed")));
        assertArrayEquals(data, Files.readAllBytes(path("+data/followed")));
        assertFails(UnsupportedOperationException.class, "ATOMIC_MOVE",
            () -> Files.copy(source, path("+data/x"), StandardCopyOption.ATOMIC_MOVE));
    }

    @Test
    void shouldWriteThroughBufferedWriterAndNewByteChannel() throws IOException
    {
        final Path file = path("+data/chan");
        try (SeekableByteChannel channel =
            Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            assertEquals(5, channel.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII))));
            channel.position(10);
            channel.write(ByteBuffer.wrap("!".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(11, channel.size());
        }
        final byte[] content = Files.readAllBytes(file);
        assertEquals(11, content.length);
        assertEquals("hello", new String(content, 0, 5, StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[5], Arrays.copyOfRange(content, 5, 10));
        assertEquals('!', content[10]);
        try (SeekableByteChannel channel = Files.newByteChannel(file))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(20);
            assertEquals(11, channel.read(buffer));
            assertEquals(-1, channel.read(buffer.clear()));
            assertThrows(NonWritableChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
        }
        try (Writer writer = Files.newBufferedWriter(file, StandardOpenOption.TRUNCATE_EXISTING))
        {
            writer.write("replaced");
        }
        assertEquals("replaced", Files.readString(file));
    }
}
