package io.respool.cli.cm;

import picocli.CommandLine.Option;

/**
 * The options {@code set}, {@code get} and {@code list --param} share with {@code cm_ctl}: {@code --param},
 * {@code --agent} (the only kind here), {@code --server} (refused: there is no cm_server) and {@code -n}.
 */
final class AgentParamOptions
{
    @Option(names = "--param", description = "a parameter (the only kind here)")
    boolean param;

    @Option(names = "--agent", description = "the agent's parameters")
    boolean agent;

    @Option(names = "--server", description = "cm_server's parameters: there is no cm_server here")
    boolean server;

    @Option(names = "-n", paramLabel = "NODEID", description = "only this node")
    Integer nodeId;
}
