package io.respool.cluster.arbiter;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.ProcessIdentity;
import io.respool.dms.api.MembershipView;
import io.respool.dss.KickResult;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Several arbiters on one {@link SimDisk} with a stepped clock and a network matrix, no threads. Nodes crash,
 * pause (SIGSTOP), lose the disk or the network. With {@link #sameHost} all nodes share one kernel: each sees the
 * others' processes ({@link HostProcesses}: crashed is gone, paused is stopped, a kill crashes) and the kick, as
 * DSS's, finds a crashed victim not running and kills a paused one after a second of silence; otherwise each runs
 * on its own host and a kick of a crashed or paused victim is unconfirmed after that second. After every step it
 * checks: one view per version across nodes; when a node publishes a view that removes a node, that node cannot
 * serve (dead, fenced by DSS, or its own gate shut); a node never serves after a view removing it was published.
 * <p>
 * A node {@link Node#restart restarts} as a new process: a new incarnation and process start time, a DSS instance
 * fenced if a kick raised its fence since it was last registered (as DSS's fence sector stays raised), registered
 * again only through the arbiter's {@link StorageAdmission}. Checked besides: a process of a node becomes a member
 * only if it is newer than every process of it that was a member before, and at most one process per node (its
 * generation) is ever a member of the views of one version range: once removed, a generation never comes back;
 * and a generation takes up a view only if a published view removed the node since the previous member generation
 * took one up (so the reform of that removal recovers whatever the earlier one wrote).
 */
final class ClusterSimulation
{
    static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final ClusterAreaLayout LAYOUT = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);

    final SimDisk disk;
    final int count;
    final Node[] nodes;
    final boolean[][] link;
    final Map<Integer, MembershipView> decided = new HashMap<>();
    final long[] removedAtNs;
    /** The generation of each node that the earliest publication removing it (in {@link #removedAtNs}) removed. */
    final int[] removedGeneration;
    /** The highest generation of each node that ever became a member, -1 if none. */
    final int[] memberGeneration;
    /** The version of the first view that generation ({@link #memberGeneration}) published as a member. */
    final int[] memberAdmittedIn;
    int rejoins;
    /** Generations that took up a view restarting a cluster none of whose members ran. */
    int clusterRestarts;
    int restarts;
    long nowNs = 1_000_000_000L;
    int serves;
    int fenced;
    boolean noNetworkLane;
    final boolean sameHost;
    int kills;

    /**
     * One simulated node process.
     */
    final class Node
    {
        final int id;
        final long[] heardNs;
        DecidedViews views;
        Arbiter arbiter;
        boolean crashed;
        boolean paused;
        /** The operator paused arbitration on this node's host ({@code cmctl pause}); a restart keeps it. */
        boolean arbitrationPaused;
        /** The current process's DSS gate is shut: it acknowledged a kick, or started while the fence was raised. */
        boolean dssFenced;
        /** The DSS fence sector of this node's instance is raised (a kick), until the instance registers again. */
        boolean fenceRaised;
        int generation;
        boolean wasMember;
        /** Version of the first view the current generation published with itself a member, 0 if none yet. */
        int admittedIn;
        long kickDueNs;
        final Map<Integer, Long> kicks = new HashMap<>();

        Node(final int id)
        {
            this.id = id;
            this.heardNs = new long[count];
            java.util.Arrays.fill(heardNs, NetworkLiveness.NEVER);
            start();
        }

        void start()
        {
            final ArbiterContext ctx = new ArbiterContext().nodeId(id).nodeCount(count)
                .initialView((1L << count) - 1, 0).hostProcesses(processes()).storageAdmission(admission())
                .nanoClock(() -> nowNs).arbitrationPaused(() -> arbitrationPaused);
            final ClusterDisk clusterDisk = new ClusterDisk(disk.port(id), LAYOUT);
            views = new DecidedViews();
            final int gen = generation;
            arbiter = new Arbiter(ctx, clusterDisk, new DiskPaxosRegister(clusterDisk, id, count),
                peer -> noNetworkLane ? NetworkLiveness.NO_LANE : heardNs[peer], fencer(), reason -> fenced++, views,
                (id + 1L) << 32 | gen, nowNs);
            views.listen(view -> onPublished(this, gen, view));
            wasMember = false;
            admittedIn = 0;
        }

        /**
         * Start a new process for this node, as a supervisor would after kill -9 or a self-fence (the old one is
         * killed first if it still runs).
         */
        void restart()
        {
            generation++;
            restarts++;
            crashed = false;
            paused = false;
            dssFenced = fenceRaised;
            start();
        }

        boolean canServe()
        {
            return !crashed && !paused && !dssFenced && arbiter.mayServe(nowNs);
        }

        private StorageAdmission admission()
        {
            return new StorageAdmission()
            {
                private boolean done;

                @Override
                public void start()
                {
                    done = !disk.isCutOff(id);
                    if (done)
                    {
                        fenceRaised = false;
                        dssFenced = false;
                    }
                }

                @Override
                public Status poll()
                {
                    return done ? Status.DONE : Status.FAILED;
                }
            };
        }

        private HostProcesses processes()
        {
            return new HostProcesses()
            {
                @Override
                public ProcessIdentity self()
                {
                    return new ProcessIdentity(sameHost ? 1 : id + 1, 1, 100 + id, 1 + generation);
                }

                @Override
                public Status status(final ProcessIdentity process)
                {
                    if (!process.sameHostAs(self()))
                    {
                        return Status.ELSEWHERE;
                    }
                    final Node target = nodes[(int)process.pid() - 100];
                    return target.crashed || process.startTicks() != 1 + target.generation ? Status.GONE :
                        target.paused ? Status.STOPPED : Status.RUNNING;
                }

                @Override
                public boolean kill(final ProcessIdentity process)
                {
                    final Node target = nodes[(int)process.pid() - 100];
                    if (!process.sameHostAs(self()) || process.startTicks() != 1 + target.generation)
                    {
                        return false;
                    }
                    target.crashed = true;
                    kills++;
                    return true;
                }
            };
        }

        private Fencer fencer()
        {
            return new Fencer()
            {
                @Override
                public void start(final int victim)
                {
                    kicks.putIfAbsent(victim, nowNs);
                    nodes[victim].fenceRaised = true;
                }

                @Override
                public boolean fenceRaised(final int victim)
                {
                    return kicks.containsKey(victim);
                }

                @Override
                public KickResult poll(final int victim)
                {
                    final Long started = kicks.get(victim);
                    final Node target = nodes[victim];
                    if (started == null)
                    {
                        return null;
                    }
                    if (!target.crashed && !target.paused && !disk.isCutOff(victim))
                    {
                        kicks.remove(victim);
                        target.dssFenced = true;
                        return KickResult.ACKNOWLEDGED;
                    }
                    if (nowNs - started < TimeUnit.SECONDS.toNanos(1))
                    {
                        return null;
                    }
                    // a second without its DSS heartbeat: DSS looks at the process if it runs here
                    kicks.remove(victim);
                    if (!sameHost)
                    {
                        return KickResult.UNCONFIRMED;
                    }
                    if (target.crashed)
                    {
                        return KickResult.NOT_RUNNING;
                    }
                    target.crashed = true;
                    return KickResult.KILLED;
                }
            };
        }
    }

    ClusterSimulation(final long seed, final int count)
    {
        this(seed, count, false);
    }

    ClusterSimulation(final long seed, final int count, final boolean sameHost)
    {
        this.sameHost = sameHost;
        this.disk = new SimDisk(seed);
        this.count = count;
        this.link = new boolean[count][count];
        this.removedAtNs = new long[count];
        java.util.Arrays.fill(removedAtNs, Long.MAX_VALUE);
        this.removedGeneration = new int[count];
        this.memberGeneration = new int[count];
        this.memberAdmittedIn = new int[count];
        java.util.Arrays.fill(memberGeneration, -1);
        for (final boolean[] row : link)
        {
            java.util.Arrays.fill(row, true);
        }
        new ClusterDisk(disk.port(0), LAYOUT).format(count);
        this.nodes = new Node[count];
        for (int i = 0; i < count; i++)
        {
            nodes[i] = new Node(i);
        }
    }

    /**
     * @return a cluster of {@code count} nodes (seeded with {@code count}) that decided its first view everywhere
     * and ran half a second more.
     */
    static ClusterSimulation started(final int count, final boolean sameHost)
    {
        return started(count, count, sameHost);
    }

    static ClusterSimulation started(final long seed, final int count, final boolean sameHost)
    {
        final ClusterSimulation sim = new ClusterSimulation(seed, count, sameHost);
        sim.runUntil(() ->
        {
            for (int i = 0; i < count; i++)
            {
                if (sim.view(i) == null)
                {
                    return false;
                }
            }
            return true;
        }, 1000, "first view");
        sim.run(500);
        return sim;
    }

    /**
     * @return true once {@code node}'s current process is a member of a published view holding it.
     */
    boolean isMember(final int node)
    {
        return nodes[node].arbiter.state() == ArbiterState.MEMBER && view(node) != null &&
            view(node).isMember(node);
    }

    void cutNetwork(final int a, final int b)
    {
        link[a][b] = false;
        link[b][a] = false;
    }

    void healNetwork()
    {
        for (final boolean[] row : link)
        {
            java.util.Arrays.fill(row, true);
        }
    }

    void step()
    {
        nowNs += TICK_NS;
        for (final Node node : nodes)
        {
            if (node.crashed || node.paused)
            {
                continue;
            }
            for (final Node other : nodes)
            {
                if (other != node && !other.crashed && !other.paused && link[other.id][node.id])
                {
                    node.heardNs[other.id] = nowNs;
                }
            }
            for (int i = 0; i < 8; i++)
            {
                node.arbiter.doWork(nowNs, nowNs / 1_000_000);
                if (disk.takeCrash(node.id))
                {
                    node.crashed = true;
                    break;
                }
            }
            checkMembership(node);
            if (node.canServe())
            {
                serves++;
                if (removedAtNs[node.id] <= nowNs && removedGeneration[node.id] == node.generation)
                {
                    throw new AssertionError("node " + node.id + " (generation " + node.generation + ") served " +
                        "after a view removing it was published");
                }
            }
        }
    }

    void run(final long ms)
    {
        for (long t = 0; t < TimeUnit.MILLISECONDS.toNanos(ms); t += TICK_NS)
        {
            step();
        }
    }

    /**
     * @return ms of simulated time until {@code done} held, failing after {@code limitMs}.
     */
    long runUntil(final java.util.function.BooleanSupplier done, final long limitMs, final String what)
    {
        final long start = nowNs;
        while (!done.getAsBoolean())
        {
            if (nowNs - start > TimeUnit.MILLISECONDS.toNanos(limitMs))
            {
                throw new AssertionError("not within " + limitMs + " ms: " + what + "; views: " + describe());
            }
            step();
        }
        return TimeUnit.NANOSECONDS.toMillis(nowNs - start);
    }

    MembershipView view(final int node)
    {
        return nodes[node].views.hasView() ? nodes[node].views.current() : null;
    }

    String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Node node : nodes)
        {
            sb.append(node.id).append('=').append(view(node.id)).append('/').append(node.arbiter.state())
                .append(node.crashed ? "/crashed" : "").append(node.paused ? "/paused" : "").append(' ');
        }
        return sb.toString();
    }

    /**
     * A generation becomes a member once, and only if it is newer than every one of its node that was a member; a
     * generation that was removed never becomes a member again.
     */
    private void checkMembership(final Node node)
    {
        final boolean member = node.arbiter.state() == ArbiterState.MEMBER;
        if (member && !node.wasMember)
        {
            if (node.generation <= memberGeneration[node.id])
            {
                throw new AssertionError("node " + node.id + " generation " + node.generation + " became a member " +
                    "after generation " + memberGeneration[node.id] + " had been one");
            }
            if (memberGeneration[node.id] >= 0)
            {
                if (wholeClusterRestart(node.id, node.admittedIn))
                {
                    clusterRestarts++;
                }
                else if (!removedBetween(node.id, memberAdmittedIn[node.id], node.admittedIn))
                {
                    throw new AssertionError("node " + node.id + " generation " + node.generation + " took up view " +
                        node.admittedIn + " although generation " + memberGeneration[node.id] + " was a member " +
                        "from view " + memberAdmittedIn[node.id] + " and no view between removed it: " + decided);
                }
                rejoins++;
            }
            memberGeneration[node.id] = node.generation;
            memberAdmittedIn[node.id] = node.admittedIn;
            node.wasMember = true;
        }
        else if (!member && node.wasMember && node.arbiter.state() != ArbiterState.FENCED)
        {
            throw new AssertionError("node " + node.id + " left MEMBER for " + node.arbiter.state());
        }
    }

    /**
     * @return true if {@code version} restarted a cluster none of whose members ran: it holds only {@code node}, as
     * primary. Its publication checked that no process of a node it removes could serve ({@link #onPublished}) and
     * the node's own earlier process is dead (a restart replaces it), so the database's start-up recovery, not a
     * removal's reform, recovers what earlier generations wrote. (The view before it may be decided and never
     * published: its proposer crashed with the rest.)
     */
    private boolean wholeClusterRestart(final int node, final int version)
    {
        final MembershipView view = decided.get(version);
        return view != null && view.members() == 1L << node && view.primary() == node;
    }

    /**
     * @return true if a published view after version {@code from} and before {@code to} removed {@code node}: the
     * reform that recovers what an earlier generation wrote as a member from {@code from} on.
     */
    private boolean removedBetween(final int node, final int from, final int to)
    {
        for (int version = from + 1; version < to; version++)
        {
            final MembershipView view = decided.get(version);
            if (view != null && !view.isMember(node))
            {
                return true;
            }
        }
        return false;
    }

    private void onPublished(final Node publisher, final int generation, final MembershipView view)
    {
        if (generation != publisher.generation)
        {
            throw new AssertionError("node " + publisher.id + " generation " + generation + " published " + view +
                " after generation " + publisher.generation + " replaced it");
        }
        if (view.isMember(publisher.id) && publisher.admittedIn == 0)
        {
            publisher.admittedIn = view.version();
        }
        final MembershipView earlier = decided.putIfAbsent(view.version(), view);
        if (earlier != null && !earlier.equals(view))
        {
            throw new AssertionError("two views for version " + view.version() + ": " + earlier + " and " + view);
        }
        for (int node = 0; node < count; node++)
        {
            final Node target = nodes[node];
            if (!view.isMember(node) && target.admittedIn < view.version())
            {
                // (a late publication of a view older than the one the node's current process took up removes
                // an earlier process, not this one)
                if (target.canServe())
                {
                    throw new AssertionError("node " + publisher.id + " published " + view + " while node " + node +
                        " (generation " + target.generation + ") it removes can still serve");
                }
                if (target.admittedIn > 0 &&
                    (removedGeneration[node] != target.generation || removedAtNs[node] == Long.MAX_VALUE))
                {
                    removedGeneration[node] = target.generation;
                    removedAtNs[node] = nowNs;
                }
            }
        }
    }
}
