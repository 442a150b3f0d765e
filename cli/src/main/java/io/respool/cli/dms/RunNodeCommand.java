package io.respool.cli.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code dmscmd run-node}: start one DMS node with an in-memory page store (zero pages on "disk") and, optionally,
 * a small random workload, until interrupted. For trying the transport, {@code check-ports} and {@code stat}.
 */
@Command(name = "run-node", mixinStandardHelpOptions = true,
    description = "Run one demo DMS node with an in-memory page store until interrupted (Ctrl-C).")
final class RunNodeCommand implements Callable<Integer>
{
    @Option(names = { "-u", "--url" }, required = true, description = "dms_url")
    String url;

    @Option(names = { "-i", "--id" }, required = true, description = "this node's id")
    int id;

    @Option(names = { "-b", "--base" }, description = "base directory of node directories")
    File base;

    @Option(names = "--idle", description = "idle strategy: yield, backoff, sleep, sleep-1ms, busy")
    String idle;

    @Option(names = "--workload", description = "random S/X accesses per second to pages 0..63 (0: none)")
    int workload;

    @Override
    public Integer call() throws InterruptedException
    {
        final DmsContext ctx = new DmsContext().url(url).nodeId(id);
        ctx.pageStore(new InMemoryPageStore(ctx.pageSize()));
        if (base != null)
        {
            ctx.baseDirectory(base);
        }
        if (idle != null)
        {
            ctx.idleStrategy(idle);
        }
        try (DmsNode node = Dms.launch(ctx))
        {
            System.out.println("node " + id + " running: dir=" + node.nodeDirectory() + " (dmscmd stat -d " +
                node.nodeDirectory() + ")");
            final Random random = new Random(id);
            final Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                // let the main thread close the node (and delete its directory) before the JVM exits
                main.interrupt();
                try
                {
                    main.join(5000);
                }
                catch (final InterruptedException ignore)
                {
                    Thread.currentThread().interrupt();
                }
            }));
            while (!Thread.currentThread().isInterrupted())
            {
                if (workload <= 0)
                {
                    Thread.sleep(1000);
                    continue;
                }
                final long page = random.nextInt(64);
                try
                {
                    node.acquirePage(page, random.nextBoolean() ? LockMode.X : LockMode.S, TimeUnit.SECONDS.toNanos(5));
                    node.unlatchPage(page);
                }
                catch (final RuntimeException ex)
                {
                    System.out.println("request failed: " + ex.getMessage());
                }
                Thread.sleep(Math.max(1, 1000 / workload));
            }
        }
        catch (final InterruptedException ex)
        {
            return 0;
        }
        return 0;
    }
}
