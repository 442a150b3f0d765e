package io.respool.dss.nio;

import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * A {@link FileChannel} over a {@link DssFile}: positional and sequential reads and writes, size, truncate and
 * force. Thread-safe as the {@link DssFile} is; interruptible as {@link FileChannel}s are (an interrupt closes it).
 * <p>
 * File locks are described in {@link LockableChannel}; {@link #map} supports {@code READ_ONLY} only, as a copy.
 * {@link #transferTo} and {@link #transferFrom} copy through a heap buffer.
 */
final class DssFileChannel extends LockableChannel
{
    private final DssFile file;
    private volatile FileLockTable.Key lockKey;

    DssFileChannel(final DssFileSystem fileSystem, final String path, final DssFile file, final OpenOptionSet options)
    {
        super(fileSystem, path, options);
        this.file = file;
    }

    /**
     * The file's id, and the volume group it is in after following links; if its path no longer resolves (renamed
     * since it was opened), the volume group of that path, which a rename does not change.
     */
    @Override
    FileLockTable.Key lockKey() throws IOException
    {
        FileLockTable.Key key = lockKey;
        if (key == null)
        {
            final DssNioPath named = DssNioPath.parse(fileSystem, path);
            String volumeGroup;
            try
            {
                volumeGroup = fileSystem.realPath(named, true).volumeGroup();
            }
            catch (final NoSuchFileException ex)
            {
                volumeGroup = named.volumeGroup();
            }
            try
            {
                key = new FileLockTable.Key(volumeGroup, file.stat().id());
            }
            catch (final DssException ex)
            {
                throw translate(ex);
            }
            lockKey = key;
        }
        return key;
    }

    private void ensureReadable() throws ClosedChannelException
    {
        ensureOpen();
        if (!options.readable)
        {
            throw new NonReadableChannelException();
        }
    }

    private void ensureWritable() throws ClosedChannelException
    {
        ensureOpen();
        if (!options.writable)
        {
            throw new NonWritableChannelException();
        }
    }

    private void checkPosition(final long position, final String what)
    {
        if (position < 0)
        {
            throw new IllegalArgumentException("negative " + what + ": " + what + "=" + position + ", path=" + path);
        }
    }

    private IOException translate(final DssException ex)
    {
        if (ex.errorCode() == ErrorCode.CLOSED)
        {
            final ClosedChannelException closed = new ClosedChannelException();
            closed.initCause(ex);
            return closed;
        }
        return fileSystem.translate(ex, path, null);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int read(final ByteBuffer dst) throws IOException
    {
        ensureReadable();
        if (!dst.hasRemaining())
        {
            return 0;
        }
        return interruptible(() -> file.read(dst));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
    {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureReadable();
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            if (!dsts[i].hasRemaining())
            {
                continue;
            }
            final int n = read(dsts[i]);
            if (n < 0)
            {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining())
            {
                break;
            }
        }
        return total;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int write(final ByteBuffer src) throws IOException
    {
        ensureWritable();
        return interruptible(() ->
        {
            final int n = file.write(src);
            if (options.sync)
            {
                file.flush();
            }
            return n;
        });
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
    {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureWritable();
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            total += write(srcs[i]);
        }
        return total;
    }

    /**
     * @return the position of sequential reads and writes; the size in APPEND mode.
     */
    @Override
    public long position() throws IOException
    {
        ensureOpen();
        try
        {
            return options.append ? file.size() : file.position();
        }
        catch (final DssException ex)
        {
            throw translate(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public FileChannel position(final long newPosition) throws IOException
    {
        checkPosition(newPosition, "position");
        ensureOpen();
        try
        {
            file.position(newPosition);
            return this;
        }
        catch (final DssException ex)
        {
            throw translate(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long size() throws IOException
    {
        ensureOpen();
        try
        {
            return file.size();
        }
        catch (final DssException ex)
        {
            throw translate(ex);
        }
    }

    /**
     * Shrink the file to {@code size} if it is larger (durable on return); a position past {@code size} moves to it.
     */
    @Override
    public FileChannel truncate(final long size) throws IOException
    {
        checkPosition(size, "size");
        ensureWritable();
        interruptible(() ->
        {
            if (size < file.size())
            {
                file.truncate(size);
            }
            if (!options.append && file.position() > size)
            {
                file.position(size);
            }
            return null;
        });
        return this;
    }

    /**
     * Make every write that returned, and the size, durable ({@link DssFile#flush()}); {@code metaData} makes no
     * difference, as DSS metadata changes are durable when they return.
     */
    @Override
    public void force(final boolean metaData) throws IOException
    {
        ensureOpen();
        interruptible(() ->
        {
            file.flush();
            return null;
        });
    }

    /**
     * Copy through a heap buffer; this channel's position does not change.
     */
    @Override
    public long transferTo(final long position, final long count, final WritableByteChannel target)
        throws IOException
    {
        checkPosition(position, "position");
        checkPosition(count, "count");
        ensureReadable();
        if (!target.isOpen())
        {
            throw new ClosedChannelException();
        }
        return ChannelTransfers.transferTo(this, position, count, target);
    }

    /**
     * Copy through a heap buffer; this channel's position does not change. Nothing is transferred if
     * {@code position} is past the end of the file.
     */
    @Override
    public long transferFrom(final ReadableByteChannel src, final long position, final long count)
        throws IOException
    {
        checkPosition(position, "position");
        checkPosition(count, "count");
        ensureWritable();
        if (!src.isOpen())
        {
            throw new ClosedChannelException();
        }
        return ChannelTransfers.transferFrom(this, src, position, count);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        checkPosition(position, "position");
        ensureReadable();
        if (!dst.hasRemaining())
        {
            return 0;
        }
        return interruptible(() -> file.read(dst, position));
    }

    /**
     * Write at {@code position}, also in APPEND mode; the channel's position does not change.
     */
    @Override
    public int write(final ByteBuffer src, final long position) throws IOException
    {
        checkPosition(position, "position");
        ensureWritable();
        return interruptible(() ->
        {
            final int n = file.write(src, position);
            if (options.sync)
            {
                file.flush();
            }
            return n;
        });
    }

    /**
     * {@code READ_ONLY}: a private copy of the range, read now ({@link ReadOnlyMapping}); the JDK leaves unspecified
     * whether a mapping sees later changes to the file, and this one does not. The other modes are not supported.
     */
    @Override
    public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
    {
        if (mode != MapMode.READ_ONLY)
        {
            throw new UnsupportedOperationException("cannot memory-map a DSS file for writing: path=" + path +
                ", mode=" + mode + "; DSS data lives in allocation units spread over shared volumes, only READ_ONLY" +
                " (a copy of the range) is supported, use write instead");
        }
        checkPosition(position, "position");
        checkPosition(size, "size");
        if (size > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("size exceeds Integer.MAX_VALUE: size=" + size + ", path=" + path);
        }
        ensureReadable();
        if (position + size > size())
        {
            throw new IOException("channel not open for writing - cannot extend file to required size: path=" +
                path + ", position=" + position + ", size=" + size + ", fileSize=" + size());
        }
        return ReadOnlyMapping.copyOf(this, position, (int)size);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected void implCloseChannel() throws IOException
    {
        releaseLocks();
        try
        {
            file.close();
            if (options.deleteOnClose)
            {
                deleteFile();
            }
        }
        catch (final DssException ex)
        {
            throw NioExceptions.translate(ex, path, null);
        }
        finally
        {
            fileSystem.unregister(this);
        }
    }

    /**
     * DELETE_ON_CLOSE: remove the file now, at close. Not at open: DSS cannot allocate space for a file whose name
     * is gone, so writes to it would fail.
     */
    private void deleteFile()
    {
        try
        {
            fileSystem.dssWhileClosing().delete(path);
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() != ErrorCode.NOT_FOUND)
            {
                throw ex;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "DssFileChannel{path=" + path + ", open=" + isOpen() + "}";
    }

    /**
     * Run a blocking DSS call as an interruptible channel operation: {@code begin}/{@code end} around it, and a
     * {@link DssException} turned into the matching {@link IOException}.
     */
    private <T> T interruptible(final DssCall<T> call) throws IOException
    {
        boolean completed = false;
        try
        {
            begin();
            final T result = call.call();
            completed = true;
            return result;
        }
        catch (final DssException ex)
        {
            throw translate(ex);
        }
        finally
        {
            end(completed);
        }
    }

    /**
     * A DSS call made through {@link #interruptible}.
     */
    @FunctionalInterface
    private interface DssCall<T>
    {
        T call();
    }
}
