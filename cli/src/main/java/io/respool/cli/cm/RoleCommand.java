package io.respool.cli.cm;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * What {@code switchover} and {@code failover} share: {@code -n NODEID -t SECS}, and the request file
 * ({@link RoleRequest}).
 */
abstract class RoleCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Option(names = "-n", paramLabel = "NODEID", required = true, description = "the node to become primary")
    int nodeId;

    @Option(names = "-t", paramLabel = "SECS", defaultValue = "60", description = "wait this long (0: do not wait)")
    int timeoutS;

    abstract String op();

    @Override
    public Integer call() throws IOException
    {
        return RoleRequest.request(op(), home, nodeId, timeoutS, spec.commandLine().getOut());
    }
}
