package io.respool.examples.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's side of a failover run. It plays the clients: node 0 prints how many commits are acknowledged
 * ({@code ACKED <commits> <lsn>}, every 20 ms), and the commits acknowledged before the fault are the last count it
 * had heard when it made the fault. Once that count reaches {@code afterCommits} it kills, pauses or exhausts
 * node 0, then
 * collects node 1's failover events ({@link FailoverEvents}) for the phase times, and resumes a paused node 0 once
 * the new primary writes. Listener methods run on the nodes' output threads.
 */
final class FaultRun
{
    private final Fault fault;
    private final long afterCommits;
    private final Path heapTrigger;
    private final PrintStream out;
    private final Map<String, FailoverEvents.Event> events = new ConcurrentHashMap<>();
    private volatile FaultTarget primary;
    private volatile long acked;
    private volatile long ackedLsn;
    private volatile long ackedBeforeFault = -1;
    private volatile long ackedLsnBeforeFault;
    private volatile long faultWallMs;
    /** Node 1's suspicion of node 0 raised before the fault and not cleared since, or null. */
    private FailoverEvents.Event suspicionBeforeFault;
    private volatile long faultPid = -1;
    private volatile long faultedExitWallMs;
    private volatile boolean resumed;
    private volatile String failure;
    private volatile java.util.function.BooleanSupplier gate = () -> true;
    private java.util.function.Supplier<NodeProcess> rejoin;
    private volatile long rejoinStartWallMs;

    /**
     * @param heapTrigger the file whose creation makes node 0 run out of heap ({@link HeapExhaustion}), for
     *                    {@link Fault#OOM}.
     */
    FaultRun(final Fault fault, final long afterCommits, final Path heapTrigger, final PrintStream out)
    {
        this.fault = fault;
        this.afterCommits = afterCommits;
        this.heapTrigger = heapTrigger;
        this.out = out;
    }

    void primary(final FaultTarget node)
    {
        this.primary = node;
    }

    /**
     * Hold the fault, once its commit count is reached, until the gate opens (a {@code --cm} run first lets
     * {@code cmctl query} show the healthy cluster); the commits acknowledged before it are counted when it comes.
     */
    void holdFaultUntil(final java.util.function.BooleanSupplier open)
    {
        this.gate = open;
    }

    /**
     * Once the new primary writes and the old primary's process has ended (killed, or fenced when resumed), start
     * a new process of node 0 that rejoins as a standby; {@link #await} then waits for it too.
     *
     * @param start starts node 0's new process.
     */
    void rejoinAfterFailover(final java.util.function.Supplier<NodeProcess> start)
    {
        this.rejoin = start;
    }

    /**
     * @return when node 0's new process was started, epoch ms; 0 if it was not.
     */
    long rejoinStartWallMs()
    {
        return rejoinStartWallMs;
    }

    /**
     * Node 0's lines: the acknowledged counts (not copied on), the fault once the count is reached.
     */
    boolean onPrimaryLine(final String line)
    {
        if (!line.startsWith(ClusterNode.ACKED_PREFIX))
        {
            return true;
        }
        final String[] parts = line.substring(ClusterNode.ACKED_PREFIX.length()).split(" ");
        acked = Long.parseLong(parts[0]);
        ackedLsn = Long.parseLong(parts[1]);
        if (acked >= afterCommits && ackedBeforeFault < 0 && primary != null && gate.getAsBoolean())
        {
            ackedBeforeFault = acked;
            ackedLsnBeforeFault = ackedLsn;
            try
            {
                faultPid = primary.pid();
                if (fault == Fault.OOM)
                {
                    // the fault takes a while: the summary times the process's end too, when it is this JVM's
                    // child (waited for at once; another process's end is only polled for)
                    if (primary instanceof NodeProcess child)
                    {
                        child.onExit().thenRun(() -> faultedExitWallMs = System.currentTimeMillis());
                    }
                    Files.createFile(heapTrigger);
                }
                else
                {
                    primary.signal(fault.signal());
                }
                markFault(System.currentTimeMillis());
                out.println("FAULT " + fault.action() + " of node 0 (pid " + primary.pid() + ") with " +
                    ackedBeforeFault + " commits acknowledged, the last at LSN " + ackedLsnBeforeFault);
            }
            catch (final RuntimeException | IOException ex)
            {
                failure = "the fault could not be injected: " + ex.getMessage();
            }
        }
        return false;
    }

    /**
     * Node 1's lines: events recorded (and copied on), acknowledged counts dropped.
     */
    boolean onStandbyLine(final String line)
    {
        if (line.startsWith(ClusterNode.ACKED_PREFIX))
        {
            return false;
        }
        final FailoverEvents.Event event = FailoverEvents.parse(line);
        if (event != null && !recordedBeforeFault(event))
        {
            final boolean first = events.putIfAbsent(event.name(), event) == null;
            if (first && FailoverEvents.SERVING_WRITES.equals(event.name()))
            {
                resumePrimary();
            }
        }
        return true;
    }

    /**
     * The fault is in: a suspicion of node 0 still standing from before it (a renewal late under load, at the
     * moment of the fault) is its suspicion, at the time of the fault, since no new one will come.
     */
    private synchronized void markFault(final long wallMs)
    {
        faultWallMs = wallMs;
        if (suspicionBeforeFault != null)
        {
            events.putIfAbsent(FailoverEvents.SUSPECTED, new FailoverEvents.Event(FailoverEvents.SUSPECTED, wallMs,
                "standing since before the fault: " + suspicionBeforeFault.detail()));
        }
    }

    /**
     * @return true if the event came before the fault: then only a suspicion, and its clearing, are kept.
     */
    private synchronized boolean recordedBeforeFault(final FailoverEvents.Event event)
    {
        if (faultWallMs != 0)
        {
            return false;
        }
        if (FailoverEvents.SUSPECTED.equals(event.name()))
        {
            suspicionBeforeFault = event;
        }
        else if (FailoverEvents.SUSPICION_CLEARED.equals(event.name()))
        {
            suspicionBeforeFault = null;
        }
        return true;
    }

    /**
     * Send SIGCONT to a paused node 0 that is still there (the fence may have killed it: a paused process on this
     * host does not acknowledge the DSS kick).
     */
    void resumePrimary()
    {
        // the paused process itself: an agent may run a new one under the same node by now
        final long pid = faultPid;
        if (fault == Fault.SIGSTOP && !resumed && pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
            .orElse(false))
        {
            resumed = true;
            try
            {
                NodeProcess.kill(pid, "CONT");
                out.println("FAULT kill -CONT node 0 (pid " + pid + "): the old primary resumes; it must " +
                    "find itself fenced");
            }
            catch (final RuntimeException ex)
            {
                // it exited meanwhile
            }
        }
    }

    /**
     * Wait until node 1 ends. Node 0 is expected to end (killed, or fenced when resumed); if it ends before the
     * fault, the run fails. With {@link #rejoinAfterFailover} node 0 is then started again, and waited for.
     */
    void await(final NodeProcess[] nodes, final long timeoutSeconds, final List<String> problems)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long primaryEndedNs = 0;
        while (nodes[1].isAlive())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                problems.add("the run took longer than " + timeoutSeconds + " s (-D" +
                    ClusterConfig.TIMEOUT_PROP_NAME + "); nodes stopped");
                break;
            }
            if (!nodes[0].isAlive() && ackedBeforeFault < 0)
            {
                primaryEndedNs = primaryEndedNs == 0 ? System.nanoTime() : primaryEndedNs;
                if (System.nanoTime() - primaryEndedNs > TimeUnit.SECONDS.toNanos(15))
                {
                    problems.add("node 0 ended (status " + nodes[0].exitValue() + ") before the fault, after " +
                        acked + " commits; node 1 stopped");
                    break;
                }
            }
            if (rejoin != null && rejoinStartWallMs == 0 && !nodes[0].isAlive() &&
                events.containsKey(FailoverEvents.SERVING_WRITES))
            {
                rejoinStartWallMs = System.currentTimeMillis();
                out.println("node 0 ended (status " + nodes[0].exitValue() + "); starting a new process of node 0, " +
                    "which rejoins as a standby");
                nodes[0] = rejoin.get();
                out.println("started node 0 again: pid " + nodes[0].pid());
            }
            nodes[1].waitFor(100);
        }
        resumePrimary();
        // the rejoined standby ends once it told the new primary its check is done, as node 1 did
        nodes[0].waitFor(TimeUnit.SECONDS.toMillis(rejoinStartWallMs == 0 ? 5 : 15));
        if (failure != null)
        {
            problems.add(failure);
        }
    }

    Fault fault()
    {
        return fault;
    }

    /**
     * @return when the process the fault was made to ended, epoch ms, for {@link Fault#OOM} in a process the
     * launcher started; 0 if not seen.
     */
    long faultedExitWallMs()
    {
        return faultedExitWallMs;
    }

    long afterCommits()
    {
        return afterCommits;
    }

    long ackedBeforeFault()
    {
        return ackedBeforeFault;
    }

    long ackedLsnBeforeFault()
    {
        return ackedLsnBeforeFault;
    }

    /**
     * @return the pid the fault was sent to, -1 before it.
     */
    long faultPid()
    {
        return faultPid;
    }

    /**
     * @return why the run failed outside the nodes (the fault could not be sent), or null.
     */
    String failure()
    {
        return failure;
    }

    long faultWallMs()
    {
        return faultWallMs;
    }

    boolean resumed()
    {
        return resumed;
    }

    /**
     * @return the first event of that name after the fault, or null.
     */
    FailoverEvents.Event event(final String name)
    {
        return events.get(name);
    }
}
