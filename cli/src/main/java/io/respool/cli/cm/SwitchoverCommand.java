package io.respool.cli.cm;

import picocli.CommandLine.Command;

/**
 * {@code cmctl switchover -n NODEID [-t SECS]}: move the primary role to that node with both alive.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
    description = "Move the primary role to node -n while both nodes are alive (a request file the node process " +
        "acts on; see README). Waits -t seconds for the node to report Primary.")
final class SwitchoverCommand extends RoleCommand
{
    @Override
    String op()
    {
        return "switchover";
    }
}
