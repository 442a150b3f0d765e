package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssPath;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ls -p path [-m unit] [-w 0|1]}: one line per child of a directory, or one line for a file or link (not
 * followed), under the openGauss header {@code type time size written_size name fid node_id}; {@code -w 1} adds
 * openGauss's {@code min_inited_size} column after {@code written_size}. A missing path prints openGauss's
 * {@code The path X is not exist.} on stdout as well as the error on stderr. The time is the creation time,
 * as in openGauss; {@code fid} and {@code node_id} are both the node id, which is unique in the volume group.
 */
@Command(name = "ls", sortOptions = false,
    description = "[client command] show information of a directory's entries, or of a file or link")
final class LsCommand extends DssCommand
{
    @Mixin
    ReadOnlyOption readOnlyOption;

    static final String HEADER = "%-5s%-20s%-14s %-14s %-64s%-5s%-5s";
    static final String ROW = "%-5c%-20s%-14.05f %-14.05f %-64s%-5d%-5d";
    /** With {@code -w 1}: openGauss's {@code min_inited_size} column after {@code written_size}. */
    static final String HEADER_INITED = "%-5s%-20s%-14s %-14s %-14s %-64s%-5s%-5s";
    static final String ROW_INITED = "%-5c%-20s%-14.05f %-14.05f %-14.05f %-64s%-5d%-5d";

    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the directory, file or link to show, e.g. +data")
    String path;

    @Option(names = {"-m", "--measure_type"}, paramLabel = "measure_type",
        description = "unit of sizes: B, K, M, G or T (powers of 1024); default B")
    SizeUnit unit = SizeUnit.B;

    @Option(names = {"-w", "--min_inited_size"}, paramLabel = "0|1",
        description = "1: add the min_inited_size column (bytes below it read back as written or zeros, here the " +
            "written_size), 0: not (default)")
    int minInitedSize;

    @Override
    boolean readOnly()
    {
        return readOnlyOption.readOnly;
    }

    LsCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    void checkArguments()
    {
        if (minInitedSize != 0 && minInitedSize != 1)
        {
            throw CliException.withOpenGaussLine("invalid min_inited_size: min_inited_size=" + minInitedSize +
                "; give -w 1 to show the min_inited_size column, -w 0 not to", "The value of zero_or_one is invalid.");
        }
    }

    @Override
    int execute(final Dss dss)
    {
        final FileStat stat = lstat(dss);
        final boolean inited = minInitedSize == 1;
        context.out.println(inited ?
            Formats.format(HEADER_INITED, "type", "time", "size", "written_size", "min_inited_size", "name", "fid",
                "node_id") :
            Formats.format(HEADER, "type", "time", "size", "written_size", "name", "fid", "node_id"));
        if (stat.type() == FileType.DIRECTORY)
        {
            for (final FileStat child : dss.list(path))
            {
                context.out.println(inited ? rowInited(child, unit) : row(child, unit));
            }
            context.out.println("Succeed to ls dir info " + path + ".");
        }
        else
        {
            context.out.println(inited ? rowInited(stat, unit) : row(stat, unit));
            context.out.println("Succeed to ls " + (stat.type() == FileType.LINK ? "link" : "file") + " info " +
                path + ".");
        }
        return ExitCodes.SUCCESS;
    }

    /**
     * @return the path's attributes; a missing path or volume group fails with openGauss's line on stdout.
     */
    private FileStat lstat(final Dss dss)
    {
        try
        {
            return dss.lstat(path);
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() != ErrorCode.NOT_FOUND)
            {
                throw ex;
            }
            final String vg = DssPath.parse(path).vg();
            final boolean vgOpen = dss.volumeGroups().stream().anyMatch(group -> group.name().equals(vg));
            throw CliException.withOpenGaussLine(ErrorLines.message(ex), vgOpen ?
                "The path " + path + " is not exist." : "Failed to find vg when ls the path " + path + ".");
        }
    }

    /**
     * Every byte of a file here below its written size reads back as written or as zeros (new AUs and a truncated tail are zeroed),
     * which is what openGauss's min_inited_size promises.
     */
    static String rowInited(final FileStat stat, final SizeUnit unit)
    {
        return Formats.format(ROW_INITED, stat.type().lsChar(), Formats.time(stat.createTimeMs()),
            unit.convert(stat.size()), unit.convert(stat.writtenSize()), unit.convert(stat.writtenSize()), stat.name(),
            stat.id(), stat.id());
    }

    static String row(final FileStat stat, final SizeUnit unit)
    {
        return Formats.format(ROW, stat.type().lsChar(), Formats.time(stat.createTimeMs()), unit.convert(stat.size()),
            unit.convert(stat.writtenSize()), stat.name(), stat.id(), stat.id());
    }
}
