package io.respool.cli.dss;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The top level of {@code dsscmd}: {@code -h/--help}, {@code -a/--all}, {@code -v/--version}, and the message when
 * no command is given.
 */
@Command(
    name = "dsscmd",
    synopsisHeading = "Usage: ",
    customSynopsis = "dsscmd <command> [OPTIONS]   (dsscmd <command> -h for one command)",
    description = {
        "The openGauss DSS command line for volume groups over image files and raw block devices.",
        "Works offline on the volumes named in the DSS home: -D DIR, else $DSS_HOME (DIR/cfg/dss_vg_conf.ini)."},
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {
        "Exit status: 0 on success, 255 on any error (one line on stderr, after openGauss's own failure line on",
        "stdout where openGauss prints one), 1 when check finds problems.",
        "Example: dsscmd cv -g data -v /home/test/dss/dev/dss-dba && dsscmd lsvg && dsscmd ls -m M -p +data"})
final class TopCommand implements Callable<Integer>
{
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show the version and exit")
    boolean version;

    @Option(names = {"-a", "--all"}, description = "show the help of every command and exit")
    boolean all;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    TopCommand(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public Integer call()
    {
        if (all)
        {
            final CommandLine top = spec.commandLine();
            top.usage(context.out);
            for (final CommandLine sub : top.getSubcommands().values())
            {
                context.out.println();
                sub.usage(context.out);
            }
            return ExitCodes.SUCCESS;
        }
        context.err.println(ErrorLines.PREFIX + "no operation specified; try dsscmd -h/--help for the commands, " +
            "dsscmd -a/--all for the help of every command");
        return ExitCodes.ERROR;
    }
}
