package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code cmctl query [-C] [-v] [-i] [-p] [-d] [-w] [--json]}: {@code cm_ctl query}'s sections and state words from the
 * agents' state files ({@link QueryLayout}).
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Show the cluster state as cm_ctl query does: -Cv every section, -i addresses, -p ports, -d data " +
        "paths, -w one datanode per line; --json for scripts.")
final class QueryCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Option(names = "-C", description = "show the instances (with -v)")
    boolean couple;

    @Option(names = "-v", description = "detail: every section")
    boolean verbose;

    @Option(names = "-i", description = "show node addresses")
    boolean ip;

    @Option(names = "-p", description = "show datanode ports")
    boolean port;

    @Option(names = "-d", description = "show data paths")
    boolean dataPath;

    @Option(names = "-w", description = "one datanode per line")
    boolean wide;

    @Option(names = "--json", description = "the whole state as JSON")
    boolean json;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterConfig config = home.load();
        final ViewStatus view = ViewStatus.read(config, ms ->
        {
            try
            {
                Thread.sleep(ms);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        final QueryLayout layout = new QueryLayout(config, ClusterStatus.read(config, System.currentTimeMillis()), view,
            ip, port, dataPath, wide);
        out.print(json ? Json.write(layout.json()) : layout.render(verbose || couple));
        out.flush();
        return 0;
    }
}
