package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code truncate -p path -l length}: set a file's length; shrinking frees space at once, growing reads as zeros.
 */
@Command(name = "truncate", sortOptions = false, description = "[client command] truncate file to length")
final class TruncateCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the file to truncate, must begin with +")
    String path;

    @Option(names = {"-l", "--length"}, required = true, paramLabel = "length",
        description = "the new length in bytes, optionally with K, M, G or T (powers of 1024)")
    String length;

    TruncateCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        dss.truncate(path, Formats.parseSize(length, "length"));
        context.out.println("Success to truncate file, name is " + path + ".");
        return ExitCodes.SUCCESS;
    }
}
