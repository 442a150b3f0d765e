package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssPath;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code du -p path [-f format]}: logical size of a file, or of a directory tree, as openGauss counts it (the sum
 * of file sizes). Format letters, in any order: a unit {@code B K M G T}; {@code s} to print only the total, or
 * {@code a} to print every file as well as every directory; {@code S} to leave subdirectories out of a directory's
 * size. Default {@code Bs}; with neither {@code s} nor {@code a}, every directory is printed. Lines are
 * {@code <size><unit>} padded to 19 columns, then the path.
 */
@Command(name = "du", sortOptions = false,
    description = "[client command] show disk usage of the file/dir with optional params")
final class DuCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path", description = "the file or directory")
    String path;

    @Option(names = {"-f", "--format"}, paramLabel = "format",
        description = {"the format, letters without separators; default Bs",
            "[BKMGT] B: Byte, K: kB, M: MB, G: GB, T: TB",
            "[sa] s: summarize, a: count all files, not just directories",
            "[S] S: for directories do not include size of subdirectories"})
    String format;

    private SizeUnit unit = SizeUnit.B;
    private char granularity;
    private boolean separate;

    DuCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        parseFormat(format == null || format.isEmpty() ? "Bs" : format);
        final String start = DssPath.parse(path).toString();
        final FileStat stat = dss.lstat(start);
        if (stat.type() != FileType.DIRECTORY)
        {
            print(stat.size(), start);
            return ExitCodes.SUCCESS;
        }
        final long total = traverse(dss, start);
        if (granularity == 's')
        {
            print(total, start);
        }
        return ExitCodes.SUCCESS;
    }

    private long traverse(final Dss dss, final String directory)
    {
        long total = 0;
        for (final FileStat child : dss.list(directory))
        {
            final String childPath = directory + "/" + child.name();
            if (child.type() == FileType.DIRECTORY)
            {
                final long size = traverse(dss, childPath);
                total += separate ? 0 : size;
            }
            else
            {
                if (granularity == 'a')
                {
                    print(child.size(), childPath);
                }
                total += child.size();
            }
        }
        if (granularity != 's')
        {
            print(total, directory);
        }
        return total;
    }

    private void print(final long size, final String what)
    {
        final String number = unit == SizeUnit.G || unit == SizeUnit.T ?
            Formats.format("%.5f", unit.convert(size)) : Formats.format("%.0f", unit.convert(size));
        context.out.println(Formats.format("%-18s %s", number + unit.name(), what));
    }

    private void parseFormat(final String text)
    {
        boolean unitSeen = false;
        boolean granularitySeen = false;
        boolean separateSeen = false;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final SizeUnit letter = SizeUnit.ofLetter(c);
            if (letter != null && !unitSeen)
            {
                unit = letter;
                unitSeen = true;
            }
            else if ((c == 's' || c == 'a') && !granularitySeen)
            {
                granularity = c;
                granularitySeen = true;
            }
            else if (c == 'S' && !separateSeen)
            {
                separate = true;
                separateSeen = true;
            }
            else
            {
                throw new CliException("invalid format: format=" + text + ", at=" + c +
                    "; combine at most one of each: [BKMGT] unit, [sa] summarize or all files, [S] separate " +
                    "subdirectories, e.g. Ms or Ka");
            }
        }
    }
}
