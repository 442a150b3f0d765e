package io.respool.dss.engine;

import io.respool.blockdev.BlockDeviceException;
import io.respool.blockdev.DeviceLock;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * STORAGE_MODE=DISK: an exclusive {@code flock} on {@code <_DISK_LOCK_FILE_PATH>/dss_vglock_<entry volume name>}, the
 * file openGauss uses. Excludes processes on one host only, and only if all of them use the same lock directory.
 * The kernel drops it when its holder dies, so a killed holder blocks nobody.
 */
final class FlockVgLock implements VgLock
{
    /** How often a waiter tries the lock again. */
    static final long POLL_NS = 200_000;

    private final Path lockFile;
    private final CoordinationClock clock;
    private DeviceLock held;

    FlockVgLock(final Path lockDirectory, final Path entryVolume, final CoordinationClock clock)
    {
        this.clock = clock;
        this.lockFile = lockDirectory.resolve("dss_vglock_" + entryVolume.getFileName());
        try
        {
            Files.createDirectories(lockDirectory);
            if (!Files.exists(lockFile))
            {
                Files.createFile(lockFile);
            }
        }
        catch (final IOException ex)
        {
            if (!Files.exists(lockFile))
            {
                throw new DssException(ErrorCode.CONFIG, "cannot create the volume-group lock file: path=" + lockFile +
                    ", error=" + ex + "; check _DISK_LOCK_FILE_PATH in dss_inst.ini");
            }
        }
    }

    @Override
    public void acquire(final long timeoutMs)
    {
        final long deadline = clock.monotonicMs() + timeoutMs;
        while (true)
        {
            try
            {
                held = DeviceLock.tryLock(lockFile);
                return;
            }
            catch (final BlockDeviceException ex)
            {
                if (clock.monotonicMs() - deadline > 0)
                {
                    throw new DssException(ErrorCode.VOLUME_IN_USE, "volume-group lock not granted within " +
                        timeoutMs + " ms: " + ex.getMessage());
                }
                clock.pauseNs(POLL_NS);
            }
        }
    }

    @Override
    public void release()
    {
        if (held != null)
        {
            held.close();
            held = null;
        }
    }

    @Override
    public void close()
    {
        release();
    }
}
