package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ln -s src -t link}: make {@code link} a symbolic link to {@code src}, which need not exist.
 */
@Command(name = "ln", sortOptions = false, description = "[client command] make links between files")
final class LnCommand extends DssCommand
{
    @Option(names = {"-s", "--src_path"}, required = true, paramLabel = "src_path",
        description = "the path the link points to (a DSS path; need not exist)")
    String source;

    @Option(names = {"-t", "--target_path"}, required = true, paramLabel = "target_path",
        description = "the link to create")
    String link;

    LnCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        dss.symlink(source, link);
        context.out.println("Success to link " + link + " to " + source + ".");
        return ExitCodes.SUCCESS;
    }
}
