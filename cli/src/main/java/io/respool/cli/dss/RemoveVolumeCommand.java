package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code rmv -g vg -v vol [-f]}: remove a volume that holds no data. The entry volume cannot be removed.
 */
@Command(name = "rmv", sortOptions = false, description = "[manage command] remove volume of volume group")
final class RemoveVolumeCommand extends DssCommand
{
    @Option(names = {"-g", "--vg_name"}, required = true, paramLabel = "vg_name",
        description = "the volume group to remove the volume from")
    String vgName;

    @Option(names = {"-v", "--vol_name"}, required = true, paramLabel = "vol_name",
        description = "the volume to remove; it must hold no data")
    String volume;

    @Option(names = {"-f", "--force"}, description = "accepted for openGauss compatibility: dsscmd is always offline")
    boolean force;

    RemoveVolumeCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    String vgOption()
    {
        return vgName;
    }

    @Override
    int execute(final Dss dss)
    {
        final Path path = Path.of(volume).toAbsolutePath().normalize();
        dss.volumeGroup(vgName).removeVolume(path);
        context.out.println("Succeed to remove volume offline, vg_name is " + vgName + ", volume name is " + path +
            ".");
        return ExitCodes.SUCCESS;
    }
}
