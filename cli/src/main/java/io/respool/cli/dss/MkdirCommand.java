package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mkdir -p parent -d name}: make directory {@code name} in the existing directory {@code parent}.
 */
@Command(name = "mkdir", sortOptions = false, description = "[client command] make dir")
final class MkdirCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the existing parent directory, e.g. +data or +data/base")
    String parent;

    @Option(names = {"-d", "--dir_name"}, required = true, paramLabel = "dir_name",
        description = "the name of the new directory: one name, no /")
    String name;

    MkdirCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        if (name.indexOf('/') >= 0 || name.isEmpty())
        {
            throw new CliException("dir name must be one name without /: dir_name=" + name + ", path=" + parent +
                "; make one level at a time, e.g. -p " + parent + " -d " + firstName(name));
        }
        dss.mkdir(parent + "/" + name);
        context.out.println("Succeed to make dir, path is " + parent + ", dir name is " + name + ".");
        return ExitCodes.SUCCESS;
    }

    private static String firstName(final String text)
    {
        for (final String part : text.split("/"))
        {
            if (!part.isEmpty())
            {
                return part;
            }
        }
        return "name";
    }
}
