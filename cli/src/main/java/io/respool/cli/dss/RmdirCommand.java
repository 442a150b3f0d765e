package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rmdir -p path [-r]}: remove an empty directory, or with {@code -r} a directory and everything in it.
 */
@Command(name = "rmdir", sortOptions = false,
    description = "[client command] remove dir or with it's contents recursively")
final class RmdirCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path", description = "the directory to remove")
    String path;

    @Option(names = {"-r", "--recursive"}, description = "remove the directory and its contents recursively")
    boolean recursive;

    RmdirCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        dss.rmdir(path, recursive);
        context.out.println("Succeed to rm dir, path is " + path + ".");
        return ExitCodes.SUCCESS;
    }
}
