package io.respool.cli.dss;

import picocli.CommandLine.Option;

/**
 * Options every subcommand takes: the DSS home, the openGauss server socket (accepted and ignored) and help.
 */
final class CommonOptions
{
    @Option(names = {"-D", "--DSS_HOME"}, paramLabel = "DSS_HOME", order = 90,
        description = "the DSS home, with cfg/dss_vg_conf.ini in it; default $DSS_HOME")
    String dssHome;

    @Option(names = {"-U", "--UDS"}, paramLabel = "UDS:socket", order = 91,
        description = "the openGauss server socket: accepted and ignored, dsscmd works offline")
    String uds;

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 92, description = "show this help and exit")
    boolean help;
}
