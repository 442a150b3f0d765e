package io.respool.dss.nio;

import io.respool.dss.FileStat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;

/**
 * A directory opened for reading, as the JDK's default provider allows on Linux: programs open one to
 * {@link #force} it, making the names in it durable (Lucene does after every commit). Reads fail with
 * "Is a directory", as {@code read(2)} does; it is never writable (opening a directory for writing fails).
 * <p>
 * {@link #force} has nothing to do: every DSS namespace change (create, rename, delete) is durable in the redo log
 * when it returns.
 */
final class DssDirectoryChannel extends LockableChannel
{
    private final FileLockTable.Key lockKey;
    private long position;

    /**
     * Open the directory at {@code dssPath} for reading only, as on Linux: {@code open(2)} of a directory for writing
     * fails with EISDIR.
     */
    static FileChannel open(final DssNioPath dssPath, final String text, final OpenOptionSet openOptions)
        throws IOException
    {
        if (openOptions.writable)
        {
            throw new FileSystemException(text, null, "Is a directory");
        }
        final DssFileSystem fileSystem = dssPath.getFileSystem();
        final DssNioPath real = fileSystem.realPath(dssPath, true);
        final FileStat stat = fileSystem.dss().stat(DssFileSystem.dssPathOf(real));
        final DssDirectoryChannel channel = new DssDirectoryChannel(fileSystem, text, openOptions,
            new FileLockTable.Key(real.volumeGroup(), stat.id()));
        fileSystem.register(channel);
        return channel;
    }

    DssDirectoryChannel(final DssFileSystem fileSystem, final String path, final OpenOptionSet options,
        final FileLockTable.Key lockKey)
    {
        super(fileSystem, path, options);
        this.lockKey = lockKey;
    }

    @Override
    FileLockTable.Key lockKey()
    {
        return lockKey;
    }

    /**
     * The JDK's {@code read(2)} failure is a bare {@link IOException}; this one is a {@link FileSystemException}
     * (an {@link IOException} too) so that it names the path.
     */
    private IOException isADirectory()
    {
        return new FileSystemException(path, null, "Is a directory");
    }

    /**
     * Always throws, as reading a directory does.
     */
    @Override
    public int read(final ByteBuffer dst) throws IOException
    {
        ensureOpen();
        throw isADirectory();
    }

    /**
     * Always throws, as reading a directory does.
     */
    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
    {
        ensureOpen();
        throw isADirectory();
    }

    /**
     * Always throws, as reading a directory does.
     */
    @Override
    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        ensureOpen();
        throw isADirectory();
    }

    /**
     * Always throws {@link NonWritableChannelException}: a directory is opened for reading only.
     */
    @Override
    public int write(final ByteBuffer src)
    {
        throw new NonWritableChannelException();
    }

    /**
     * Always throws {@link NonWritableChannelException}: a directory is opened for reading only.
     */
    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length)
    {
        throw new NonWritableChannelException();
    }

    /**
     * Always throws {@link NonWritableChannelException}: a directory is opened for reading only.
     */
    @Override
    public int write(final ByteBuffer src, final long position)
    {
        throw new NonWritableChannelException();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public synchronized long position() throws IOException
    {
        ensureOpen();
        return position;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public synchronized FileChannel position(final long newPosition) throws IOException
    {
        if (newPosition < 0)
        {
            throw new IllegalArgumentException("negative position: position=" + newPosition + ", path=" + path);
        }
        ensureOpen();
        position = newPosition;
        return this;
    }

    /**
     * @return 0: a DSS directory has no size of its own.
     */
    @Override
    public long size() throws IOException
    {
        ensureOpen();
        return 0;
    }

    /**
     * Always throws {@link NonWritableChannelException}: a directory is opened for reading only.
     */
    @Override
    public FileChannel truncate(final long size)
    {
        throw new NonWritableChannelException();
    }

    /**
     * Nothing to flush: the directory's entries are durable as each change returns.
     */
    @Override
    public void force(final boolean metaData) throws IOException
    {
        ensureOpen();
    }

    /**
     * Always throws, as reading a directory does.
     */
    @Override
    public long transferTo(final long position, final long count, final WritableByteChannel target)
        throws IOException
    {
        ensureOpen();
        throw isADirectory();
    }

    /**
     * Always throws {@link NonWritableChannelException}: a directory is opened for reading only.
     */
    @Override
    public long transferFrom(final ReadableByteChannel src, final long position, final long count)
    {
        throw new NonWritableChannelException();
    }

    /**
     * Always throws: a directory has no data to map.
     */
    @Override
    public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
    {
        ensureOpen();
        throw isADirectory();
    }

    @Override
    protected void implCloseChannel()
    {
        releaseLocks();
        fileSystem.unregister(this);
    }

    @Override
    public String toString()
    {
        return "DssDirectoryChannel{path=" + path + ", open=" + isOpen() + "}";
    }
}
