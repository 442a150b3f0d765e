package io.respool.dss.nio;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static io.respool.dss.nio.NioTestSupport.AU;
import static io.respool.dss.nio.NioTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache Commons Compress keeps a zip archive on DSS through {@link Files#newByteChannel}: it writes through a
 * seekable channel (seeking back to fill in each entry's sizes and CRC, so no data descriptors) and reads the
 * archive by random access from its central directory at the end.
 */
@Timeout(120)
class CommonsCompressOnDssTest extends OneVolumeGroupFixture
{
    @Test
    void shouldWriteAndReadAZipArchive() throws IOException
    {
        final Map<String, byte[]> contents = new LinkedHashMap<>();
        contents.put("empty.txt", new byte[0]);
        contents.put("dir/small.txt", "hello from a zip on DSS\n".repeat(100).getBytes());
        contents.put("dir/random.bin", randomBytes(1, AU + 4321));
        contents.put("stored.bin", randomBytes(2, 70_000));
        final Path archive = fs.getPath("+data/archives/a.zip");
        Files.createDirectories(archive.getParent());

        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(archive))
        {
            assertTrue(out.isSeekable(), "a DSS channel is seekable");
            for (final Map.Entry<String, byte[]> entry : contents.entrySet())
            {
                final ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.getKey());
                if (entry.getKey().startsWith("stored"))
                {
                    zipEntry.setMethod(ZipArchiveEntry.STORED);
                }
                out.putArchiveEntry(zipEntry);
                out.write(entry.getValue());
                out.closeArchiveEntry();
            }
        }

        try (ZipFile zip = ZipFile.builder().setPath(archive).get())
        {
            final List<String> names = new ArrayList<>();
            for (final ZipArchiveEntry entry : Collections.list(zip.getEntries()))
            {
                names.add(entry.getName());
                final byte[] expected = contents.get(entry.getName());
                assertEquals(expected.length, entry.getSize());
                assertFalse(entry.getGeneralPurposeBit().usesDataDescriptor(),
                    "sizes were written in place by seeking back: " + entry.getName());
                final CRC32 crc = new CRC32();
                crc.update(expected);
                assertEquals(crc.getValue(), entry.getCrc());
                try (InputStream in = zip.getInputStream(entry))
                {
                    assertArrayEquals(expected, in.readAllBytes(), entry.getName());
                }
            }
            assertEquals(List.copyOf(contents.keySet()), names);
            assertEquals(ZipArchiveEntry.STORED, zip.getEntry("stored.bin").getMethod());
            assertEquals(ZipArchiveEntry.DEFLATED, zip.getEntry("dir/random.bin").getMethod());
        }
    }
}
