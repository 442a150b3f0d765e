package io.respool.dss.nio;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of a DSS directory, as listed when the stream was opened, sorted by name, each resolved against the
 * directory path as given. One iterator per stream; after {@link #close()} the iterator reports no more entries.
 */
final class DssDirectoryStream implements DirectoryStream<Path>
{
    private final DssFileSystem fileSystem;
    private final DssNioPath directory;
    private final List<String> names;
    private final Filter<? super Path> filter;
    private volatile boolean closed;
    private boolean iteratorTaken;

    DssDirectoryStream(
        final DssFileSystem fileSystem,
        final DssNioPath directory,
        final List<String> names,
        final Filter<? super Path> filter)
    {
        this.fileSystem = fileSystem;
        this.directory = directory;
        this.names = names;
        this.filter = filter;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public synchronized Iterator<Path> iterator()
    {
        if (closed)
        {
            throw new IllegalStateException("directory stream is closed: path=" + directory);
        }
        if (iteratorTaken)
        {
            throw new IllegalStateException("directory stream already gave its iterator: path=" + directory +
                "; open a new stream to iterate again");
        }
        iteratorTaken = true;
        return new EntryIterator();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void close()
    {
        closed = true;
        fileSystem.unregister(this);
    }

    private final class EntryIterator implements Iterator<Path>
    {
        private int index;
        private Path next;

        @Override
        public boolean hasNext()
        {
            while (next == null && !closed && index < names.size())
            {
                final Path candidate = directory.resolve(names.get(index++));
                try
                {
                    if (filter == null || filter.accept(candidate))
                    {
                        next = candidate;
                    }
                }
                catch (final IOException ex)
                {
                    throw new DirectoryIteratorException(ex);
                }
            }
            return next != null;
        }

        @Override
        public Path next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException("no more entries: directory=" + directory);
            }
            final Path result = next;
            next = null;
            return result;
        }
    }
}
