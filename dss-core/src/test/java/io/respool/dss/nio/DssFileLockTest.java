package io.respool.dss.nio;

import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.respool.dss.nio.NioTestSupport.assertFails;
import static io.respool.dss.nio.NioTestSupport.otherInstanceHome;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FileChannel#lock}/{@link FileChannel#tryLock} on DSS: the JDK's semantics within one instance, exclusion
 * across instances of the volume group (in this JVM and in another process), release when a holder dies; and
 * directory channels. In DISK mode here; {@link ShareDiskFileLockTest} runs the same in SHARE_DISK.
 */
@Timeout(120)
class DssFileLockTest extends OneVolumeGroupFixture
{
    private FileChannel open(final FileSystem fileSystem, final String path) throws IOException
    {
        return FileChannel.open(fileSystem.getPath(path), CREATE, READ, WRITE);
    }

    @Test
    void shouldLockRangesWithTheJdkSemanticsWithinOneInstance() throws IOException
    {
        try (FileChannel first = open(fs, "+data/f"); FileChannel second = open(fs, "+data/f"))
        {
            final FileLock lock = first.tryLock(0, 100, false);
            assertNotNull(lock);
            assertSame(first, lock.channel());
            assertTrue(lock.isValid());
            assertFalse(lock.isShared());
            assertThrows(OverlappingFileLockException.class, () -> second.tryLock(50, 10, true));
            assertThrows(OverlappingFileLockException.class, () -> first.lock(99, 1, false));
            final FileLock next = second.tryLock(100, 100, false);
            assertNotNull(next, "a range next to a held one is free");
            lock.release();
            assertFalse(lock.isValid());
            lock.release();
            final FileLock again = second.tryLock(0, 100, true);
            assertTrue(again.isShared());
            second.close();
            assertFalse(again.isValid(), "closing the channel releases its locks");
            assertFalse(next.isValid());
            assertThrows(ClosedChannelException.class, again::release);
            assertNotNull(first.tryLock(0, Long.MAX_VALUE, false), "every lock of the closed channel is gone");
        }
    }

    @Test
    void shouldRequireReadableForSharedAndWritableForExclusive() throws IOException
    {
        Files.createFile(fs.getPath("+data/f"));
        try (FileChannel reader = FileChannel.open(fs.getPath("+data/f"), READ);
            FileChannel writer = FileChannel.open(fs.getPath("+data/f"), WRITE))
        {
            assertThrows(NonWritableChannelException.class, () -> reader.tryLock(0, 1, false));
            assertThrows(NonReadableChannelException.class, () -> writer.lock(0, 1, true));
            assertThrows(IllegalArgumentException.class, () -> reader.tryLock(-1, 1, true));
            assertThrows(IllegalArgumentException.class, () -> reader.tryLock(Long.MAX_VALUE, 2, true));
            assertNotNull(reader.tryLock(0, 1, true));
            assertNotNull(writer.tryLock(1, 1, false));
        }
        final FileChannel closed = open(fs, "+data/f");
        closed.close();
        assertThrows(ClosedChannelException.class, closed::tryLock);
    }

    @Test
    void shouldExcludeAnotherInstanceOfTheVolumeGroup() throws Exception
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (FileSystem other = NioTestSupport.open(otherInstanceHome(dir, 1, storageMode(), "data"));
            FileChannel mine = open(fs, "+data/f"); FileChannel theirs = open(other, "+data/f"))
        {
            final FileLock held = mine.lock();
            assertNull(theirs.tryLock(), "another instance holds an overlapping lock");
            assertNull(theirs.tryLock(10, 1, true));
            fs.provider().move(fs.getPath("+data/f"), fs.getPath("+data/g"));
            try (FileChannel renamed = open(other, "+data/g"))
            {
                assertNull(renamed.tryLock(), "a rename keeps the file's locks");
            }
            held.release();

            final FileLock shared = mine.lock(0, 100, true);
            final FileLock sharedToo = theirs.tryLock(0, 100, true);
            assertNotNull(sharedToo, "shared locks of two instances coexist");
            sharedToo.release();
            assertNull(theirs.tryLock(0, 1, false), "an exclusive lock is refused while another instance shares");

            final Future<FileLock> waiting = executor.submit(() -> theirs.lock(50, 10, false));
            assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS),
                "an exclusive lock waits while another instance holds a shared one");
            shared.release();
            final FileLock taken = waiting.get(30, TimeUnit.SECONDS);
            assertTrue(taken.isValid());
            assertSame(theirs, taken.channel());
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    @Test
    void shouldInterruptAWaitingLockAndCloseItsChannel() throws Exception
    {
        try (FileSystem other = NioTestSupport.open(otherInstanceHome(dir, 1, storageMode(), "data"));
            FileChannel mine = open(fs, "+data/f"))
        {
            mine.lock();
            final FileChannel theirs = open(other, "+data/f");
            final CompletableFuture<Throwable> failure = new CompletableFuture<>();
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    theirs.lock();
                    failure.complete(null);
                }
                catch (final Throwable ex)
                {
                    failure.complete(ex);
                }
            });
            waiter.start();
            assertThrows(TimeoutException.class, () -> failure.get(100, TimeUnit.MILLISECONDS));
            waiter.interrupt();
            assertTrue(failure.get(30, TimeUnit.SECONDS) instanceof FileLockInterruptionException);
            assertFalse(theirs.isOpen());
            waiter.join();
        }
    }

    @Test
    void shouldReleaseTheLocksOfAKilledInstance() throws Exception
    {
        final Path otherHome = otherInstanceHome(dir, 1, storageMode(), "data");
        try (ChildProcess holder = ChildJvm.of(LockHolder.class).name("lock-holder")
            .jvmArgs("-XX:+UseSerialGC", "-Xmx128m").args(otherHome.toString(), "+data/f").start();
            FileChannel mine = open(fs, "+data/f"))
        {
            holder.awaitLine("LOCKED true", Duration.ofSeconds(60));
            assertNull(mine.tryLock(), "the other process holds the lock");
            assertNull(mine.tryLock(1000, 1, true));
            holder.kill();
            final FileLock lock = mine.lock();
            assertTrue(lock.isValid(), "the kernel dropped the killed instance's lock");
        }
    }

    @Test
    void shouldOpenADirectoryForReadingAndForceIt() throws IOException
    {
        Files.createDirectories(fs.getPath("+data/d/e"));
        try (FileChannel directory = FileChannel.open(fs.getPath("+data/d"), READ))
        {
            directory.force(true);
            directory.force(false);
            assertFails(IOException.class, "Is a directory", () -> directory.read(ByteBuffer.allocate(1)));
            assertFails(IOException.class, "Is a directory", () -> directory.read(ByteBuffer.allocate(1), 0));
            assertThrows(NonWritableChannelException.class, () -> directory.write(ByteBuffer.allocate(1)));
            assertEquals(0, directory.position());
            assertNotNull(directory.tryLock(0, Long.MAX_VALUE, true));
            assertThrows(NonWritableChannelException.class, () -> directory.tryLock(0, 1, false));
        }
        assertFails(FileSystemException.class, "Is a directory",
            () -> FileChannel.open(fs.getPath("+data/d"), WRITE));
        try (FileChannel root = FileChannel.open(fs.getPath("+data"), READ))
        {
            root.force(true);
        }
    }
}
