package io.respool.dms;

import io.respool.dms.api.DirectoryInUseException;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * A node's own directory: {@code node.lock} (held for the node's life, with the holder's pid and command line),
 * {@code aeron/} (the embedded media driver; absent with an external one, whose directory is never in here) and
 * the statistics file. A directory locked by a live node, here or in another process, or holding a live media
 * driver, is refused with a clear error; a stale one (its owner died) is deleted. The directory is deleted again on
 * close.
 */
final class NodeDirectory implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);
    static final String LOCK_FILE_NAME = "node.lock";
    static final String AERON_DIR_NAME = "aeron";

    private final File directory;
    private final RandomAccessFile lockFile;
    private final FileLock lock;
    private boolean closed;

    private NodeDirectory(final File directory, final RandomAccessFile lockFile, final FileLock lock)
    {
        this.directory = directory;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    static NodeDirectory open(final File directory, final int nodeId)
    {
        if (directory.exists())
        {
            checkNotLive(directory, nodeId);
            LOG.warn("removing stale node directory left by a process that exited: nodeId={}, dir={}",
                nodeId, directory);
            IoUtil.delete(directory, false);
        }
        if (!directory.mkdirs() && !directory.isDirectory())
        {
            throw new DmsException(DmsErrorCode.NODE_DIRECTORY,
                "cannot create node directory: nodeId=" + nodeId + ", dir=" + directory +
                "; check permissions and free space");
        }

        RandomAccessFile file = null;
        try
        {
            file = new RandomAccessFile(new File(directory, LOCK_FILE_NAME), "rw");
            final FileLock lock = file.getChannel().tryLock();
            if (lock == null)
            {
                throw new DirectoryInUseException("node directory was taken while starting: nodeId=" + nodeId +
                    ", dir=" + directory + "; give each node its own directory");
            }
            final byte[] owner = (ProcessHandle.current().pid() + "\n" + commandLine() + "\n")
                .getBytes(StandardCharsets.UTF_8);
            file.setLength(0);
            file.getChannel().write(ByteBuffer.wrap(owner), 0);
            return new NodeDirectory(directory, file, lock);
        }
        catch (final OverlappingFileLockException ex)
        {
            closeQuietly(file);
            throw new DirectoryInUseException("node directory is used by another node in this process: nodeId=" +
                nodeId + ", dir=" + directory + "; give each node its own directory");
        }
        catch (final IOException ex)
        {
            closeQuietly(file);
            throw new DmsException(DmsErrorCode.NODE_DIRECTORY,
                "cannot lock node directory: nodeId=" + nodeId + ", dir=" + directory +
                ", reason=" + ex.getMessage(), ex);
        }
    }

    private static void checkNotLive(final File directory, final int nodeId)
    {
        final File lockPath = new File(directory, LOCK_FILE_NAME);
        if (lockPath.exists())
        {
            try (RandomAccessFile file = new RandomAccessFile(lockPath, "rw"); FileChannel channel = file.getChannel())
            {
                final FileLock probe = channel.tryLock();
                if (probe == null)
                {
                    throw new DirectoryInUseException("node directory is in use by a live process: nodeId=" +
                        nodeId + ", dir=" + directory + ", holder=" + describeOwner(lockPath) +
                        "; stop that node or give this node another directory");
                }
                probe.release();
            }
            catch (final OverlappingFileLockException ex)
            {
                throw new DirectoryInUseException("node directory is used by another node in this process: " +
                    "nodeId=" + nodeId + ", dir=" + directory + "; give each node its own directory");
            }
            catch (final IOException ex)
            {
                throw new DmsException(DmsErrorCode.NODE_DIRECTORY,
                    "cannot check node directory: nodeId=" + nodeId + ", dir=" + directory +
                    ", reason=" + ex.getMessage(), ex);
            }
        }

        final File aeronDir = new File(directory, AERON_DIR_NAME);
        final File cnc = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (cnc.exists() && CommonContext.isDriverActive(aeronDir, 1_000, (msg) -> {}) && !diedWithItsProcess(cnc))
        {
            throw new DirectoryInUseException("a live media driver uses the node's Aeron directory: nodeId=" +
                nodeId + ", dir=" + aeronDir + "; stop that driver or give this node another directory");
        }
    }

    /**
     * Whether the driver of this CnC file is gone although its heartbeat is fresh: the process it names is not
     * running. A node killed with {@code kill -9} leaves its embedded driver's heartbeat looking alive for a second;
     * its node lock is free already, and its pid gone, so a restart need not wait for the heartbeat to age.
     */
    static boolean diedWithItsProcess(final File cnc)
    {
        final ByteBuffer meta = ByteBuffer.allocate(CncFileDescriptor.META_DATA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(cnc.toPath(), StandardOpenOption.READ))
        {
            if (channel.read(meta, 0) < CncFileDescriptor.META_DATA_LENGTH)
            {
                return false;
            }
        }
        catch (final IOException ex)
        {
            return false;
        }
        final long pid = meta.getLong(CncFileDescriptor.pidOffset(0));
        return pid > 0 && ProcessHandle.of(pid).map((process) -> !process.isAlive()).orElse(true);
    }

    private static String describeOwner(final File lockPath)
    {
        try
        {
            final String[] lines = Files.readString(lockPath.toPath(), StandardCharsets.UTF_8).split("\n", 3);
            return "{pid=" + lines[0] + ", command=" + (lines.length > 1 ? lines[1] : "?") + "}";
        }
        catch (final IOException ex)
        {
            return "{unknown: " + ex.getMessage() + "}";
        }
    }

    private static String commandLine()
    {
        try
        {
            final byte[] bytes = Files.readAllBytes(Paths.get("/proc/self/cmdline"));
            final String text = new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            return text.length() > 400 ? text.substring(0, 400) + "..." : text;
        }
        catch (final IOException ex)
        {
            return ProcessHandle.current().info().commandLine().orElse("?");
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable != null)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ignore)
            {
                // closing after a failure
            }
        }
    }

    File directory()
    {
        return directory;
    }

    File aeronDirectory()
    {
        return new File(directory, AERON_DIR_NAME);
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            IoUtil.delete(directory, true);
            lock.release();
        }
        catch (final IOException ignore)
        {
            // the directory is gone already
        }
        finally
        {
            closeQuietly(lockFile);
        }
    }
}
