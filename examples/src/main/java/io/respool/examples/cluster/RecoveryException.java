package io.respool.examples.cluster;

/**
 * The WAL cannot be replayed: a record before the end of the log is damaged, or a record does not fit the page it
 * changes. Names the WAL file and the offset of the record, so that an operator can look at it.
 */
final class RecoveryException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final String walPath;
    private final long offset;

    RecoveryException(final String walPath, final long offset, final String message)
    {
        super(message + ": file=" + walPath + ", offset=" + offset);
        this.walPath = walPath;
        this.offset = offset;
    }

    String walPath()
    {
        return walPath;
    }

    long offset()
    {
        return offset;
    }
}
