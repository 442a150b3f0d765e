package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code readlink -p link}: print where a symbolic link points.
 */
@Command(name = "readlink", sortOptions = false, description = "[client command] read link path")
final class ReadlinkCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path", description = "the link path to read")
    String link;

    ReadlinkCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        final String target = dss.readlink(link);
        context.out.println("link: " + link + " link to: " + target + ".");
        return ExitCodes.SUCCESS;
    }
}
