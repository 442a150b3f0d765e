package io.respool.cli.dss;

import io.respool.dss.config.DssHome;
import io.respool.dss.config.VgConfig;
import io.respool.dss.format.VolumeHeader;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The volume groups that a DSS home's {@code dss_vg_conf.ini} names, split into those created and those not created
 * yet: no entry volume, or one whose header area is all zeros (a fresh image or device, never formatted by
 * {@code cv}). A line for a group that
 * is not created yet must not stop the commands on the others; a command on that group fails saying to run
 * {@code cv}. A created group that cannot be opened (damage, I/O) still fails every command, as before: damage is
 * never skipped quietly.
 */
final class ConfiguredGroups
{
    private final DssHome home;
    private final Map<String, VgConfig.Entry> notCreated;

    private ConfiguredGroups(final DssHome home, final Map<String, VgConfig.Entry> notCreated)
    {
        this.home = home;
        this.notCreated = notCreated;
    }

    static ConfiguredGroups of(final DssHome home)
    {
        final Map<String, VgConfig.Entry> notCreated = new LinkedHashMap<>();
        for (final VgConfig.Entry entry : home.vgConfig().entries())
        {
            if (!isCreated(entry.entryVolume()))
            {
                notCreated.put(entry.name(), entry);
            }
        }
        return new ConfiguredGroups(home, Collections.unmodifiableMap(notCreated));
    }

    /**
     * @return the home with only the created volume groups in its configuration.
     */
    DssHome createdOnly()
    {
        return notCreated.isEmpty() ? home : new DssHome(home.directory(), home.instance(),
            home.vgConfig().retain(entry -> !notCreated.containsKey(entry.name())));
    }

    /**
     * @throws CliException if {@code vgName} is configured but not created, saying how to create it.
     */
    void checkCreated(final String vgName)
    {
        final VgConfig.Entry entry = notCreated.get(vgName);
        if (entry != null)
        {
            throw new CliException("volume group is not created: " + describe(entry) + "; create it with " +
                createCommand(entry));
        }
    }

    /**
     * @return one warning per configured group that is not created, for commands that work on every group.
     */
    List<String> notCreatedWarnings()
    {
        final List<String> warnings = new ArrayList<>(notCreated.size());
        for (final VgConfig.Entry entry : notCreated.values())
        {
            warnings.add("volume group " + entry.name() + " is in " + VgConfig.FILE_NAME + " but not created, " +
                "skipped: " + describe(entry) + "; create it with " + createCommand(entry));
        }
        return warnings;
    }

    private String describe(final VgConfig.Entry entry)
    {
        return "vg=" + entry.name() + ", volume=" + entry.entryVolume() +
            (Files.exists(entry.entryVolume()) ? " (all zeros: never formatted)" : " (does not exist)") + ", file=" +
            home.vgConfig().file() + ", line=" + entry.line();
    }

    private static String createCommand(final VgConfig.Entry entry)
    {
        final Path volume = entry.entryVolume();
        return (Files.exists(volume) ? "" : "truncate -s 10G " + volume + " && ") + "dsscmd cv -g " + entry.name() +
            " -v " + volume;
    }

    /**
     * @return false if the volume is missing, shorter than a volume header or all zeros where the header goes;
     * true otherwise, also for a damaged header or foreign data, which opening then reports.
     */
    static boolean isCreated(final Path entryVolume)
    {
        if (!Files.exists(entryVolume))
        {
            return false;
        }
        try (DiskInspector inspector = DiskInspector.open(entryVolume))
        {
            final UnsafeBuffer header = inspector.read(0, VolumeHeader.LENGTH);
            for (int i = 0; i < VolumeHeader.LENGTH; i += Long.BYTES)
            {
                if (header.getLong(i) != 0)
                {
                    return true;
                }
            }
            return false;
        }
        catch (final CliException ex)
        {
            return false; // shorter than a volume header: never formatted
        }
    }
}
