package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ls -p path [-m unit]}: one line per child of a directory, or one line for a file or link (not followed),
 * under the openGauss header {@code type time size written_size name fid node_id}. The time is the creation time,
 * as in openGauss; {@code fid} and {@code node_id} are both the node id, which is unique in the volume group.
 */
@Command(name = "ls", sortOptions = false,
    description = "[client command] show information of a directory's entries, or of a file or link")
final class LsCommand extends DssCommand
{
    static final String HEADER = "%-5s%-20s%-14s %-14s %-64s%-5s%-5s";
    static final String ROW = "%-5c%-20s%-14.05f %-14.05f %-64s%-5d%-5d";

    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the directory, file or link to show, e.g. +data")
    String path;

    @Option(names = {"-m", "--measure_type"}, paramLabel = "measure_type",
        description = "unit of sizes: B, K, M, G or T (powers of 1024); default B")
    SizeUnit unit = SizeUnit.B;

    @Option(names = {"-w", "--min_inited_size"}, paramLabel = "0|1", hidden = true,
        description = "accepted for openGauss compatibility and ignored")
    int minInitedSize;

    LsCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        final FileStat stat = dss.lstat(path);
        context.out.println(Formats.format(HEADER, "type", "time", "size", "written_size", "name", "fid", "node_id"));
        if (stat.type() == FileType.DIRECTORY)
        {
            for (final FileStat child : dss.list(path))
            {
                context.out.println(row(child, unit));
            }
            context.out.println("Succeed to ls dir info " + path + ".");
        }
        else
        {
            context.out.println(row(stat, unit));
            context.out.println("Succeed to ls " + (stat.type() == FileType.LINK ? "link" : "file") + " info " +
                path + ".");
        }
        return ExitCodes.SUCCESS;
    }

    static String row(final FileStat stat, final SizeUnit unit)
    {
        return Formats.format(ROW, stat.type().lsChar(), Formats.time(stat.createTimeMs()), unit.convert(stat.size()),
            unit.convert(stat.writtenSize()), stat.name(), stat.id(), stat.id());
    }
}
