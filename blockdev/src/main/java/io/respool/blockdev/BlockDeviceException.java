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
        /** The path does not exist (or, creating an image, its parent directory does not). */
        NOT_FOUND,
        /** The path is neither a regular file nor a block device: a directory, character device, fifo, socket. */
        NOT_A_FILE_OR_DEVICE,
        /** The path cannot be opened for the access asked (EACCES, EPERM, EROFS). */
        PERMISSION_DENIED,
        /** The device is smaller than {@link OpenOptions#minimumSize()}; the message names both sizes. */
        TOO_SMALL,
        /** Offset or length is not a multiple of {@link BlockDevice#alignment()}; nothing was changed. */
        MISALIGNED,
        /** The range is not within the device (or, creating an image, the image would have to shrink). */
        OUT_OF_RANGE,
        /** A write or zero on a device opened read-only. */
        READ_ONLY,
        /** The operating system failed the call; the message has the errno text, path, offset and length. */
        IO_ERROR,
        /** The device was used after {@link BlockDevice#close()}. */
        CLOSED
    }

    /**
     * @param reason  why it failed.
     * @param path    path of the device.
     * @param offset  offset of the failed I/O, or -1 when the failure is not about an offset.
     * @param message {@code "what failed: name=value, ..."} followed by what to do.
     */
    public BlockDeviceException(final Reason reason, final Path path, final long offset, final String message)
    {
        this(reason, path, offset, message, null);
    }

    /**
     * @param reason  why it failed.
     * @param path    path of the device.
     * @param offset  offset of the failed I/O, or -1 when the failure is not about an offset.
     * @param message {@code "what failed: name=value, ..."} followed by what to do.
     * @param cause   underlying exception, or null.
     */
    public BlockDeviceException(
        final Reason reason, final Path path, final long offset, final String message, final Throwable cause)
    {
        super(message, cause);
        this.reason = reason;
        this.path = path;
        this.offset = offset;
    }

    /**
     * @return why it failed.
     */
    public Reason reason()
    {
        return reason;
    }

    /**
     * @return path of the device.
     */
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
