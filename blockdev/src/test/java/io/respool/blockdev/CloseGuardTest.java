package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDeviceException.Reason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.respool.blockdev.TestImages.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Close waits for calls in flight, so unmapping or closing the fd never races a running copy or syscall.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CloseGuardTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWaitForCallInFlightWhenClosing() throws Exception
    {
        final CloseGuard guard = new CloseGuard();
        assertTrue(guard.enter());

        final CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(guard::closeAndAwait);
        assertThrows(TimeoutException.class, () -> closing.get(100, TimeUnit.MILLISECONDS));
        assertTrue(guard.isClosed());
        assertFalse(guard.enter(), "no call may start once closing has begun");

        guard.exit();
        assertTrue(closing.get(5, TimeUnit.SECONDS));
        assertFalse(guard.closeAndAwait(), "second close must report that it did not close");
        assertFalse(guard.enter());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void shouldFailReadersWithClosedWhenDeviceIsClosedUnderThem(final Backend backend) throws Exception
    {
        final Path image = dir.resolve("race.img");
        BlockDevices.createSparseImage(image, 4 * MIB);
        final BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend));
        final int threads = 2;
        final CountDownLatch started = new CountDownLatch(threads);
        final ExecutorService executor = Executors.newFixedThreadPool(threads);

        try
        {
            final List<Future<Long>> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                readers.add(executor.submit(() ->
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
                    long reads = 0;
                    started.countDown();
                    while (true)
                    {
                        try
                        {
                            device.read((reads * 8192) % (4 * MIB), buffer, 0, 8192);
                            reads++;
                        }
                        catch (final BlockDeviceException ex)
                        {
                            assertEquals(Reason.CLOSED, ex.reason());
                            return reads;
                        }
                    }
                }));
            }

            assertTrue(started.await(5, TimeUnit.SECONDS));
            Thread.sleep(50);
            device.close();

            for (final Future<Long> reader : readers)
            {
                assertTrue(reader.get(5, TimeUnit.SECONDS) > 0);
            }
        }
        finally
        {
            device.close();
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
        }
    }
}
