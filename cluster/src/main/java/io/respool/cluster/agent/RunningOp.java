package io.respool.cluster.agent;

import java.util.concurrent.CompletableFuture;

/**
 * A script call or process action under way on a worker thread. The supervisor polls {@link #result()} from its
 * own thread and, when the call outlives its {@code time_out} by the supervisor's clock, {@link #kill()}s it:
 * so a hung script holds one worker, never the agent's loop or another resource.
 */
final class RunningOp
{
    private final String what;
    private final long startedMs;
    private final CompletableFuture<OpResult> future;
    private final Runnable killer;

    RunningOp(final String what, final long startedMs, final CompletableFuture<OpResult> future,
        final Runnable killer)
    {
        this.what = what;
        this.startedMs = startedMs;
        this.future = future;
        this.killer = killer;
    }

    static RunningOp done(final String what, final long nowMs, final OpResult result)
    {
        return new RunningOp(what, nowMs, CompletableFuture.completedFuture(result), () ->
        {
        });
    }

    String what()
    {
        return what;
    }

    long startedMs()
    {
        return startedMs;
    }

    /**
     * @return the result, or null while it runs.
     */
    OpResult result()
    {
        return future.isDone() ? future.join() : null;
    }

    void kill()
    {
        killer.run();
    }
}
