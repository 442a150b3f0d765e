package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dms.api.ReformHandler;
import io.respool.dms.api.ReformInfo;
import io.respool.dms.api.ReformType;
import io.respool.dss.Dss;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * How the example database takes part in DMS reforms. The callbacks run on a DMS thread and only hand work off:
 * <ul>
 *     <li>{@code reformStarted} of a reform after the first: run the {@code onFailover} action (the standby stops
 *     its reader: it is about to become the writer);</li>
 *     <li>{@code recover}, on the new primary: replay each removed node's WAL from DSS on a thread of its own,
 *     through DMS's recovery-only access ({@link RecoveryRedoPages}), and complete the step when done (fail it,
 *     naming the WAL, if the log is damaged);</li>
 *     <li>{@code reformFinished} with this node the primary of a view that removed the old one: the node's main
 *     thread, waiting in {@link #awaitTakeOver}, takes the writer's role ({@link WriterRole#takeOver});</li>
 *     <li>{@code demote}, on the old primary of a SWITCHOVER ({@code cmctl switchover}): hand the completion to
 *     the writer ({@link #demotes}), which stops taking transactions, makes its WAL durable and checkpoints;</li>
 *     <li>{@code reformFinished} of a SWITCHOVER with this node the new primary: no RECOVERY step ran (nobody was
 *     removed), so {@link #awaitTakeOver} returns null and the main thread replays the old primary's WAL tail
 *     itself, with normal page access, before it takes the role.</li>
 * </ul>
 */
final class NodeReformHandler implements ReformHandler
{
    private final int nodeId;
    private final Dss dss;
    private final TablePageStore store;
    private final FailoverEvents events;
    private final Runnable onFailover;
    private final CompletableFuture<Recovery.Result> recovered = new CompletableFuture<>();
    private final CompletableFuture<Recovery.Result> takeOver = new CompletableFuture<>();
    private volatile DmsNode node;
    private volatile java.util.function.Consumer<Completion> demoter;
    private volatile int switchedFrom = -1;
    private volatile boolean switchingOver;
    private volatile int switchovers;
    private int plannedSwitchovers;

    NodeReformHandler(final int nodeId, final Dss dss, final TablePageStore store, final FailoverEvents events,
        final Runnable onFailover)
    {
        this.nodeId = nodeId;
        this.dss = dss;
        this.store = store;
        this.events = events;
        this.onFailover = onFailover;
    }

    /**
     * @param node the DMS node, once launched (recovery acquires pages through it).
     */
    void node(final DmsNode node)
    {
        this.node = node;
    }

    /**
     * @param count the switchovers the launcher will ask for in this run ({@code cmctl switchover}).
     * @return this.
     */
    NodeReformHandler plannedSwitchovers(final int count)
    {
        this.plannedSwitchovers = count;
        return this;
    }

    /**
     * Have {@code writer} hand over in a switchover's DEMOTE step. While the run has a switchover to come, the
     * writer holds its workload's end for it ({@link Writer#holdForHandOver}): however slowly cmctl's JVM starts,
     * the switch comes while there is work left to hand over.
     */
    void demotes(final Writer writer)
    {
        if (switchovers < plannedSwitchovers)
        {
            writer.holdForHandOver();
        }
        this.demoter = (done) -> writer.handOver(events, done);
    }

    @Override
    public void demote(final ReformInfo info, final Completion done)
    {
        events.emit(FailoverEvents.DEMOTE_STARTED, "switchover " + info.before() + " -> " + info.after() +
            ": the writer stops taking transactions");
        final java.util.function.Consumer<Completion> action = demoter;
        if (action == null)
        {
            // a primary whose writing cannot be stopped (the bank workload's, or before its writer exists): let
            // the reform fail rather than have two writers
            done.fail("node " + nodeId + " cannot hand its writer role over now: its workload has no demote step");
            return;
        }
        action.accept(done);
    }

    /**
     * @return whether the reform under way (or last) is a SWITCHOVER: the old primary is alive.
     */
    boolean switchingOver()
    {
        return switchingOver;
    }

    /**
     * @return the old primary of the switchover that made this node the primary, -1 if none did.
     */
    int switchedFrom()
    {
        return switchedFrom;
    }

    @Override
    public void reformStarted(final ReformInfo info)
    {
        if (info.before() != null)
        {
            events.emit(FailoverEvents.REFORM_STARTED, info.type() + " " + info.before() + " -> " + info.after());
            switchingOver = info.type() == ReformType.SWITCHOVER;
            if (switchingOver)
            {
                switchovers++;
            }
            onFailover.run();
        }
    }

    @Override
    public void recover(final ReformInfo info, final Completion done)
    {
        if (info.removed() == 0)
        {
            done.complete();
            return;
        }
        final Thread replay = new Thread(() -> replay(info, done), "recovery-" + nodeId);
        replay.setDaemon(true);
        replay.start();
    }

    private void replay(final ReformInfo info, final Completion done)
    {
        try
        {
            Recovery.Result last = null;
            for (long rest = info.removed(); rest != 0; rest &= rest - 1)
            {
                final int dead = Long.numberOfTrailingZeros(rest);
                events.emit(FailoverEvents.RECOVERY_STARTED, "replaying " + ClusterNode.walPath(dead) +
                    " with recovery-only page access");
                last = WriterRole.replay(dss, ClusterNode.walPath(dead),
                    new RecoveryRedoPages(awaitNode(), store, ClusterNode.ACQUIRE_TIMEOUT_NS), nodeId);
                events.emit(FailoverEvents.RECOVERY_DONE, last.commits() + " commits, end LSN " + last.endLsn() +
                    ", " + last.replayed() + " records replayed, " + last.pagesChanged() + " page changes applied");
            }
            recovered.complete(last);
            done.complete();
        }
        catch (final RuntimeException ex)
        {
            recovered.completeExceptionally(ex);
            done.fail("recovery of the removed node's WAL failed: " + ex.getMessage());
        }
    }

    private DmsNode awaitNode()
    {
        // recover can only come once DMS is launched, which sets the node right after: a short wait at most
        while (node == null)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return node;
    }

    @Override
    public void reformFinished(final ReformInfo info)
    {
        if (info.before() == null)
        {
            return;
        }
        events.emit(FailoverEvents.REFORM_FINISHED, info.type() + ", serving " + info.after());
        if (info.after().primary() == nodeId && info.before().primary() != nodeId &&
            info.type() == ReformType.SWITCHOVER)
        {
            // the old primary demoted (its WAL durable, checkpointed) and stays a member: the caller replays
            switchedFrom = info.before().primary();
            takeOver.complete(null);
        }
        else if (info.after().primary() == nodeId && info.before().primary() != nodeId)
        {
            recovered.whenComplete((result, failure) ->
            {
                if (failure != null)
                {
                    takeOver.completeExceptionally(failure);
                }
                else
                {
                    takeOver.complete(result);
                }
            });
        }
    }

    /**
     * Wait until a failover or a switchover made this node the primary and its reform ended.
     *
     * @return what the replay of the dead primary's WAL found; null after a switchover (no replay ran, see
     * {@link #switchedFrom}).
     * @throws IllegalStateException if it did not happen in time, or the replay failed.
     */
    Recovery.Result awaitTakeOver(final long timeoutNs)
    {
        try
        {
            return takeOver.get(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("this node was not made the primary within " +
                TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms of the reader stopping: reform state " +
                (node == null ? "unknown" : node.reformState()) + ", view " +
                (node == null ? "unknown" : node.membershipView()));
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("taking over as the primary failed: " + ex.getCause(), ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting to take over", ex);
        }
    }
}
