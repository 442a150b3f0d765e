package io.respool.cluster.agent;

import io.respool.dms.api.PortHolder;
import io.respool.dms.diag.PortProbe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Before each start: is every port the instance will bind free? Asks DMS's {@link PortProbe} (the {@code /proc}
 * scan behind {@code dmscmd check-ports}, as {@code lsof -i}) on a worker, so a slow scan does not hold the agent's
 * loop. Exit 0 all free, 1 held with a detail naming each port, pid and command.
 */
final class PortCheck
{
    private final PortProbe probe;
    private final Executor executor;

    PortCheck(final PortProbe probe, final Executor executor)
    {
        this.probe = probe;
        this.executor = executor;
    }

    RunningOp check(final List<PortUse> ports, final long nowMs)
    {
        if (ports.isEmpty())
        {
            return RunningOp.done("port check", nowMs, new OpResult(0, ""));
        }
        final CompletableFuture<OpResult> f = CompletableFuture.supplyAsync(() -> held(ports), executor);
        return new RunningOp("port check", nowMs, f, () -> f.cancel(true));
    }

    OpResult held(final List<PortUse> ports)
    {
        final List<String> held = new ArrayList<>();
        for (final PortUse use : ports)
        {
            final List<PortHolder> holders;
            try
            {
                holders = probe.holders(use.host(), use.port());
            }
            catch (final RuntimeException ex)
            {
                held.add("port " + use + " cannot be checked: " + ex.getMessage());
                continue;
            }
            for (final PortHolder h : holders)
            {
                held.add("port " + use + " (" + h.protocol() + ") is held by pid " + (h.pid() < 0 ? "unknown" : h.pid()) +
                    " (" + h.command() + ")");
            }
        }
        return held.isEmpty() ? new OpResult(0, "") : new OpResult(1, String.join("; ", held));
    }
}
