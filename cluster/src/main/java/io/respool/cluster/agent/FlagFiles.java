package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * openGauss's start/stop flag files, with their meaning kept: {@code cluster_manual_start} present = every
 * resource of this host is stopped and not started, {@code instance_manual_start_<cm instance id>} present = that
 * instance is. Each holds CM's three lines {@code force}, {@code mode} (0 smart, 1 fast, 2 immediate),
 * {@code level}, mode 600. {@code cmctl stop} writes them, {@code cmctl start} deletes them, and so does any
 * script that knows them.
 */
public final class FlagFiles
{
    /** The whole-host stop flag. */
    public static final String CLUSTER_MANUAL_START = "cluster_manual_start";
    /** The per-instance stop flag prefix. */
    public static final String INSTANCE_MANUAL_START = "instance_manual_start_";
    /** The pause flag ({@code cmctl pause}): no automatic restart, kick-out or failover while it is present. */
    public static final String CLUSTER_MANUAL_PAUSE = "cluster_manual_pause";

    private final Path dir;

    /**
     * @param dir the directory holding them (the agent directory; {@code $GAUSSHOME/bin} in openGauss).
     */
    public FlagFiles(final Path dir)
    {
        this.dir = dir;
    }

    public Path dir()
    {
        return dir;
    }

    /**
     * @return the stop mode written in {@code cluster_manual_start}, empty if it is absent.
     */
    public Optional<StopMode> cluster()
    {
        return mode(dir.resolve(CLUSTER_MANUAL_START));
    }

    /**
     * @param cmInstanceId an instance.
     * @return the stop mode in its {@code instance_manual_start_<id>}, empty if absent.
     */
    public Optional<StopMode> instance(final int cmInstanceId)
    {
        return mode(dir.resolve(INSTANCE_MANUAL_START + cmInstanceId));
    }

    /**
     * @return true if {@code cluster_manual_pause} is present: the operator paused the cluster's arbitration.
     */
    public boolean paused()
    {
        return Files.exists(dir.resolve(CLUSTER_MANUAL_PAUSE));
    }

    /**
     * Write {@code cluster_manual_pause} ({@code cmctl pause}), empty as CM's, mode 600.
     *
     * @throws IOException if it cannot be written.
     */
    public void writePause() throws IOException
    {
        AtomicFiles.write(dir.resolve(CLUSTER_MANUAL_PAUSE), "");
        ownerOnly(dir.resolve(CLUSTER_MANUAL_PAUSE));
    }

    /**
     * Delete {@code cluster_manual_pause} ({@code cmctl resume}).
     *
     * @return true if it was there.
     * @throws IOException if it cannot be deleted.
     */
    public boolean removePause() throws IOException
    {
        return Files.deleteIfExists(dir.resolve(CLUSTER_MANUAL_PAUSE));
    }

    /**
     * Write {@code cluster_manual_start}.
     *
     * @param mode the stop mode.
     * @throws IOException if it cannot be written.
     */
    public void writeCluster(final StopMode mode) throws IOException
    {
        write(dir.resolve(CLUSTER_MANUAL_START), mode);
    }

    /**
     * Write {@code instance_manual_start_<id>}.
     *
     * @param cmInstanceId the instance.
     * @param mode         the stop mode.
     * @throws IOException if it cannot be written.
     */
    public void writeInstance(final int cmInstanceId, final StopMode mode) throws IOException
    {
        write(dir.resolve(INSTANCE_MANUAL_START + cmInstanceId), mode);
    }

    /**
     * Delete {@code cluster_manual_start} and every {@code instance_manual_start_*}, as {@code cm_ctl start} does.
     *
     * @return how many were deleted.
     * @throws IOException if one cannot be deleted.
     */
    public int removeAll() throws IOException
    {
        int n = Files.deleteIfExists(dir.resolve(CLUSTER_MANUAL_START)) ? 1 : 0;
        if (Files.isDirectory(dir))
        {
            try (var files = Files.list(dir))
            {
                for (final Path p : files.filter(p -> p.getFileName().toString().startsWith(INSTANCE_MANUAL_START))
                    .toList())
                {
                    n += Files.deleteIfExists(p) ? 1 : 0;
                }
            }
        }
        return n;
    }

    private static void write(final Path file, final StopMode mode) throws IOException
    {
        AtomicFiles.write(file, "0\n" + mode.code() + "\n0\n");
        ownerOnly(file);
    }

    private static void ownerOnly(final Path file) throws IOException
    {
        try
        {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final UnsupportedOperationException ex)
        {
            // not a POSIX file system: the mode is advisory anyway
        }
    }

    private static Optional<StopMode> mode(final Path file)
    {
        if (!Files.exists(file))
        {
            return Optional.empty();
        }
        try
        {
            final List<String> lines = Files.readAllLines(file);
            return Optional.of(lines.size() >= 2 ? StopMode.ofCode(Integer.parseInt(lines.get(1).trim())) : StopMode.FAST);
        }
        catch (final IOException | NumberFormatException ex)
        {
            // present but unreadable or written by a script with other content: it still means stopped
            return Optional.of(StopMode.FAST);
        }
    }
}
