package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rename -o old -n new}: rename or move within one volume group; {@code new} must not exist.
 */
@Command(name = "rename", sortOptions = false,
    description = "[client command] rename file, all file name must begin with '+'")
final class RenameCommand extends DssCommand
{
    @Option(names = {"-o", "--old_name"}, required = true, paramLabel = "old_name", description = "the old name")
    String oldName;

    @Option(names = {"-n", "--new_name"}, required = true, paramLabel = "new_name",
        description = "the new name, in the same volume group; it must not exist")
    String newName;

    RenameCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        dss.rename(oldName, newName);
        context.out.println("Succeed to rename file, old name is " + oldName + ", new name is " + newName + ".");
        return ExitCodes.SUCCESS;
    }
}
