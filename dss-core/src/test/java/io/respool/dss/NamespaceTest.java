package io.respool.dss;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static io.respool.dss.DssTestSupport.newVolumeGroup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class NamespaceTest
{
    @TempDir
    Path dir;
    Path volume;
    Dss dss;

    @BeforeEach
    void setUp()
    {
        volume = newVolumeGroup(dir, 256L << 20);
        dss = Dss.openVolumeGroup("data", volume);
    }

    @AfterEach
    void tearDown()
    {
        if (dss != null)
        {
            assertEquals(List.of(), dss.volumeGroup("data").check());
            dss.close();
        }
    }

    private Dss reopen()
    {
        dss.close();
        dss = Dss.openVolumeGroup("data", volume);
        return dss;
    }

    private static DssException assertFails(final ErrorCode code, final String messagePart, final Runnable action)
    {
        final DssException ex = assertThrows(DssException.class, action::run);
        assertEquals(code, ex.errorCode(), ex.getMessage());
        assertTrue(ex.getMessage().contains(messagePart), () -> "message '" + ex.getMessage() + "' lacks '" +
            messagePart + "'");
        return ex;
    }

    @Test
    void shouldPersistEveryKindOfChangeAcrossReopen()
    {
        dss.mkdir("+data/a");
        dss.mkdirs("+data/a/b/c");
        dss.createFile("+data/a/b/c/f1");
        dss.createFile("+data/a/gone");
        dss.delete("+data/a/gone");
        dss.rename("+data/a/b/c/f1", "+data/a/f2");
        dss.symlink("+data/a/f2", "+data/a/link");
        dss.truncate("+data/a/f2", 12345);
        reopen();
        assertTrue(dss.exists("+data/a/b/c"));
        assertFalse(dss.exists("+data/a/gone"));
        assertFalse(dss.exists("+data/a/b/c/f1"));
        assertEquals(12345, dss.stat("+data/a/f2").size());
        assertEquals("+data/a/f2", dss.readlink("+data/a/link"));
        assertEquals(FileType.LINK, dss.lstat("+data/a/link").type());
        assertEquals(12345, dss.stat("+data/a/link").size());
        assertEquals(List.of("b", "f2", "link"), dss.list("+data/a").stream().map(FileStat::name).toList());
    }

    @Test
    void shouldFollowLinksInTheMiddleOfAPath()
    {
        dss.mkdirs("+data/tbs/space1");
        dss.mkdir("+data/pg_tblspc");
        dss.symlink("+data/tbs/space1", "+data/pg_tblspc/16385");
        dss.createFile("+data/pg_tblspc/16385/t1");
        assertTrue(dss.exists("+data/tbs/space1/t1"));
        dss.unlink("+data/pg_tblspc/16385");
        assertFalse(dss.exists("+data/pg_tblspc/16385"));
        assertTrue(dss.exists("+data/tbs/space1/t1"));
    }

    @Test
    void shouldRejectLinkLoops()
    {
        dss.symlink("+data/l2", "+data/l1");
        dss.symlink("+data/l1", "+data/l2");
        assertFails(ErrorCode.NOT_A_LINK, "too many levels", () -> dss.stat("+data/l1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+data/bad name", "+data/a*b", "+data/..", "+data/.",
        "+data/0123456789012345678901234567890123456789012345678901234567890123", "data/no-plus", "+"})
    void shouldRejectBadNames(final String path)
    {
        final DssException ex = assertThrows(DssException.class, () -> dss.createFile(path));
        assertEquals(ErrorCode.INVALID_PATH, ex.errorCode(), ex.getMessage());
    }

    @Test
    void shouldAcceptLongestLegalName()
    {
        final String name = "n".repeat(63);
        dss.createFile("+data/" + name);
        assertTrue(dss.exists("+data/" + name));
    }

    @Test
    void shouldNameTheMissingParent()
    {
        assertFails(ErrorCode.NOT_FOUND, "missing=+data/nodir", () -> dss.createFile("+data/nodir/sub/f"));
        assertFails(ErrorCode.NOT_FOUND, "+data/nodir", () -> dss.mkdir("+data/nodir/x"));
    }

    @Test
    void shouldRefuseDuplicatesAndWrongTypes()
    {
        dss.mkdir("+data/d");
        dss.createFile("+data/f");
        assertFails(ErrorCode.ALREADY_EXISTS, "+data/d", () -> dss.mkdir("+data/d"));
        assertFails(ErrorCode.ALREADY_EXISTS, "+data/f", () -> dss.createFile("+data/f"));
        assertFails(ErrorCode.IS_A_DIRECTORY, "+data/d", () -> dss.delete("+data/d"));
        assertFails(ErrorCode.NOT_A_DIRECTORY, "+data/f", () -> dss.rmdir("+data/f", false));
        assertFails(ErrorCode.NOT_A_DIRECTORY, "+data/f", () -> dss.createFile("+data/f/x"));
        assertFails(ErrorCode.NOT_A_LINK, "+data/f", () -> dss.readlink("+data/f"));
        assertFails(ErrorCode.ALREADY_EXISTS, "+data/d", () -> dss.rename("+data/f", "+data/d"));
        assertFails(ErrorCode.INVALID_PATH, "into itself", () -> dss.rename("+data/d", "+data/d/e"));
        assertFails(ErrorCode.NOT_FOUND, "no such volume group: vg=log", () -> dss.createFile("+log/x"));
    }

    @Test
    void shouldRemoveDirectoriesOnlyWhenEmptyUnlessRecursive()
    {
        dss.mkdirs("+data/d/e/f");
        DssTestSupport.write(dss, "+data/d/e/f/file", new byte[3 * DssTestSupport.AU], 0);
        final long free = dss.volumeGroup("data").freeBytes();
        assertFails(ErrorCode.DIRECTORY_NOT_EMPTY, "rmdir -r", () -> dss.rmdir("+data/d", false));
        dss.rmdir("+data/d", true);
        assertFalse(dss.exists("+data/d"));
        assertEquals(free + 3L * DssTestSupport.AU, dss.volumeGroup("data").freeBytes());
        reopen();
        assertFalse(dss.exists("+data/d"));
    }

    @Test
    void shouldFindANameAmongManyWithoutScanning()
    {
        dss.mkdir("+data/big");
        final int entries = 25_000; // a scan would be 2500 times slower than among 10: plain to see, and quick to build
        final int threads = 16;
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try
        {
            final List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int first = t;
                futures.add(pool.submit(() ->
                {
                    for (int i = first; i < entries; i += threads)
                    {
                        dss.createFile("+data/big/f" + i);
                    }
                }));
            }
            for (final java.util.concurrent.Future<?> future : futures)
            {
                future.get();
            }
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
        finally
        {
            pool.shutdownNow();
        }
        dss.mkdir("+data/small");
        for (int i = 0; i < 10; i++)
        {
            dss.createFile("+data/small/f" + i);
        }
        final long big = timeLookups("+data/big/f", entries);
        final long small = timeLookups("+data/small/f", 10);
        assertTrue(big < small * 5 + 2_000_000,
            "lookup among " + entries + ": " + big + " ns vs among 10: " + small + " ns");
        reopen();
        assertEquals(entries, dss.list("+data/big").size());
    }

    private long timeLookups(final String prefix, final int modulo)
    {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++)
        {
            final long start = System.nanoTime();
            for (int i = 0; i < 20_000; i++)
            {
                dss.stat(prefix + (i * 7919 % modulo));
            }
            best = Math.min(best, (System.nanoTime() - start) / 20_000);
        }
        return best;
    }
}
