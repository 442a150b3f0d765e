package io.respool.dss;

import io.respool.blockdev.BlockDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.respool.dss.DssTestSupport.AU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two {@code cv} racing on one volume: exactly one creates its volume group, the other fails naming the volume,
 * and the group that opens afterwards is the winner's.
 */
@Timeout(120)
class CreateRaceTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLetExactlyOneOfTwoRacingCreatesSucceed() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            for (int round = 0; round < 40; round++)
            {
                final Path volume = dir.resolve("vol-" + round);
                BlockDevices.createSparseImage(volume, 64L * AU);
                final CyclicBarrier start = new CyclicBarrier(2);
                final List<Future<String>> outcomes = new ArrayList<>();
                for (final String vg : List.of("first", "second"))
                {
                    outcomes.add(pool.submit(() ->
                    {
                        start.await();
                        try
                        {
                            Dss.createVolumeGroup(vg, volume, AU);
                            return "created " + vg;
                        }
                        catch (final DssException ex)
                        {
                            assertTrue(ex.errorCode() == ErrorCode.VOLUME_IN_USE ||
                                ex.errorCode() == ErrorCode.ALREADY_EXISTS, ex::toString);
                            assertTrue(ex.getMessage().contains(volume.toString()), ex::getMessage);
                            return "refused";
                        }
                    }));
                }
                final List<String> created = new ArrayList<>();
                for (final Future<String> outcome : outcomes)
                {
                    final String result = outcome.get();
                    if (result.startsWith("created "))
                    {
                        created.add(result.substring("created ".length()));
                    }
                }
                assertEquals(1, created.size(), "round " + round + ": " + created);
                try (Dss dss = Dss.openVolumeGroup(created.get(0), volume))
                {
                    assertEquals(List.of(), dss.volumeGroup(created.get(0)).check(), "round " + round);
                }
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
