package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.FileStat;
import io.respool.dss.VolumeGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.respool.dss.nio.NioTestSupport.assertFails;
import static io.respool.dss.nio.NioTestSupport.newDssHome;
import static io.respool.dss.nio.NioTestSupport.randomBytes;
import static io.respool.dss.nio.NioTestSupport.uriOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider's life cycle: registration, one file system per DSS home, close and reopen, roots, file stores and
 * URIs.
 */
@Timeout(60)
class DssFileSystemProviderTest
{
    @TempDir
    Path dir;
    FileSystem fs;

    @AfterEach
    void tearDown() throws IOException
    {
        if (fs != null)
        {
            fs.close();
        }
    }

    @Test
    void shouldBeInstalledWhenLoadedFromMetaInfServices()
    {
        final List<FileSystemProvider> dss = new ArrayList<>();
        for (final FileSystemProvider provider : FileSystemProvider.installedProviders())
        {
            if ("dss".equals(provider.getScheme()))
            {
                dss.add(provider);
            }
        }
        assertEquals(1, dss.size());
        assertInstanceOf(DssFileSystemProvider.class, dss.get(0));
        assertEquals(DssFileSystemProvider.SCHEME, new DssFileSystemProvider().getScheme());
    }

    @Test
    void shouldShareOneFileSystemPerHomeWhenOpenedAgainOrLookedUp() throws IOException
    {
        final Path home = newDssHome(dir, "data");
        fs = NioTestSupport.open(home);
        assertTrue(fs.isOpen());
        assertFalse(fs.isReadOnly());
        assertEquals("/", fs.getSeparator());
        assertSame(fs, FileSystems.getFileSystem(uriOf(home)));
        assertSame(fs, FileSystems.getFileSystem(URI.create("dss:" + home.resolve("cfg").resolve(".."))));
        assertFails(FileSystemAlreadyExistsException.class, home.toRealPath().toString(),
            () -> FileSystems.newFileSystem(uriOf(home), Map.of()));

        fs.close();
        assertFalse(fs.isOpen());
        fs.close();
        assertFails(FileSystemNotFoundException.class, home.toRealPath().toString(),
            () -> FileSystems.getFileSystem(uriOf(home)));
        final FileSystem reopened = NioTestSupport.open(home);
        assertNotSame(fs, reopened);
        fs = reopened;
        assertSame(fs, FileSystems.getFileSystem(uriOf(home)));
    }

    @Test
    void shouldKeepDataWhenTheFileSystemIsClosedAndReopened() throws IOException
    {
        final Path home = newDssHome(dir, "data");
        final byte[] data = randomBytes(21, 4 * 1024 * 1024 + 77);
        fs = NioTestSupport.open(home);
        Files.createDirectories(fs.getPath("+data/keep/sub"));
        Files.write(fs.getPath("+data/keep/sub/blob"), data);
        Files.createSymbolicLink(fs.getPath("+data/keep/link"), fs.getPath("+data/keep/sub/blob"));
        Files.move(fs.getPath("+data/keep/sub/blob"), fs.getPath("+data/keep/blob"));
        Files.createSymbolicLink(fs.getPath("+data/keep/link2"), fs.getPath("+data/keep/blob"));
        final BasicFileAttributes attributes =
            Files.readAttributes(fs.getPath("+data/keep/blob"), BasicFileAttributes.class);
        fs.close();
        try (Dss dss = Dss.open(home))
        {
            final FileStat stat = dss.stat("+data/keep/blob");
            assertEquals(stat.id(), attributes.fileKey());
            assertEquals(stat.size(), attributes.size());
            assertEquals(stat.createTimeMs(), attributes.creationTime().toMillis());
            assertEquals(stat.updateTimeMs(), attributes.lastModifiedTime().toMillis());
        }

        fs = NioTestSupport.open(home);
        assertArrayEquals(data, Files.readAllBytes(fs.getPath("+data/keep/blob")));
        assertArrayEquals(data, Files.readAllBytes(fs.getPath("+data/keep/link2")));
        assertEquals(fs.getPath("+data/keep/sub/blob"), Files.readSymbolicLink(fs.getPath("+data/keep/link")));
        assertTrue(Files.isDirectory(fs.getPath("+data/keep/sub")));
        assertFalse(Files.exists(fs.getPath("+data/keep/sub/blob")));
    }

    @Test
    void shouldCopyAndMoveBetweenTwoDssHomes() throws IOException
    {
        fs = NioTestSupport.open(newDssHome(dir.resolve("one"), "data"));
        try (FileSystem other = NioTestSupport.open(newDssHome(dir.resolve("two"), "data")))
        {
            final byte[] data = randomBytes(22, 3 * 1024 * 1024 + 11);
            final Path source = Files.write(fs.getPath("+data/src"), data);
            Files.copy(source, other.getPath("+data/copy"));
            assertArrayEquals(data, Files.readAllBytes(other.getPath("+data/copy")));
            Files.move(source, other.getPath("+data/moved"));
            assertFalse(Files.exists(source));
            assertArrayEquals(data, Files.readAllBytes(other.getPath("+data/moved")));
            assertFalse(Files.exists(fs.getPath("+data/copy")));
        }
    }

    @Test
    void shouldThrowClosedFileSystemWhenUsedAfterClose() throws IOException
    {
        fs = NioTestSupport.open(newDssHome(dir, "data"));
        final Path file = Files.write(fs.getPath("+data/f"), new byte[] { 1 });
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        final DirectoryStream<Path> stream = Files.newDirectoryStream(fs.getPath("+data"));
        final Iterator<Path> entries = stream.iterator();
        fs.close();

        assertFalse(channel.isOpen());
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1), 0));
        assertFalse(entries.hasNext());
        assertThrows(ClosedFileSystemException.class, () -> Files.readAllBytes(file));
        assertThrows(ClosedFileSystemException.class, () -> Files.write(file, new byte[1]));
        assertThrows(ClosedFileSystemException.class, () -> Files.exists(file));
        assertThrows(ClosedFileSystemException.class, () -> Files.list(fs.getPath("+data")));
        assertThrows(ClosedFileSystemException.class, fs::getRootDirectories);
        assertThrows(ClosedFileSystemException.class, fs::getFileStores);
        assertEquals("+data/f", file.toString());
    }

    @Test
    void shouldFailWithTheReasonWhenTheHomeCannotBeOpened() throws IOException
    {
        final Path missing = dir.resolve("nohome");
        assertFails(FileSystemException.class, "DSS home is not a directory",
            () -> FileSystems.newFileSystem(uriOf(missing), Map.of()));
        Files.createDirectories(dir.resolve("empty/cfg"));
        assertFails(FileSystemException.class, "dss_vg_conf.ini",
            () -> FileSystems.newFileSystem(uriOf(dir.resolve("empty")), Map.of()));
        assertFails(IllegalArgumentException.class, "not a DSS URI",
            () -> new DssFileSystemProvider().newFileSystem(URI.create("file:/tmp"), Map.of()));
        assertFails(FileSystemNotFoundException.class, "no DSS file system is open",
            () -> Paths.get(URI.create("dss:" + dir.toRealPath() + "!/+data/x")));
    }

    @Test
    void shouldListOneRootAndOneStorePerVolumeGroupWithItsSpace() throws IOException
    {
        final Path home = newDssHome(dir, "data", "logs");
        final long total;
        final long free;
        final int auSize;
        try (Dss dss = Dss.open(home))
        {
            final VolumeGroup data = dss.volumeGroup("data");
            total = data.totalBytes();
            free = data.freeBytes();
            auSize = data.auSize();
        }
        fs = NioTestSupport.open(home);
        final List<Path> roots = new ArrayList<>();
        fs.getRootDirectories().forEach(roots::add);
        assertEquals(List.of(fs.getPath("+data"), fs.getPath("+logs")), roots);

        final List<FileStore> stores = new ArrayList<>();
        fs.getFileStores().forEach(stores::add);
        assertEquals(2, stores.size());
        final FileStore store = stores.get(0);
        assertEquals("data", store.name());
        assertEquals("logs", stores.get(1).name());
        assertEquals("dss", store.type());
        assertFalse(store.isReadOnly());
        assertEquals(total, store.getTotalSpace());
        assertEquals(free, store.getUsableSpace());
        assertEquals(free, store.getUnallocatedSpace());
        assertEquals(auSize, store.getBlockSize());
        assertEquals(total, store.getAttribute("totalSpace"));
        assertTrue(store.supportsFileAttributeView("basic"));
        assertFalse(store.supportsFileAttributeView("posix"));
        assertFails(UnsupportedOperationException.class, "attribute=bogus", () -> store.getAttribute("bogus"));

        Files.write(fs.getPath("+data/fill"), new byte[2 * auSize]);
        assertEquals(free - 2L * auSize, store.getUsableSpace());
        assertEquals(store, Files.getFileStore(fs.getPath("+data/fill")));
        assertEquals(stores.get(1), Files.getFileStore(fs.getPath("+logs")));
        Files.createSymbolicLink(fs.getPath("+logs/tofill"), fs.getPath("+data/fill"));
        assertEquals(store, Files.getFileStore(fs.getPath("+logs/tofill")));
    }

    @Test
    void shouldRoundTripPathsThroughUris() throws IOException
    {
        final Path home = newDssHome(dir, "data");
        fs = NioTestSupport.open(home);
        final Path path = fs.getPath("+data/dir/file.dat");
        final URI uri = path.toUri();
        assertEquals("dss", uri.getScheme());
        assertEquals("dss:" + home.toRealPath() + "!/+data/dir/file.dat", uri.toString());
        assertEquals(path, Paths.get(uri));
        assertEquals(path, fs.provider().getPath(uri));
        assertEquals(fs.getPath("+data/rel"), Paths.get(fs.getPath("rel").toUri()));
        assertSame(fs, FileSystems.getFileSystem(uri));
        assertFails(IllegalArgumentException.class, "names no path",
            () -> fs.provider().getPath(uriOf(home)));
    }
}
