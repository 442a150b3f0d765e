package io.respool.dss.nio;

import io.respool.dss.config.StorageMode;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.respool.dss.nio.NioTestSupport.otherInstanceHome;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File locks in {@code STORAGE_MODE=SHARE_DISK}, where the instances may be on different hosts and share nothing but
 * the volumes: every test of {@link DssFileLockTest} (two instances contending, in this JVM and against another
 * process, a killed holder's lock taken over), and what only records on the disk have to get right: a killed
 * holder's lock is free only once its heartbeat stood still for the expiry, and a holder paused past it finds its
 * lock invalid when it wakes and drops its record.
 */
class ShareDiskFileLockTest extends DssFileLockTest
{
    /** {@code SharedFileLocks.EXPIRY_MS}. */
    private static final long EXPIRY_MS = 3000;

    @Override
    StorageMode storageMode()
    {
        return StorageMode.SHARE_DISK;
    }

    private ChildProcess holder(final Path home)
    {
        return ChildJvm.of(LockHolder.class).name("lock-holder").jvmArgs("-XX:+UseSerialGC", "-Xmx128m")
            .args(home.toString(), "+data/f").start();
    }

    private FileChannel open(final FileSystem fileSystem) throws IOException
    {
        return FileChannel.open(fileSystem.getPath("+data/f"), CREATE, READ, WRITE);
    }

    /**
     * In place of {@link DssFileLockTest}'s: a killed holder's lock is free only once its heartbeat stood still for
     * the expiry (there the kernel drops it at once).
     */
    @Test
    @Override
    void shouldReleaseTheLocksOfAKilledInstance() throws Exception
    {
        try (ChildProcess holder = holder(otherInstanceHome(dir, 1, storageMode(), "data"));
            FileChannel mine = open(fs))
        {
            holder.awaitLine("LOCKED true", Duration.ofSeconds(60));
            assertNull(mine.tryLock(), "the other process holds the lock");
            holder.kill();
            final long start = System.nanoTime();
            final FileLock lock = mine.lock();
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("ShareDiskFileLockTest: a killed holder's lock taken " + tookMs + " ms after kill -9" +
                " (expiry " + EXPIRY_MS + " ms)");
            assertTrue(lock.isValid());
            // The expiry runs from the last heartbeat seen, up to 100 ms (more on a loaded host) before the kill.
            assertTrue(tookMs >= EXPIRY_MS / 2, "taken before the dead holder's heartbeat expired: " + tookMs);
        }
    }

    @Test
    void shouldTellAHolderPausedPastTheExpiryThatItLostItsLock() throws Exception
    {
        try (ChildProcess holder = holder(otherInstanceHome(dir, 1, storageMode(), "data"));
            FileChannel mine = open(fs))
        {
            holder.awaitLine("LOCKED true", Duration.ofSeconds(60));
            holder.send("valid?");
            holder.awaitLine("VALID true", Duration.ofSeconds(30));
            assertNull(mine.tryLock(), "the other process holds the lock");
            holder.pause();
            final FileLock taken;
            try
            {
                taken = mine.lock();
            }
            finally
            {
                holder.resume();
            }
            assertTrue(taken.isValid());
            holder.send("valid?");
            holder.awaitLine("VALID false", Duration.ofSeconds(30));
            taken.release();
            // The woken holder heartbeats again, so its record never expires: only its erasing it frees the lock.
            final CompletableFuture<FileLock> again = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return mine.lock();
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            assertTrue(again.get(EXPIRY_MS, TimeUnit.MILLISECONDS).isValid(),
                "the woken holder dropped its record of the lock it lost");
        }
    }
}
