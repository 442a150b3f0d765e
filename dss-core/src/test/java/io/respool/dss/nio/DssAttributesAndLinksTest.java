package io.respool.dss.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import static io.respool.dss.nio.NioTestSupport.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Basic attributes, symbolic links, and what DSS cannot do, through the JDK's {@link Files}.
 */
@Timeout(60)
class DssAttributesAndLinksTest extends OneVolumeGroupFixture
{
    private Path path(final String text)
    {
        return fs.getPath(text);
    }

    @Test
    void shouldReportSizeTypeTimesAndKeyWhenReadingBasicAttributes() throws IOException
    {
        final long before = System.currentTimeMillis();
        final Path file = Files.write(path("+data/f"), new byte[12345]);
        final Path directory = Files.createDirectory(path("+data/d"));
        final long after = System.currentTimeMillis();

        final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        assertEquals(12345, attributes.size());
        assertTrue(attributes.isRegularFile());
        assertFalse(attributes.isDirectory());
        assertFalse(attributes.isSymbolicLink());
        assertFalse(attributes.isOther());
        final long created = attributes.creationTime().toMillis();
        final long modified = attributes.lastModifiedTime().toMillis();
        assertTrue(created >= before && created <= after, () -> "created=" + created);
        assertTrue(modified >= created && modified <= after, () -> "modified=" + modified);
        assertEquals(attributes.lastModifiedTime(), attributes.lastAccessTime());
        assertEquals(attributes.lastModifiedTime(), Files.getLastModifiedTime(file));
        assertInstanceOf(Long.class, attributes.fileKey());

        final BasicFileAttributes dirAttributes = Files.readAttributes(directory, BasicFileAttributes.class);
        assertTrue(dirAttributes.isDirectory());
        assertFalse(dirAttributes.isRegularFile());
        assertNotEquals(attributes.fileKey(), dirAttributes.fileKey());
        assertTrue(Files.readAttributes(path("+data"), BasicFileAttributes.class).isDirectory());

        final BasicFileAttributeView view = Files.getFileAttributeView(file, BasicFileAttributeView.class);
        assertEquals("basic", view.name());
        assertEquals(attributes.fileKey(), view.readAttributes().fileKey());
        assertFails(NoSuchFileException.class, "+data/none",
            () -> Files.readAttributes(path("+data/none"), BasicFileAttributes.class));
    }

    @Test
    void shouldGiveEveryBasicAttributeWhenReadingTheMapForm() throws IOException
    {
        final Path file = Files.write(path("+data/f"), new byte[77]);
        final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        final Map<String, Object> all = Files.readAttributes(file, "basic:*");
        assertEquals(Set.of("size", "lastModifiedTime", "lastAccessTime", "creationTime", "isRegularFile",
            "isDirectory", "isSymbolicLink", "isOther", "fileKey"), all.keySet());
        assertEquals(77L, all.get("size"));
        assertEquals(true, all.get("isRegularFile"));
        assertEquals(false, all.get("isDirectory"));
        assertEquals(false, all.get("isSymbolicLink"));
        assertEquals(false, all.get("isOther"));
        assertEquals(attributes.fileKey(), all.get("fileKey"));
        assertEquals(attributes.creationTime(), all.get("creationTime"));
        assertEquals(attributes.lastModifiedTime(), all.get("lastModifiedTime"));
        assertEquals(Map.of("size", 77L, "isDirectory", false), Files.readAttributes(file, "size,isDirectory"));
        assertEquals(77L, Files.getAttribute(file, "basic:size"));
        assertFails(IllegalArgumentException.class, "colour", () -> Files.readAttributes(file, "basic:colour"));
    }

    @Test
    void shouldThrowUnsupportedWithAReasonWhenAskingForPosixOrOwnerOrTimes() throws IOException
    {
        final Path file = Files.createFile(path("+data/f"));
        assertFails(UnsupportedOperationException.class, "PosixFileAttributes",
            () -> Files.readAttributes(file, PosixFileAttributes.class));
        assertFails(UnsupportedOperationException.class, "no owners, groups or permissions",
            () -> Files.getPosixFilePermissions(file));
        assertFails(UnsupportedOperationException.class, "DosFileAttributes",
            () -> Files.readAttributes(file, DosFileAttributes.class));
        assertFails(UnsupportedOperationException.class, "view=posix", () -> Files.readAttributes(file, "posix:*"));
        assertFails(UnsupportedOperationException.class, "view=owner",
            () -> Files.setAttribute(file, "owner:owner", null));
        assertFails(UnsupportedOperationException.class, "cannot set file attributes on DSS: path=+data/g",
            () -> Files.createFile(path("+data/g"), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))));
        assertFalse(Files.exists(path("+data/g")));
        assertFails(UnsupportedOperationException.class, "cannot set times of a DSS file: path=+data/f",
            () -> Files.setLastModifiedTime(file, FileTime.fromMillis(0)));
        assertFails(UnsupportedOperationException.class, "cannot set times",
            () -> Files.setAttribute(file, "basic:creationTime", FileTime.fromMillis(0)));
        assertFails(IllegalArgumentException.class, "read-only", () -> Files.setAttribute(file, "size", 1L));
        Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(null, null, null);
        assertNull(Files.getFileAttributeView(file, PosixFileAttributeView.class));
        assertNull(Files.getFileAttributeView(file, FileOwnerAttributeView.class));
        assertThrows(UnsupportedOperationException.class, () -> Files.getOwner(file));
        assertEquals(Set.of("basic"), fs.supportedFileAttributeViews());
    }

    @Test
    void shouldThrowUnsupportedWithAReasonWhenUsingWatchServiceHardLinksOrUsers() throws IOException
    {
        final Path file = Files.createFile(path("+data/f"));
        assertFails(UnsupportedOperationException.class, "no hard links: link=+data/hard",
            () -> Files.createLink(path("+data/hard"), file));
        assertFails(UnsupportedOperationException.class, "no watch service", fs::newWatchService);
        assertFails(UnsupportedOperationException.class, "cannot watch a DSS path: path=+data",
            () -> path("+data").register(null, StandardWatchEventKinds.ENTRY_CREATE));
        assertFails(UnsupportedOperationException.class, "no users or groups", fs::getUserPrincipalLookupService);
    }

    @Test
    void shouldCreateAndReadSymbolicLinksAndFollowThemWhenReading() throws IOException
    {
        Files.createDirectory(path("+data/dir"));
        final Path target = Files.writeString(path("+data/dir/target"), "through the link",
            StandardOpenOption.CREATE_NEW);
        final Path link = path("+data/link");
        assertEquals(link, Files.createSymbolicLink(link, target));
        assertEquals(target, Files.readSymbolicLink(link));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.isRegularFile(link));
        assertFalse(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("through the link", Files.readString(link));
        assertEquals(target, link.toRealPath());
        assertEquals(link, link.toRealPath(LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSameFile(link, target));
        assertFalse(Files.isSameFile(link, path("+data/dir")));

        final BasicFileAttributes linkAttributes =
            Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(linkAttributes.isSymbolicLink());
        assertFalse(linkAttributes.isRegularFile());
        assertEquals(Files.readAttributes(target, BasicFileAttributes.class).fileKey(),
            Files.readAttributes(link, BasicFileAttributes.class).fileKey());

        Files.createSymbolicLink(path("+data/dirlink"), path("+data/dir"));
        assertEquals(target, path("+data/dirlink/target").toRealPath());
        Files.createSymbolicLink(path("+data/dir/relative"), fs.getPath("target"));
        assertEquals(target, Files.readSymbolicLink(path("+data/dir/relative")));
        Files.createSymbolicLink(path("+data/dangling"), path("+data/nothing"));
        assertTrue(Files.exists(path("+data/dangling"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(path("+data/dangling")));
        assertFails(NoSuchFileException.class, "+data/dangling", () -> path("+data/dangling").toRealPath());

        assertFails(NotLinkException.class, "+data/dir/target", () -> Files.readSymbolicLink(target));
        assertFails(FileAlreadyExistsException.class, "+data/link",
            () -> Files.createSymbolicLink(link, target));
    }

    @Test
    void shouldAllowReadAndWriteButExecuteOnlyOnDirectoriesWhenCheckingAccess() throws IOException
    {
        final Path file = Files.createFile(path("+data/f"));
        assertTrue(Files.isReadable(file));
        assertTrue(Files.isWritable(file));
        assertFalse(Files.isExecutable(file));
        assertTrue(Files.isExecutable(path("+data")));
        assertFalse(Files.isHidden(file));
        fs.provider().checkAccess(file, AccessMode.READ, AccessMode.WRITE);
        assertFails(NoSuchFileException.class, "+data/none",
            () -> fs.provider().checkAccess(path("+data/none"), AccessMode.READ));
    }
}
