package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures page-transfer latency for each idle strategy on this machine, to choose the default.
 * Two nodes in one JVM; one thread moves a page back and forth in X (each acquire ships the 8 KiB page once, the
 * master being one of the two nodes, so half the transfers are 2-way with a remote master, half with a local one).
 * Run: java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp <test classpath>
 * io.respool.dms.IdleStrategyProbe [iterations] [strategies...]
 */
public final class IdleStrategyProbe
{
    private IdleStrategyProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        final String[] strategies = args.length > 1 ?
            java.util.Arrays.copyOfRange(args, 1, args.length) : DmsContext.IDLE_STRATEGIES.toArray(new String[0]);
        for (final String strategy : strategies)
        {
            try (TestCluster cluster = new TestCluster(2, (ctx) -> ctx.idleStrategy(strategy)))
            {
                final DmsNode n0 = cluster.node(0);
                final DmsNode n1 = cluster.node(1);
                final long page = 77;
                final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                final long timeoutNs = TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < iterations * 2; i++)
                {
                    final DmsNode node = (i & 1) == 0 ? n0 : n1;
                    final long start = System.nanoTime();
                    node.acquirePage(page, LockMode.X, timeoutNs);
                    final long took = System.nanoTime() - start;
                    node.unlatchPage(page);
                    if (i >= iterations / 2)
                    {
                        histogram.recordValue(took);
                    }
                }
                System.out.printf("idle=%-9s transfers=%d p50=%.1fus p90=%.1fus p99=%.1fus max=%.1fus%n", strategy,
                    histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e3,
                    histogram.getValueAtPercentile(90) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                    histogram.getMaxValue() / 1e3);
            }
        }
    }
}
