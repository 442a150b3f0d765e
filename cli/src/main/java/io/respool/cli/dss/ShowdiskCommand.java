package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.VolumeGroup;
import io.respool.dss.VolumeInfo;
import io.respool.dss.config.DssHome;
import io.respool.dss.config.VgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code showdisk -g vg -s struct_name}: print an on-disk structure in the openGauss {@code name = {...}} form.
 * {@code vg_header}, {@code root_ctrl}, {@code redo_ctrl} and {@code checkpoint} are read raw from the entry volume
 * without opening the volume group, so they work on a damaged group and beside a running instance;
 * {@code volume_ctrl} and {@code core_ctrl} open the group to list its volumes.
 */
@Command(name = "showdisk", sortOptions = false, description = "[client command] show disk information")
final class ShowdiskCommand implements Callable<Integer>
{
    static final List<String> STRUCTURES =
        List.of("vg_header", "root_ctrl", "volume_ctrl", "redo_ctrl", "checkpoint", "core_ctrl");

    @Option(names = {"-g", "--vg_name"}, required = true, paramLabel = "vg_name",
        description = "the volume group name")
    String vgName;

    @Option(names = {"-s", "--struct_name"}, required = true, paramLabel = "struct_name",
        description = "the structure: vg_header, root_ctrl (both copies), volume_ctrl, redo_ctrl, checkpoint or " +
        "core_ctrl")
    String structure;

    @Mixin
    CommonOptions common;

    private final CliContext context;

    ShowdiskCommand(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public Integer call()
    {
        if (!STRUCTURES.contains(structure))
        {
            throw new CliException("unknown struct_name: struct_name=" + structure + "; use one of " +
                String.join(", ", STRUCTURES) + (structure.equals("root_ft_block") ? " (this format keeps the " +
                "directory tree in the checkpoint and the redo log, not in FT blocks)" : ""));
        }
        final DssHome home = context.loadHome(context.homeDirectory(common));
        final VgConfig.Entry entry = home.vgConfig().find(vgName);
        if (entry == null)
        {
            final List<String> names = new ArrayList<>();
            home.vgConfig().entries().forEach((e) -> names.add(e.name()));
            throw new CliException("volume group not in " + VgConfig.FILE_NAME + ": vg=" + vgName + ", file=" +
                home.vgConfig().file() + ", configured=" + names + "; add the line " + vgName +
                ":/path/to/entry_volume there");
        }
        final StructureWriter out = new StructureWriter(context.out);
        if (structure.equals("volume_ctrl") || structure.equals("core_ctrl"))
        {
            try (Dss dss = Dss.open(home.directory()))
            {
                final VolumeGroup vg = dss.volumeGroup(vgName);
                if (structure.equals("core_ctrl"))
                {
                    printCoreControl(out, vg);
                }
                else
                {
                    printVolumeControl(out, vg);
                }
            }
        }
        else
        {
            try (DiskInspector inspector = DiskInspector.open(entry.entryVolume()))
            {
                switch (structure)
                {
                    case "vg_header" -> inspector.printVolumeHeader(out, "vg_header");
                    case "root_ctrl" -> inspector.printRootControls(out);
                    case "redo_ctrl" -> inspector.printRedoLog(out);
                    default -> inspector.printCheckpoint(out);
                }
            }
        }
        context.out.println("Succeed to printf dss metadata.");
        return ExitCodes.SUCCESS;
    }

    private static void printCoreControl(final StructureWriter out, final VolumeGroup vg)
    {
        final List<VolumeInfo> volumes = vg.volumes();
        out.begin("core_ctrl")
            .field("au_size", vg.auSize())
            .field("volume_count", volumes.size())
            .field("size", vg.totalBytes())
            .field("free", vg.freeBytes());
        for (final VolumeInfo volume : volumes)
        {
            out.begin("volume_attrs[" + volume.id() + "]")
                .field("id", volume.id())
                .field("size", volume.size())
                .field("free", volume.freeBytes())
                .end();
        }
        out.end();
    }

    private static void printVolumeControl(final StructureWriter out, final VolumeGroup vg)
    {
        final List<VolumeInfo> volumes = vg.volumes();
        out.begin("volume_ctrl").field("volume_count", volumes.size());
        for (final VolumeInfo volume : volumes)
        {
            out.begin("volume_defs[" + volume.id() + "]")
                .field("id", volume.id())
                .field("name", volume.path())
                .field("size", volume.size())
                .field("free", volume.freeBytes())
                .field("used", volume.usedBytes());
            try (DiskInspector inspector = DiskInspector.open(volume.path()))
            {
                inspector.printVolumeHeader(out, "header");
            }
            out.end();
        }
        out.end();
    }
}
