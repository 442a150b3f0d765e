package io.respool.blockdev;

import java.nio.file.Path;

/**
 * A block device could not be opened or an I/O on it failed. The message names the path and, for I/O, the offset
 * and length, in the form {@code "what failed: path=..., offset=..."} followed by what to do.
 */
public final class BlockDeviceException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final Path path;
    private final long offset;

    /**
     * Why an open or an I/O failed.
     */
    public enum Reason
    {
        NOT_FOUND,
        NOT_A_FILE_OR_DEVICE,
        PERMISSION_DENIED,
        TOO_SMALL,
        MISALIGNED,
        OUT_OF_RANGE,
        READ_ONLY,
        IO_ERROR,
        CLOSED
    }

    public BlockDeviceException(final Reason reason, final Path path, final long offset, final String message)
    {
        this(reason, path, offset, message, null);
    }

    public BlockDeviceException(
        final Reason reason, final Path path, final long offset, final String message, final Throwable cause)
    {
        super(message, cause);
        this.reason = reason;
        this.path = path;
        this.offset = offset;
    }

    public Reason reason()
    {
        return reason;
    }

    public Path path()
    {
        return path;
    }

    /**
     * @return offset of the failed I/O, or -1 when the failure is not about an offset.
     */
    public long offset()
    {
        return offset;
    }
}
