package io.respool.cli.cm;

import picocli.CommandLine.Command;

/**
 * {@code cmctl failover -n NODEID [-t SECS]}: force a promotion of that node when the operator knows the primary
 * is gone (not a {@code cm_ctl} command; CM has none).
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Force node -n to become primary when the operator knows the primary is gone (a request file the " +
        "node process acts on; see README). Waits -t seconds for the node to report Primary.")
final class FailoverCommand extends RoleCommand
{
    @Override
    String op()
    {
        return "failover";
    }
}
