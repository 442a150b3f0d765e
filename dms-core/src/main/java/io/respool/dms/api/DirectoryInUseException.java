package io.respool.dms.api;

/**
 * A node directory (which holds the node's media driver directory and statistics file) is in use by a live
 * process, or by another node of this process: two nodes must never share one directory.
 */
public class DirectoryInUseException extends DmsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message which directory and who holds it, and what to do.
     */
    public DirectoryInUseException(final String message)
    {
        super(DmsErrorCode.DIRECTORY_IN_USE, message);
    }
}
