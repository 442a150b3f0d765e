package io.respool.examples.cluster;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The operator's side of a paused failover ({@code bin/cluster-demo --fault kill9 --cm --pause}), as the openGauss
 * manuals advise before maintenance: {@code cmctl pause} once both nodes serve; the fault then goes in; for
 * {@code hold} the cluster manager must do nothing by itself (node 1 not promoted, node 0 not restarted, query
 * says {@code pausing : Yes}); then {@code cmctl failover -n 2} promotes node 1 and {@code cmctl resume} lets the
 * agent restart node 0, which rejoins as a standby. Each cmctl runs in its own JVM, as a user runs it.
 */
final class PausedFailover
{
    /**
     * What the operator saw.
     *
     * @param queryWhilePaused {@code cmctl query -Cv} at the end of the hold.
     * @param failoverOutput   {@code cmctl failover -n 2}'s output.
     * @param failoverMs       how long that command took.
     * @param problems         what did not hold.
     */
    record Result(String queryWhilePaused, String failoverOutput, long failoverMs, List<String> problems)
    {
    }

    private final CmCluster cluster;
    private final FaultRun run;
    private final long holdMs;
    private final PrintStream out;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    // read by the fault gate on the thread that follows node 0's output
    private volatile CompletableFuture<Void> paused;
    private CompletableFuture<Result> result;

    /**
     * @param holdMs how long after the fault the cluster must stay as it is (two leases: a cluster that is not paused
     *               fails a killed primary on this host over at once).
     */
    PausedFailover(final CmCluster cluster, final FaultRun run, final long holdMs, final PrintStream out)
    {
        this.cluster = cluster;
        this.run = run;
        this.holdMs = holdMs;
        this.out = out;
    }

    /** Run {@code cmctl pause} in the background (once both nodes serve and were queried); once. */
    void pause()
    {
        if (paused != null)
        {
            return;
        }
        paused = CompletableFuture.runAsync(() -> expect(cluster.cmctl("pause"), "cmctl: The cluster has been paused.",
            "cmctl pause"));
    }

    /** @return true once {@code cmctl pause} ended: the fault may go in. */
    boolean paused()
    {
        return paused != null && paused.isDone();
    }

    /** Once the fault is in: the hold, then the operator's failover and resume, in the background; once. */
    void afterFault()
    {
        if (result == null)
        {
            result = CompletableFuture.supplyAsync(this::operate);
        }
    }

    /** @return the result once the operator is done, else null. */
    Result result()
    {
        return result != null && result.isDone() ? result.join() : null;
    }

    private Result operate()
    {
        final long faultPid = run.faultPid();
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMs);
        while (System.nanoTime() - endNs < 0)
        {
            if (run.event(FailoverEvents.PUBLISHED) != null)
            {
                problems.add("node 1's arbiter published a view without node 0 while the cluster was paused: " +
                    run.event(FailoverEvents.PUBLISHED).detail());
                break;
            }
            if (cluster.node(0).pid() != faultPid)
            {
                problems.add("the agent restarted node 0 while the cluster was paused (pid " +
                    cluster.node(0).pid() + ")");
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        final String query = cluster.query("-Cv");
        expect(query, "pausing         : Yes", "cmctl query while paused");
        out.println("OPERATOR the cluster stayed as it was for " + holdMs + " ms after the fault (paused); " +
            "now: cmctl failover -n 2");
        final long t0 = System.nanoTime();
        final String failover = cluster.cmctl("failover", "-n", "2", "-t", "30");
        final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        expect(failover, "cmctl: failover successfully: node 2 is Primary.", "cmctl failover -n 2");
        out.println("OPERATOR cmctl failover -n 2 returned after " + failoverMs + " ms; now: cmctl resume");
        expect(cluster.cmctl("resume"), "cmctl: The cluster has been resumed.", "cmctl resume");
        return new Result(query, failover, failoverMs, List.copyOf(problems));
    }

    private void expect(final String output, final String line, final String what)
    {
        out.println(output.stripTrailing());
        if (!output.contains(line))
        {
            problems.add(what + " did not print \"" + line + "\" (output above)");
        }
    }
}
