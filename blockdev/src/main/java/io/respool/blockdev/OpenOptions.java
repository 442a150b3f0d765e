package io.respool.blockdev;

import io.respool.blockdev.BlockDevice.Backend;

/**
 * How {@link BlockDevices#open(java.nio.file.Path, OpenOptions)} opens a device. Immutable: each setter returns a
 * new instance, so a shared {@link #defaults()} is never changed by a caller.
 * <pre>{@code
 * final OpenOptions options = OpenOptions.defaults().readOnly(true).minimumSize(1L << 30);
 * }</pre>
 */
public final class OpenOptions
{
    private static final OpenOptions DEFAULTS = new OpenOptions(null, false, 0);

    private final Backend backend;
    private final boolean readOnly;
    private final long minimumSize;

    private OpenOptions(final Backend backend, final boolean readOnly, final long minimumSize)
    {
        this.backend = backend;
        this.readOnly = readOnly;
        this.minimumSize = minimumSize;
    }

    /**
     * @return options that pick the backend from the path's kind, open read-write and accept any size.
     */
    public static OpenOptions defaults()
    {
        return DEFAULTS;
    }

    /**
     * @param backend backend to use, or null to pick it from the path: {@link Backend#MAPPED} for a regular file,
     *                {@link Backend#DIRECT} for a block device.
     * @return a copy with the backend set.
     */
    public OpenOptions backend(final Backend backend)
    {
        return new OpenOptions(backend, readOnly, minimumSize);
    }

    /**
     * @return the backend asked for, or null for automatic.
     */
    public Backend backend()
    {
        return backend;
    }

    /**
     * @param readOnly true to open read-only: writes and zeroing then fail with
     *                 {@link BlockDeviceException.Reason#READ_ONLY}.
     * @return a copy with the read-only flag set.
     */
    public OpenOptions readOnly(final boolean readOnly)
    {
        return new OpenOptions(backend, readOnly, minimumSize);
    }

    /**
     * @return true if the device is to be opened read-only.
     */
    public boolean isReadOnly()
    {
        return readOnly;
    }

    /**
     * @param minimumSize smallest acceptable device size in bytes; a smaller device fails to open with
     *                    {@link BlockDeviceException.Reason#TOO_SMALL}. 0 accepts any size.
     * @return a copy with the minimum size set.
     * @throws IllegalArgumentException if {@code minimumSize} is negative.
     */
    public OpenOptions minimumSize(final long minimumSize)
    {
        if (minimumSize < 0)
        {
            throw new IllegalArgumentException(
                "minimumSize must not be negative: minimumSize=" + minimumSize + "; pass 0 to accept any size");
        }

        return new OpenOptions(backend, readOnly, minimumSize);
    }

    /**
     * @return smallest acceptable device size in bytes, 0 for any.
     */
    public long minimumSize()
    {
        return minimumSize;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "OpenOptions{backend=" + (backend == null ? "auto" : backend) +
            ", readOnly=" + readOnly + ", minimumSize=" + minimumSize + '}';
    }
}
