package io.respool.dss;

import io.respool.common.ErrorCategory;

/**
 * A DSS operation failed, in the shape DMS's {@code DmsException} has too: a stable {@link #errorCode()} and a
 * {@link #category()}. The message names the path, volume group or volume, and says what to do when there is
 * something to do.
 */
public class DssException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public DssException(final ErrorCode errorCode, final String message)
    {
        super(message);
        this.errorCode = errorCode;
    }

    public DssException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * @return how bad this error is: the category of its code.
     */
    public ErrorCategory category()
    {
        return errorCode.category();
    }
}
