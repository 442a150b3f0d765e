package io.respool.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DSS home laid out as openGauss has it: {@code <home>/cfg/dss_inst.ini} ({@code KEY=VALUE} lines, in the order
 * set) and {@code <home>/cfg/dss_vg_conf.ini} (one {@code vg:entry_volume} line per volume group, in the order
 * added). It writes these two texts and nothing else: the volumes it names are the test's to create, so that this
 * module needs no DSS code. {@code dss_inst.ini} is written only if a key was set, as a home may go without it.
 */
public final class TempDssHome
{
    public static final String CFG_DIR = "cfg";
    public static final String INST_INI = "dss_inst.ini";
    public static final String VG_CONF_INI = "dss_vg_conf.ini";

    private final Path home;
    private final Map<String, String> instance = new LinkedHashMap<>();
    private final List<String> volumeGroups = new ArrayList<>();

    private TempDssHome(final Path home)
    {
        this.home = home;
    }

    /**
     * @param home the directory {@code DSS_HOME} names; created with its {@code cfg} by {@link #write()}.
     */
    public static TempDssHome at(final Path home)
    {
        return new TempDssHome(home);
    }

    /**
     * {@code INST_ID}.
     */
    public TempDssHome instanceId(final int instanceId)
    {
        return set("INST_ID", Integer.toString(instanceId));
    }

    /**
     * {@code DSS_NODES_LIST}, e.g. {@code 0:127.0.0.1:17102, 1:127.0.0.1:18102}.
     */
    public TempDssHome nodesList(final String nodesList)
    {
        return set("DSS_NODES_LIST", nodesList);
    }

    /**
     * {@code LSNR_PATH}: the directory of the instance's socket.
     */
    public TempDssHome listenerPath(final Path listenerPath)
    {
        return set("LSNR_PATH", listenerPath.toString());
    }

    /**
     * {@code DISK_LOCK_FILE_PATH}: the directory of the lock files, one for all instances sharing a volume.
     */
    public TempDssHome diskLockFilePath(final Path lockDirectory)
    {
        return set("DISK_LOCK_FILE_PATH", lockDirectory.toString());
    }

    /**
     * {@code STORAGE_MODE}, by the name of a mode (such as dss-core's {@code StorageMode}).
     */
    public TempDssHome storageMode(final Enum<?> storageMode)
    {
        return set("STORAGE_MODE", storageMode.name());
    }

    /**
     * {@code _LOG_LEVEL}.
     */
    public TempDssHome logLevel(final int logLevel)
    {
        return set("_LOG_LEVEL", Integer.toString(logLevel));
    }

    /**
     * Any other key of {@code dss_inst.ini}, written as given; setting a key again replaces its value in place.
     */
    public TempDssHome set(final String key, final String value)
    {
        instance.put(key, value);
        return this;
    }

    /**
     * A line {@code name:entryVolume} of {@code dss_vg_conf.ini}.
     */
    public TempDssHome volumeGroup(final String name, final Path entryVolume)
    {
        volumeGroups.add(name + ':' + entryVolume);
        return this;
    }

    /**
     * A {@code #} comment line of {@code dss_vg_conf.ini}, where it stands among the volume groups.
     */
    public TempDssHome vgComment(final String comment)
    {
        volumeGroups.add("# " + comment);
        return this;
    }

    /**
     * Create the home and its {@code cfg} directory, and write the files.
     *
     * @return the home.
     * @throws UncheckedIOException if a file cannot be written, naming it.
     */
    public Path write()
    {
        if (!instance.isEmpty())
        {
            final StringBuilder text = new StringBuilder();
            instance.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            writeFile(instIni(), text.toString());
        }
        writeFile(vgConf(), lines(volumeGroups));
        return home;
    }

    public Path home()
    {
        return home;
    }

    public Path instIni()
    {
        return home.resolve(CFG_DIR).resolve(INST_INI);
    }

    public Path vgConf()
    {
        return home.resolve(CFG_DIR).resolve(VG_CONF_INI);
    }

    /**
     * @return {@code DSS_HOME} set to this home, for a child process's environment.
     */
    public Map<String, String> env()
    {
        return Map.of("DSS_HOME", home.toString());
    }

    private static String lines(final List<String> lines)
    {
        final StringBuilder text = new StringBuilder();
        lines.forEach((line) -> text.append(line).append('\n'));
        return text.toString();
    }

    private static void writeFile(final Path file, final String text)
    {
        try
        {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
