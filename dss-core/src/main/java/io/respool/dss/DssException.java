package io.respool.dss;

/**
 * A DSS operation failed. {@link #errorCode()} is stable; the message names the path, volume group or volume, and
 * says what to do when there is something to do.
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
}
