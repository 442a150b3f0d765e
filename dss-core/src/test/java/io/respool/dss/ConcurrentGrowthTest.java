package io.respool.dss;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.respool.dss.DssTestSupport.newVolumeGroup;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Several threads of one instance growing one new file through one shared handle, each writing its own 8 KiB
 * pages in random order and flushing now and then: every page written is there afterwards, in this instance and
 * after a reopen (issue 10, item 3).
 */
@Timeout(120)
class ConcurrentGrowthTest
{
    static final int PAGE = 8192;
    static final int THREADS = 8;
    static final int PAGES = 512;
    static final int FLUSH_EVERY = 1;
    static final int ROUNDS = 20;

    @TempDir
    Path dir;
    Dss dss;

    @AfterEach
    void tearDown()
    {
        if (dss != null)
        {
            assertEquals(List.of(), dss.volumeGroup("data").check());
            dss.close();
        }
    }

    @Test
    void shouldKeepEveryPageThatThreadsWroteWhileGrowingOneFile() throws Exception
    {
        final long seed = Long.getLong("growth.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Path volume = newVolumeGroup(dir, 256L << 20);
        dss = Dss.openVolumeGroup("data", volume);
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        final List<String> losses = new ArrayList<>();
        try
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                growConcurrently(pool, "+data/f" + round, round, random.nextLong());
                final List<Integer> lost = lostPages("+data/f" + round, round);
                if (!lost.isEmpty())
                {
                    losses.add("round " + round + " lost pages " + lost);
                }
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        assertEquals(List.of(), losses, "seed=" + seed + ", rounds=" + ROUNDS);
        dss.close();
        dss = Dss.openVolumeGroup("data", volume);
        for (int round = 0; round < ROUNDS; round++)
        {
            assertEquals(List.of(), lostPages("+data/f" + round, round),
                "after reopen: seed=" + seed + ", round=" + round);
        }
    }

    private void growConcurrently(final ExecutorService pool, final String path, final int round, final long seed)
        throws Exception
    {
        try (DssFile file = dss.open(path, OpenFlag.CREATE, OpenFlag.WRITE))
        {
            final List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final List<Integer> mine = new ArrayList<>();
                for (int page = t; page < PAGES; page += THREADS)
                {
                    mine.add(page);
                }
                if (round % 2 == 1)
                {
                    Collections.shuffle(mine, new Random(seed + t));
                }
                writers.add(pool.submit(() ->
                {
                    int written = 0;
                    for (final int page : mine)
                    {
                        file.write(ByteBuffer.wrap(content(round, page)), (long)page * PAGE);
                        if (++written % FLUSH_EVERY == 0)
                        {
                            file.flush();
                        }
                    }
                    file.flush();
                }));
            }
            for (final Future<?> writer : writers)
            {
                writer.get();
            }
            file.flush();
        }
    }

    private List<Integer> lostPages(final String path, final int round)
    {
        final List<Integer> lost = new ArrayList<>();
        try (DssFile file = dss.open(path))
        {
            assertEquals((long)PAGES * PAGE, file.size(), path);
            final ByteBuffer page = ByteBuffer.allocate(PAGE);
            for (int p = 0; p < PAGES; p++)
            {
                page.clear();
                file.read(page, (long)p * PAGE);
                if (!page.flip().equals(ByteBuffer.wrap(content(round, p))))
                {
                    lost.add(p);
                }
            }
        }
        return lost;
    }

    static byte[] content(final int round, final int page)
    {
        return DssTestSupport.randomBytes(round * 1_000_003L + page, PAGE);
    }
}
