package io.respool.cli.cm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/cmctl}: openGauss {@code cm_ctl}'s commands over the agents' state and flag files.
 * Every failure is one line on stderr, {@code cmctl: <what> ...; <what to do>}, and a non-zero exit status.
 */
@Command(
    name = "cmctl",
    mixinStandardHelpOptions = true,
    description = "Cluster manager control (openGauss cm_ctl's commands): start, stop and query the cluster, " +
        "list its resources, view its configuration, set and get agent parameters, request a switchover or failover, " +
        "pause and resume its automatic actions.",
    subcommands = { StartCommand.class, StopCommand.class, QueryCommand.class, ListCommand.class, ResCommand.class,
        ViewCommand.class, SetCommand.class, GetCommand.class, SwitchoverCommand.class, FailoverCommand.class,
        PauseCommand.Pause.class, PauseCommand.Resume.class })
public final class CmCtl implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
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

    static CommandLine commandLine()
    {
        final CommandLine cl = new CommandLine(new CmCtl());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) ->
        {
            final int code = ex instanceof CmCtlException c ? c.exitCode : 2;
            final String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            cmd.getErr().println("cmctl: " + message);
            cmd.getErr().flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) ->
        {
            // the qualified name already starts with the program's: "cmctl" for the root, "cmctl query" below it
            ex.getCommandLine().getErr().println("cmctl: " + ex.getMessage() + "; see: " +
                ex.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            return 2;
        });
        return cl;
    }
}
