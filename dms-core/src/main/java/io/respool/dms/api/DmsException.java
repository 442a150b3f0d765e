package io.respool.dms.api;

import io.respool.common.ErrorCategory;

/**
 * The one exception DMS throws on the control plane, in the shape DSS's {@code DssException} has too: a stable
 * {@link #errorCode()} and a {@link #category()}. Messages read {@code "what failed: name=value, ..."} and, where it
 * helps, what to do about it.
 */
public class DmsException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final DmsErrorCode errorCode;

    /**
     * @param errorCode the stable code; the category is the code's.
     * @param message   what failed, with names and values.
     */
    public DmsException(final DmsErrorCode errorCode, final String message)
    {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * @param errorCode the stable code; the category is the code's.
     * @param message   what failed, with names and values.
     * @param cause     the underlying failure.
     */
    public DmsException(final DmsErrorCode errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /**
     * @return the stable code.
     */
    public DmsErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * @return how bad this error is.
     */
    public ErrorCategory category()
    {
        return errorCode.category();
    }
}
