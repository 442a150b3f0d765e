package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code adv -g vg -v vol [-f]}: add a volume to a volume group. Always offline here, so {@code -f} changes nothing.
 */
@Command(name = "adv", sortOptions = false, description = "[manage command] add volume in volume group")
final class AddVolumeCommand extends DssCommand
{
    @Option(names = {"-g", "--vg_name"}, required = true, paramLabel = "vg_name",
        description = "the volume group to add the volume to")
    String vgName;

    @Option(names = {"-v", "--vol_name"}, required = true, paramLabel = "vol_name",
        description = "the volume: an image file or block device that belongs to no volume group")
    String volume;

    @Option(names = {"-f", "--force"}, description = "accepted for openGauss compatibility: dsscmd is always offline")
    boolean force;

    AddVolumeCommand(final CliContext context)
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
        final VolumeInfo added = dss.volumeGroup(vgName).addVolume(path);
        context.out.println("Succeed to add volume offline, vg_name is " + vgName + ", volume path is " + path +
            ", volume id is " + added.id() + ".");
        return ExitCodes.SUCCESS;
    }
}
