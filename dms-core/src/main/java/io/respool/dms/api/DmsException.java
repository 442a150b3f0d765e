package io.respool.dms.api;

/**
 * The one exception DMS throws on the control plane. Messages read {@code "what failed: name=value, ..."} and,
 * where it helps, what to do about it.
 */
public class DmsException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** How bad an error is. */
    public enum Category
    {
        /** The node cannot go on. */
        FATAL,
        /** The operation failed; the node goes on. */
        ERROR,
        /** Something is odd but nothing failed. */
        WARN
    }

    private final Category category;

    /**
     * @param message  what failed, with names and values.
     * @param category how bad it is.
     */
    public DmsException(final String message, final Category category)
    {
        super(message);
        this.category = category;
    }

    /**
     * @param message  what failed, with names and values.
     * @param cause    the underlying failure.
     * @param category how bad it is.
     */
    public DmsException(final String message, final Throwable cause, final Category category)
    {
        super(message, cause);
        this.category = category;
    }

    /**
     * @return how bad this error is.
     */
    public Category category()
    {
        return category;
    }
}
