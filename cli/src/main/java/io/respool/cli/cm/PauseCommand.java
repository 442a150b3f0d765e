package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.FlagFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cmctl pause} and {@code cmctl resume}, as {@code cm_ctl}'s: write or delete {@code cluster_manual_pause} in
 * every node's agent directory. While it is present the agents restart no failed instance and the arbiters kick no
 * node out and fail nothing over by themselves (each logs what it withholds); the operator's {@code start},
 * {@code stop}, {@code switchover} and {@code failover} still work, and {@code query} says {@code pausing : Yes}.
 */
abstract class PauseCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    /** {@code cmctl pause}. */
    @Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause the cluster manager: no automatic restart, kick-out or failover until cmctl resume " +
            "(operator commands still work).")
    static final class Pause extends PauseCommand
    {
        @Override
        boolean apply(final FlagFiles flags) throws IOException
        {
            flags.writePause();
            return true;
        }

        @Override
        String done()
        {
            return "The cluster has been paused.";
        }
    }

    /** {@code cmctl resume}. */
    @Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume the cluster manager after cmctl pause: withheld restarts, kick-outs and failovers go " +
            "ahead.")
    static final class Resume extends PauseCommand
    {
        @Override
        boolean apply(final FlagFiles flags) throws IOException
        {
            return flags.removePause();
        }

        @Override
        String done()
        {
            return "The cluster has been resumed.";
        }
    }

    /** @return true if it changed the node's flag. */
    abstract boolean apply(FlagFiles flags) throws IOException;

    abstract String done();

    @Override
    public Integer call()
    {
        final ClusterConfig config = home.load();
        final List<Integer> changed = new ArrayList<>();
        for (final ClusterNode node : config.nodes())
        {
            final FlagFiles flags = new FlagFiles(node.agentDir());
            try
            {
                if (apply(flags))
                {
                    changed.add(node.id());
                }
            }
            catch (final IOException ex)
            {
                throw new CmCtlException(spec.name() + " failed at node " + node.id() + ": cannot change " +
                    flags.dir().resolve(FlagFiles.CLUSTER_MANUAL_PAUSE) + " (" + ex.getMessage() + ")" +
                    (changed.isEmpty() ? "" : "; nodes " + changed + " were changed already") +
                    "; fix the directory and run cmctl " + spec.name() + " again", 1);
            }
        }
        spec.commandLine().getOut().println("cmctl: " + done());
        return 0;
    }
}
