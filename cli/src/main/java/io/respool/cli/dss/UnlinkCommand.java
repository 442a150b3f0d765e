package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unlink -p link}: remove a symbolic link (not what it points to).
 */
@Command(name = "unlink", sortOptions = false, description = "[client command] unlink path")
final class UnlinkCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path", description = "the link path to unlink")
    String link;

    UnlinkCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        dss.unlink(link);
        context.out.println("Succeed to unlink " + link + ".");
        return ExitCodes.SUCCESS;
    }
}
