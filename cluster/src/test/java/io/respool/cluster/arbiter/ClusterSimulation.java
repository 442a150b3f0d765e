package io.respool.cluster.arbiter;

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
        final DecidedViews views = new DecidedViews();
        Arbiter arbiter;
        boolean crashed;
        boolean paused;
        boolean dssFenced;
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
                .initialView((1L << count) - 1, 0).hostProcesses(processes());
            final ClusterDisk clusterDisk = new ClusterDisk(disk.port(id), LAYOUT);
            arbiter = new Arbiter(ctx, clusterDisk, new DiskPaxosRegister(clusterDisk, id, count),
                peer -> noNetworkLane ? NetworkLiveness.NO_LANE : heardNs[peer], fencer(), reason -> fenced++, views, id + 1, nowNs);
            views.listen(view -> onPublished(this, view));
        }

        boolean canServe()
        {
            return !crashed && !paused && !dssFenced && arbiter.mayServe(nowNs);
        }

        private HostProcesses processes()
        {
            return new HostProcesses()
            {
                @Override
                public ProcessIdentity self()
                {
                    return new ProcessIdentity(sameHost ? 1 : id + 1, 1, 100 + id, 1);
                }

                @Override
                public Status status(final ProcessIdentity process)
                {
                    if (!process.sameHostAs(self()))
                    {
                        return Status.ELSEWHERE;
                    }
                    final Node target = nodes[(int)process.pid() - 100];
                    return target.crashed ? Status.GONE : target.paused ? Status.STOPPED : Status.RUNNING;
                }

                @Override
                public boolean kill(final ProcessIdentity process)
                {
                    if (!process.sameHostAs(self()))
                    {
                        return false;
                    }
                    nodes[(int)process.pid() - 100].crashed = true;
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

    void cutNetwork(final int a, final int b)
    {
        link[a][b] = false;
        link[b][a] = false;
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
            if (node.canServe())
            {
                serves++;
                if (removedAtNs[node.id] <= nowNs)
                {
                    throw new AssertionError("node " + node.id + " served after a view removing it was published");
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

    private void onPublished(final Node publisher, final MembershipView view)
    {
        final MembershipView earlier = decided.putIfAbsent(view.version(), view);
        if (earlier != null && !earlier.equals(view))
        {
            throw new AssertionError("two views for version " + view.version() + ": " + earlier + " and " + view);
        }
        for (int node = 0; node < count; node++)
        {
            if (!view.isMember(node))
            {
                if (nodes[node].canServe())
                {
                    throw new AssertionError("node " + publisher.id + " published " + view + " while node " + node +
                        " it removes can still serve");
                }
                removedAtNs[node] = Math.min(removedAtNs[node], nowNs);
            }
        }
    }
}
