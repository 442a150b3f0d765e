package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code touch -p path [-f flag]}: create an empty file. The openGauss flag {@code 2147483648} (read unwritten
 * ranges as zeros) is accepted: every DSS file here reads unwritten ranges as zeros.
 */
@Command(name = "touch", sortOptions = false, description = "[client command] create file")
final class TouchCommand extends DssCommand
{
    static final long FLAG_INNER_INITED = 0x80000000L;

    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the file to create, e.g. +data/base/t1; its directory must exist")
    String path;

    @Option(names = {"-f", "--flag"}, paramLabel = "flag",
        description = "0 or 2147483648 (0x80000000, unwritten ranges read as zeros: always true here)")
    long flag;

    TouchCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        if (flag != 0 && flag != FLAG_INNER_INITED)
        {
            throw new CliException("invalid flag: flag=" + flag + "; use 0 or 2147483648 (0x80000000)");
        }
        dss.createFile(path);
        context.out.println("Succeed to create file, name is " + path + ".");
        return ExitCodes.SUCCESS;
    }
}
