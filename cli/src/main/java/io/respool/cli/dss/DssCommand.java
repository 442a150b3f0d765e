package io.respool.cli.dss;

import io.respool.dss.Dss;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * A subcommand that works on the open volume groups of the DSS home: opens them, runs, closes them.
 */
abstract class DssCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common;

    final CliContext context;

    DssCommand(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public final Integer call()
    {
        try (Dss dss = context.openDss(common))
        {
            return execute(dss);
        }
    }

    /**
     * @return the exit status.
     */
    abstract int execute(Dss dss);
}
