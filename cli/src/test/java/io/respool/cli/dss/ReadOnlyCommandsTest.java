package io.respool.cli.dss;

import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.LogRecordHeader;
import io.respool.dss.format.RootControl;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --read_only} on the commands that only read (issue 10, item 4): a volume group whose committed redo log is
 * damaged, which every command refuses, is listed, copied out of, examined and checked, each time with the damage
 * on stderr as a warning; a write is refused naming the damage; the image does not change.
 */
class ReadOnlyCommandsTest
{
    private static final int FILE_LENGTH = 100_000;

    @TempDir
    Path dir;

    @Test
    void shouldReadADamagedVolumeGroupWithReadOnlyAndWriteNothing() throws Exception
    {
        final TestHome home = TestHome.create(dir.resolve("a"), 256L << 20, "data");
        final Path image = home.image("data");
        home.dsscmd("cv", "-g", "data", "-v", image.toString()).assertSuccess();
        final byte[] content = new byte[FILE_LENGTH];
        new Random(5).nextBytes(content);
        final Path local = Files.write(dir.resolve("in.bin"), content);
        home.dsscmd("cp", "-s", local.toString(), "-d", "+data/f").assertSuccess();
        for (int i = 0; i < 3; i++)
        {
            home.dsscmd("mkdir", "-p", "+data", "-d", "d" + i).assertSuccess();
        }
        final long lsn = damageLastRecord(image);
        final String damage = "redo log damaged inside its committed part: vg=data, volume=" + image + ", lsn=" + lsn;
        home.dsscmd("ls", "-p", "+data").assertError("ls: ", damage);
        final String before = digest(image);

        final DssCmdRunner.Result ls = home.dsscmd("ls", "-p", "+data", "--read_only").assertNoStackTrace();
        assertEquals(0, ls.exitCode(), ls.describe());
        assertTrue(ls.err().contains(damage), ls.describe());
        final String listing = String.join("\n", ls.outLines());
        assertTrue(listing.contains(" f ") || listing.contains(" f\t") || listing.matches("(?s).*\\bf\\b.*"),
            ls.describe());
        assertTrue(listing.contains("d0") && listing.contains("d1") && !listing.contains("d2"), ls.describe());

        final Path out = dir.resolve("out.bin");
        final DssCmdRunner.Result cp = home.dsscmd("cp", "-s", "+data/f", "-d", out.toString(), "--read_only")
            .assertNoStackTrace();
        assertEquals(0, cp.exitCode(), cp.describe());
        assertArrayEquals(content, Files.readAllBytes(out), "the file copied out of the damaged group");

        final DssCmdRunner.Result examine = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "x",
            "--read_only").assertNoStackTrace();
        assertEquals(0, examine.exitCode(), examine.describe());
        assertTrue(examine.out().toLowerCase().contains(String.format("%02x", content[0] & 0xFF)),
            examine.describe());

        final DssCmdRunner.Result check = home.dsscmd("check", "-g", "data", "--read_only").assertNoStackTrace();
        assertEquals(ExitCodes.PROBLEMS_FOUND, check.exitCode(), check.describe());
        assertTrue(check.outLines().get(0).startsWith("data: " + damage), check.describe());

        final DssCmdRunner.Result write = home.dsscmd("cp", "-s", local.toString(), "-d", "+data/g", "--read_only")
            .assertNoStackTrace();
        assertEquals(ExitCodes.ERROR, write.exitCode(), write.describe());
        final String refusal = write.errLines().get(write.errLines().size() - 1);
        assertTrue(refusal.startsWith("dsscmd: cp: ") && refusal.contains(damage) && refusal.contains("open read-only"),
            write.describe());
        assertEquals(before, digest(image), "a read-only command wrote to the image");
        home.dsscmd("ls", "-p", "+data").assertError("ls: ", damage);
    }

    /**
     * Flip a byte of the CRC of the last change record before the published end.
     *
     * @return its LSN.
     */
    private static long damageLastRecord(final Path image) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw"))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[RootControl.LENGTH]);
            raf.seek(EntryVolumeLayout.ROOT_A_OFFSET);
            raf.readFully(bytes.byteArray());
            final RootControl root = new RootControl().wrap(bytes);
            final long start = root.logOffset() + root.checkpointLsn() % root.logLength();
            final UnsafeBuffer log = new UnsafeBuffer(new byte[256 * 1024]);
            raf.seek(start);
            raf.readFully(log.byteArray());
            int last = -1;
            long lsn = root.checkpointLsn();
            for (int at = 0; LogRecordHeader.isValid(log, at, log.capacity() - at, lsn, root.logEpoch()); )
            {
                if (LogRecordHeader.type(log, at) != LogRecordHeader.TYPE_PAD)
                {
                    last = at;
                }
                final int length = LogRecordHeader.length(log, at);
                at += length;
                lsn += length;
            }
            assertTrue(last >= 0, "a change record after the checkpoint");
            final long crcAt = start + last + LogRecordHeader.CRC_OFFSET;
            raf.seek(crcAt);
            final int old = raf.read();
            raf.seek(crcAt);
            raf.write(old ^ 0xFF);
            return root.checkpointLsn() + last;
        }
    }

    private static String digest(final Path image) throws IOException, NoSuchAlgorithmException
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(image))
        {
            final byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; )
            {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
