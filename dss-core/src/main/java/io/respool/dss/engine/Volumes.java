package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDeviceException;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Opens volumes with one backend choice for the whole instance, turning device errors into DSS errors that keep the
 * device's message (which names the path and what to do).
 */
public final class Volumes
{
    /** System property that forces a backend for every volume: {@code MAPPED} or {@code DIRECT}. */
    public static final String BACKEND_PROP_NAME = "respool.dss.backend";

    private final BlockDevice.Backend backend;
    private final boolean readOnly;
    private final Function<Path, BlockDevice> opener;

    public Volumes(final BlockDevice.Backend backend)
    {
        this(backend, false, null);
    }

    private Volumes(final BlockDevice.Backend backend, final boolean readOnly,
        final Function<Path, BlockDevice> opener)
    {
        this.backend = backend;
        this.readOnly = readOnly;
        this.opener = opener;
    }

    /**
     * @return volumes opened by {@code opener} (a test's or a benchmark's device around the real one); it decides
     * the backend and whether they are read-only.
     */
    public static Volumes using(final Function<Path, BlockDevice> opener)
    {
        return new Volumes(null, false, opener);
    }

    /**
     * @return the same backend choice, opening every volume read-only: any write then fails in the device.
     */
    Volumes readOnly()
    {
        return new Volumes(backend, true, opener);
    }

    /**
     * @return volumes opened with the backend named by {@link #BACKEND_PROP_NAME}, or picked by what the path is.
     */
    public static Volumes fromSystemProperties()
    {
        final String value = System.getProperty(BACKEND_PROP_NAME);
        if (value == null || value.isBlank())
        {
            return new Volumes(null);
        }
        try
        {
            return new Volumes(BlockDevice.Backend.valueOf(value.trim().toUpperCase()));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DssException(ErrorCode.CONFIG, "unknown backend: " + BACKEND_PROP_NAME + "=" + value +
                "; use MAPPED or DIRECT");
        }
    }

    public BlockDevice open(final Path path)
    {
        try
        {
            if (opener != null)
            {
                return opener.apply(path);
            }
            return BlockDevices.open(path, OpenOptions.defaults().backend(backend).readOnly(readOnly));
        }
        catch (final BlockDeviceException ex)
        {
            throw translate(ex);
        }
    }

    static DssException translate(final BlockDeviceException ex)
    {
        final ErrorCode code = switch (ex.reason())
        {
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case MISALIGNED, OUT_OF_RANGE, TOO_SMALL, NOT_A_FILE_OR_DEVICE -> ErrorCode.INVALID_ARGUMENT;
            case CLOSED -> ErrorCode.CLOSED;
            default -> ErrorCode.IO_ERROR;
        };
        return new DssException(code, ex.getMessage(), ex);
    }
}
