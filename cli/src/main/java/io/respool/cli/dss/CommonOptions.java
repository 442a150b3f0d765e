package io.respool.cli.dss;

import picocli.CommandLine.Option;

/**
 * Options every subcommand takes: the DSS home, the openGauss server socket (accepted and ignored) and help.
 */
final class CommonOptions
{
    @Option(names = {"-D", "--DSS_HOME"}, paramLabel = "DSS_HOME",
        description = "DSS home: the directory holding cfg/dss_vg_conf.ini; default $DSS_HOME")
    String dssHome;

    @Option(names = {"-U", "--UDS"}, paramLabel = "UDS:socket_domain",
        description = "accepted for openGauss compatibility and ignored: dsscmd works offline on the volumes of " +
        "the DSS home")
    String uds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;
}
