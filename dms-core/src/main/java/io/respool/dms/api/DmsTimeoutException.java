package io.respool.dms.api;

/**
 * A wait ran out of time: a page request, a lock, a release or a broadcast. The operation may still complete later
 * inside DMS (a late reply is always applied safely), but the caller no longer waits for it.
 */
public class DmsTimeoutException extends DmsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what timed out, with the resource and the timeout.
     */
    public DmsTimeoutException(final String message)
    {
        super(DmsErrorCode.TIMEOUT, message);
    }
}
