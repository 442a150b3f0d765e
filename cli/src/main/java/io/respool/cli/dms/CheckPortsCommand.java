package io.respool.cli.dms;

import io.respool.common.NodeAddress;
import io.respool.dms.api.NodeList;
import io.respool.dms.api.PortHolder;
import io.respool.dms.diag.PortProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code dmscmd check-ports -u URL}: for each node of a dms_url, is its port free, or who holds it (pid and
 * command line, found in /proc as {@code lsof -i} would). Starts nothing. Exit 0 if all free, 1 if any is held.
 */
@Command(name = "check-ports", mixinStandardHelpOptions = true,
    description = "Check, without starting anything, that each node's port in a dms_url is free; " +
        "exit 1 if any is held.")
final class CheckPortsCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = { "-u", "--url" }, required = true, description = "dms_url, e.g. 0:127.0.0.1:1613,1:127.0.0.1:1614")
    String url;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final NodeList nodes = NodeList.parse(url);
        final PortProbe probe = new PortProbe();
        int held = 0;
        for (final NodeAddress node : nodes.nodes())
        {
            final List<PortHolder> holders = probe.holders(node.host(), node.port());
            if (holders.isEmpty())
            {
                out.printf("node %d %s free%n", node.id(), node.endpoint());
            }
            else
            {
                held++;
                for (final PortHolder holder : holders)
                {
                    out.printf("node %d %s held: protocol=%s local=%s:%d pid=%s command=%s%n",
                        node.id(), node.endpoint(), holder.protocol(), holder.localAddress(), holder.port(),
                        holder.pid() < 0 ? "unknown" : String.valueOf(holder.pid()), holder.command());
                }
            }
        }
        out.printf("%d of %d ports held%n", held, nodes.size());
        out.flush();
        return held == 0 ? 0 : 1;
    }
}
