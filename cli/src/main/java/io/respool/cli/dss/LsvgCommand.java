package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.VolumeGroup;
import io.respool.dss.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code lsvg [-m B|K|M|G|T] [-t t|d]}: size and free space of every volume group of the DSS home, as a table or,
 * with {@code -t d}, per volume. Free space is what is free right now: space freed by {@code rm} or
 * {@code truncate} is free at once, so there is no {@code .recycle} line.
 */
@Command(name = "lsvg", sortOptions = false,
    description = "[client command] show information of volume group and disk usage space")
final class LsvgCommand extends DssCommand implements OpenGaussFailure
{
    /** openGauss's layout since its commit b575373 (2024-12-24) widened the name column from 14 to 64. */
    static final String TABLE_HEADER = "%-64s%-20s%-20s %-20s %-20s %-20s";
    static final String TABLE_ROW = "%-64s%-20d%-20.05f %-20.05f %-20.05f %-20.2f";

    @Option(names = {"-m", "--measure_type"}, paramLabel = "measure_type",
        description = "unit of sizes: B, K, M, G or T (powers of 1024); default B")
    SizeUnit unit = SizeUnit.B;

    @Option(names = {"-t", "--show_type"}, paramLabel = "show_type",
        description = "t: a table line per volume group (default); d: details per volume")
    String showType = "t";

    LsvgCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    public String openGaussFailureLine()
    {
        return "Failed to display lsvg info.";
    }

    @Override
    int execute(final Dss dss)
    {
        if (!"t".equals(showType) && !"d".equals(showType))
        {
            throw CliException.withOpenGaussLine("invalid show_type: show_type=" + showType +
                "; use t (table) or d (detail)", "show_type error.");
        }
        final boolean detail = "d".equals(showType);
        final PrintStream out = context.out;
        if (!detail)
        {
            out.println(Formats.format(TABLE_HEADER, "vg_name", "volume_count", "size", "free", "used", "percent(%)"));
        }
        for (final VolumeGroup vg : dss.volumeGroups())
        {
            final List<VolumeInfo> volumes = vg.volumes();
            long size = 0;
            long free = 0;
            for (final VolumeInfo volume : volumes)
            {
                size += volume.size();
                free += volume.freeBytes();
            }
            final long used = size - free;
            final double percent = size == 0 ? 0 : 100.0 * used / size;
            if (detail)
            {
                out.println("vg_name:" + vg.name());
                out.println("   volume_count:" + volumes.size());
                out.println("   volumes:");
                for (final VolumeInfo volume : volumes)
                {
                    out.println("      volume_name:" + volume.path());
                    out.println(Formats.format("      volume_free:%.05f", unit.convert(volume.freeBytes())));
                    out.println(Formats.format("      volume_size:%.05f", unit.convert(volume.size())));
                    out.println(Formats.format("      volume_used:%.05f", unit.convert(volume.usedBytes())));
                }
                out.println(Formats.format("   vg_size:%.05f", unit.convert(size)));
                out.println(Formats.format("   vg_free:%.05f", unit.convert(free)));
                out.println(Formats.format("   vg_used:%.05f", unit.convert(used)));
                out.println(Formats.format("   vg_used_percent:%.2f", percent));
            }
            else
            {
                out.println(Formats.format(TABLE_ROW, vg.name(), volumes.size(), unit.convert(size),
                    unit.convert(free), unit.convert(used), percent));
            }
        }
        out.println("Succeed to display lsvg info.");
        return ExitCodes.SUCCESS;
    }
}
