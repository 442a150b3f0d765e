package io.respool.cli.dss;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code dsscmd}: the openGauss DSS command line, offline. Subcommands keep openGauss's names, flags, meanings and
 * success lines ({@code cv, lsvg, adv, rmv, mkdir, touch, ls, cp, rm, rmdir, rename, truncate, du, find, ln,
 * readlink, unlink, examine, showdisk}, the fencing commands and the {@code dss_contrl.sh} ones: {@code stopdss,
 * scandisk, clean_vglock}) and add {@code check}. Each invocation opens the volume groups of the DSS
 * home ({@code -D DIR}, else {@code $DSS_HOME}) and closes them.
 * <p>
 * Output: results and success lines on stdout; errors as one line {@code dsscmd: <command>: <message>} on stderr,
 * never a stack trace. Where openGauss prints a failure line of its own (an {@link OpenGaussFailure} command, or a
 * {@link CliException} that carries one), that line goes to stdout first, as openGauss prints it. Exit status 0 on
 * success, 255 on any error, 1 when {@code check} finds problems.
 * <p>
 * System property {@value #PROGRESS_PROP_NAME}: {@code true} lets {@code cp} draw a progress bar on stderr for large
 * copies; {@code bin/dsscmd} sets it when stderr is a terminal.
 */
public final class DssCmd
{
    /** System property: {@code true} to draw progress bars on stderr. */
    public static final String PROGRESS_PROP_NAME = "respool.dsscmd.progress";

    /** openGauss's hint after an unknown command. */
    static final String HELP_HINT = "Try \"dsscmd -h/--help\" for help information.";
    static final String ALL_HINT = "Try \"dsscmd -a/--all\" for detailed help information.";

    private static final String SLF4J_LEVEL_PROP_NAME = "org.slf4j.simpleLogger.defaultLogLevel";

    private DssCmd()
    {
    }

    /**
     * Run {@code dsscmd} and exit with its status.
     *
     * @param args the command line, command first.
     */
    public static void main(final String[] args)
    {
        if (System.getProperty(SLF4J_LEVEL_PROP_NAME) == null)
        {
            System.setProperty(SLF4J_LEVEL_PROP_NAME, "warn");
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Run one {@code dsscmd} invocation in this process, with the environment of the process.
     *
     * @param args the command line, command first.
     * @param out  where results and success lines go.
     * @param err  where errors, warnings and progress go.
     * @return the exit status: 0 on success, 255 on error, 1 when {@code check} found problems.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return run(args, out, err, System.getenv(), Boolean.getBoolean(PROGRESS_PROP_NAME));
    }

    /**
     * Run with a given environment (for {@code DSS_HOME}) and progress setting.
     */
    static int run(
        final String[] args,
        final PrintStream out,
        final PrintStream err,
        final Map<String, String> env,
        final boolean progress)
    {
        final CliContext context = new CliContext(out, err, env, progress);
        final CommandLine commandLine = commandLine(context);
        try
        {
            if (args.length > 0 && !args[0].startsWith("-") && !commandLine.getSubcommands().containsKey(args[0]))
            {
                // openGauss's three lines, on stdout as it prints them
                out.println(ErrorLines.PREFIX + "command(" + ErrorLines.oneLine(args[0]) + ") not found!");
                out.println(ErrorLines.PREFIX + HELP_HINT);
                out.println(ErrorLines.PREFIX + ALL_HINT);
                return ExitCodes.ERROR;
            }
            return commandLine.execute(args);
        }
        catch (final LinkageError | VirtualMachineError ex)
        {
            err.println(ErrorLines.line(null, ex));
            return ExitCodes.ERROR;
        }
        finally
        {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine(final CliContext context)
    {
        final CommandLine commandLine = new CommandLine(new TopCommand(context));
        for (final Object command : subcommands(context))
        {
            commandLine.addSubcommand(command);
        }
        commandLine
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setOut(new PrintWriter(new OutputStreamWriter(context.out, StandardCharsets.UTF_8), true))
            .setErr(new PrintWriter(new OutputStreamWriter(context.err, StandardCharsets.UTF_8), true))
            .setParameterExceptionHandler(DssCmd::onParameterError)
            .setExecutionExceptionHandler((ex, cl, parseResult) ->
            {
                printOpenGaussLines(context, cl.getCommand(), ex);
                context.err.println(ErrorLines.line(commandName(cl), ex));
                return ExitCodes.ERROR;
            });
        commandLine.getCommandSpec().versionProvider(() -> new String[]{"dsscmd " + version() +
            " (respool: pure-Java DSS, offline mode)"});
        return commandLine;
    }

    /**
     * @return one instance of every subcommand, in the order help lists them.
     */
    static List<Object> subcommands(final CliContext context)
    {
        return List.of(
            new CreateVgCommand(context),
            new LsvgCommand(context),
            new AddVolumeCommand(context),
            new RemoveVolumeCommand(context),
            new MkdirCommand(context),
            new TouchCommand(context),
            new LsCommand(context),
            new CpCommand(context),
            new RmCommand(context),
            new RmdirCommand(context),
            new RenameCommand(context),
            new TruncateCommand(context),
            new DuCommand(context),
            new FindCommand(context),
            new LnCommand(context),
            new ReadlinkCommand(context),
            new UnlinkCommand(context),
            new ExamineCommand(context),
            new ShowdiskCommand(context),
            new CheckCommand(context),
            new FenceCommands.Status(context),
            new FenceCommands.Register(context),
            new FenceCommands.Unregister(context),
            new FenceCommands.Kick(context),
            new FenceCommands.Inquire(context),
            new ScriptCommands.Stop(context),
            new ScandiskCommand(context),
            new ScriptCommands.CleanVgLock(context));
    }

    /**
     * Print on stdout what openGauss prints there for this failure: the failure's own line or the command's, then
     * the {@code  detail reason} line if there is one.
     */
    private static void printOpenGaussLines(final CliContext context, final Object command, final Exception ex)
    {
        final CliException cli = ex instanceof CliException ? (CliException)ex : null;
        if (cli != null && cli.openGaussLine != null)
        {
            context.out.println(cli.openGaussLine);
        }
        else if (command instanceof OpenGaussFailure)
        {
            context.out.println(((OpenGaussFailure)command).openGaussFailureLine());
        }
        if (cli != null && cli.openGaussDetail != null)
        {
            context.out.println(" detail reason " + cli.openGaussDetail);
        }
    }

    private static int onParameterError(final ParameterException ex, final String[] args)
    {
        final String command = commandName(ex.getCommandLine());
        final String help = command == null ? "dsscmd -h" : "dsscmd " + command + " -h";
        ex.getCommandLine().getErr().println(ErrorLines.line(command, new CliException(ex.getMessage() +
            "; see " + help)));
        return ExitCodes.ERROR;
    }

    /**
     * @return the subcommand's name, or null for the top level.
     */
    private static String commandName(final CommandLine commandLine)
    {
        return commandLine.getParent() == null ? null : commandLine.getCommandName();
    }

    /**
     * @return the version from the jar's Maven metadata, or {@code development} when run from classes.
     */
    static String version()
    {
        try (InputStream in = DssCmd.class.getResourceAsStream("/META-INF/maven/io.respool/cli/pom.properties"))
        {
            if (in != null)
            {
                final Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "development");
            }
        }
        catch (final java.io.IOException ex)
        {
            return "development";
        }
        return "development";
    }
}
