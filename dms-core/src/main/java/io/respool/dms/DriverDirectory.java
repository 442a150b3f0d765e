package io.respool.dms;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Who runs a media driver in an Aeron directory, read from the CnC file the driver keeps there: the pid it recorded,
 * and when it last showed it was alive. A host driver deletes its directory on start (a {@code kill -9}-ed driver
 * leaves it behind), which would cut every node off a driver still running there; it asks this first.
 *
 * <p>Two host drivers started at once would both find no driver there; each first takes an exclusive lock on
 * {@code <dir>.lock} beside the directory (not in it: a driver deletes its directory) and holds it for its life, and
 * the kernel releases it when the process dies, also by {@code kill -9}.
 *
 * <p>The recorded process counts as the driver only while it runs and started before the driver did: a pid reused
 * by a later process does not hold the directory. A pid is read in this process's pid namespace, so drivers of one
 * directory must share one (they share a host's {@code /dev/shm}, as nodes do).
 */
final class DriverDirectory
{
    /** How much later than its process a driver may record its start. */
    private static final long START_SLACK_MS = 1_000;
    /** How many times, 50 ms apart, to read the pid of a lock's holder that has not written it yet. */
    private static final int LOCK_HOLDER_READS = 40;

    /**
     * A driver still running in the directory.
     *
     * @param pid      its process id.
     * @param silentMs how long ago it last showed it was alive (the heartbeat it keeps in its CnC file).
     */
    record Holder(long pid, long silentMs)
    {
    }

    private DriverDirectory()
    {
    }

    /**
     * @param dir   an Aeron directory.
     * @param nowMs the epoch clock, in milliseconds.
     * @return the driver that runs in {@code dir}, or empty if none does (no CnC file, or its process is gone).
     */
    static Optional<Holder> holder(final File dir, final long nowMs)
    {
        final File cncFile = new File(dir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.isFile() || cncFile.length() < CncFileDescriptor.META_DATA_LENGTH)
        {
            return Optional.empty();
        }
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, CncFileDescriptor.CNC_FILE);
        try
        {
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            final int version = metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0));
            if (version == 0 || !CncFileDescriptor.isCncFileLengthSufficient(metaData, cnc.capacity()))
            {
                return Optional.empty(); // a driver that died before it had written its CnC file
            }
            final long pid = CncFileDescriptor.pid(metaData);
            final long startMs = CncFileDescriptor.startTimestampMs(metaData);
            if (!isRunningSince(pid, startMs))
            {
                return Optional.empty();
            }
            final long heartbeatMs =
                new ManyToOneRingBuffer(CncFileDescriptor.createToDriverBuffer(cnc, metaData)).consumerHeartbeatTime();
            return Optional.of(new Holder(pid, Math.max(0, nowMs - Math.max(heartbeatMs, startMs))));
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    /**
     * Take the start lock of a driver directory, to hold until the process ends.
     *
     * @param dir the driver's Aeron directory.
     * @return the open lock file, locked.
     * @throws IllegalStateException if another process holds it (named by the pid it wrote there).
     */
    static FileChannel lockForLife(final File dir)
    {
        final File lockFile = new File(dir.getAbsoluteFile().getParentFile(), dir.getName() + ".lock");
        try
        {
            final FileChannel channel = FileChannel.open(lockFile.toPath(), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (channel.tryLock() == null)
            {
                final String holder = lockHolder(lockFile);
                channel.close();
                throw new IllegalStateException("another host driver runs or starts in " + dir.getAbsolutePath() +
                    ": pid " + holder + " holds " + lockFile + "; stop it (kill " + holder + ") or give this driver " +
                    "another directory");
            }
            channel.truncate(0).write(ByteBuffer.wrap(
                Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)));
            return channel;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot lock " + lockFile + " for the driver of " + dir.getAbsolutePath() +
                ": " + ex.getMessage() + "; check that its directory exists and is writable", ex);
        }
    }

    /** The pid the lock's holder wrote, waiting a little for a holder that has only just taken it. */
    private static String lockHolder(final File lockFile) throws IOException
    {
        for (int attempt = 0; attempt < LOCK_HOLDER_READS; attempt++)
        {
            final String pid = new String(Files.readAllBytes(lockFile.toPath()), StandardCharsets.US_ASCII).trim();
            if (!pid.isEmpty())
            {
                return pid;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return "unknown";
    }

    /**
     * @param dir    the directory a driver is about to take.
     * @param holder the driver running there.
     * @return what to tell the operator: the directory, the pid, and what to do.
     */
    static String inUseMessage(final File dir, final Holder holder)
    {
        final String state = holder.silentMs() > CommonContext.DRIVER_TIMEOUT_MS ?
            "has not shown it is alive for " + holder.silentMs() + " ms (hung?): kill -9 " + holder.pid() +
                " and start this one again" :
            "is alive: stop it (kill " + holder.pid() + ") or give this driver another directory";
        return "a media driver already runs in " + dir.getAbsolutePath() + ": pid " + holder.pid() + " " + state;
    }

    private static boolean isRunningSince(final long pid, final long driverStartMs)
    {
        if (pid <= 0)
        {
            return false;
        }
        final Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        final Optional<Instant> processStart = process.flatMap((p) -> p.info().startInstant());
        return process.isPresent() &&
            processStart.map((start) -> start.toEpochMilli() <= driverStartMs + START_SLACK_MS).orElse(true);
    }
}
