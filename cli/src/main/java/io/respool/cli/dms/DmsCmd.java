package io.respool.cli.dms;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/dmscmd}.
 */
@Command(
    name = "dmscmd",
    mixinStandardHelpOptions = true,
    description = "DMS (cache fusion) tools: check node ports, read live node statistics, run a demo node or the " +
        "host's shared media driver.",
    subcommands = { CheckPortsCommand.class, StatCommand.class, RunNodeCommand.class, HostDriverCommand.class })
public final class DmsCmd implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Run without exiting, for tests.
     *
     * @param args command line.
     * @return exit code.
     */
    public static int execute(final String... args)
    {
        return commandLine().execute(args);
    }

    /**
     * @return the command line, with its error handling: an error is one line naming the thing, exit status 2.
     */
    static CommandLine commandLine()
    {
        return new CommandLine(new DmsCmd())
            .setExecutionExceptionHandler((ex, cmd, parsed) ->
            {
                cmd.getErr().println("dmscmd: " + ex.getMessage());
                return 2;
            });
    }
}
