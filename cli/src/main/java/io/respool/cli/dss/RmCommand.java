package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rm -p path}: remove a file or link; its space is free at once (at close, if a process still has it open).
 */
@Command(name = "rm", sortOptions = false, description = "[client command] remove device (a file or link)")
final class RmCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the file to remove, must begin with +")
    String path;

    RmCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        dss.delete(path);
        context.out.println("Succeed to remove device " + path + ".");
        return ExitCodes.SUCCESS;
    }
}
