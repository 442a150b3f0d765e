package io.respool.dss.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A DSS home directory, as openGauss lays it out: {@code cfg/dss_inst.ini} (optional, defaults apply) and
 * {@code cfg/dss_vg_conf.ini} (required).
 *
 * @param directory the home directory.
 * @param instance  the instance configuration.
 * @param vgConfig  the volume groups.
 */
public record DssHome(Path directory, InstanceConfig instance, VgConfig vgConfig)
{
    /** Environment variable naming the DSS home when {@code -D} is not given. */
    public static final String ENV_NAME = "DSS_HOME";

    public static DssHome load(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            throw new ConfigException("DSS home is not a directory: path=" + directory +
                "; create it with a cfg/ directory holding dss_vg_conf.ini, or pass -D");
        }
        final Path cfg = directory.resolve("cfg");
        final Path vgFile = cfg.resolve(VgConfig.FILE_NAME);
        if (!Files.isRegularFile(vgFile))
        {
            throw new ConfigException("missing " + VgConfig.FILE_NAME + ": path=" + vgFile +
                "; create it with one line per volume group, e.g. data:/path/to/volume");
        }
        final Path instFile = cfg.resolve(InstanceConfig.FILE_NAME);
        final InstanceConfig instance = Files.isRegularFile(instFile) ?
            InstanceConfig.load(instFile) : InstanceConfig.defaults();
        return new DssHome(directory, instance, VgConfig.load(vgFile));
    }
}
