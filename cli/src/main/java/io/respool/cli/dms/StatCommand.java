package io.respool.cli.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code dmscmd stat}: read the statistics file of running nodes (counters, and latency percentiles per event),
 * in the manner of Aeron's AeronStat. With {@code --watch} it prints again every interval.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Print counters and latency percentiles (1-way, 2-way, 3-way, invalidation, claim, lock waits, " +
        "each reform step's barrier) of running DMS nodes, read from their statistics files.")
final class StatCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = { "-d", "--dir" }, description = "a node directory (holding dms-stat.dat)")
    File nodeDirectory;

    @Option(names = { "-b", "--base" }, description = "base directory holding node-<id> directories " +
        "(default: ${DEFAULT-VALUE})")
    File baseDirectory = DmsContext.defaultBaseDirectory();

    @Option(names = { "-i", "--id" }, description = "only this node id")
    Integer nodeId;

    @Option(names = { "-w", "--watch" }, description = "print again every this many seconds until interrupted")
    Integer watchSeconds;

    @Override
    public Integer call() throws InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final List<File> files = new ArrayList<>();
        if (nodeDirectory != null)
        {
            files.add(new File(nodeDirectory, StatsFileDescriptor.FILE_NAME));
        }
        else
        {
            final File[] dirs = baseDirectory.listFiles((dir, name) -> name.startsWith("node-") &&
                (nodeId == null || name.equals("node-" + nodeId)));
            if (dirs != null)
            {
                java.util.Arrays.sort(dirs);
                for (final File dir : dirs)
                {
                    files.add(new File(dir, StatsFileDescriptor.FILE_NAME));
                }
            }
        }
        files.removeIf((f) -> !f.isFile());
        if (files.isEmpty())
        {
            spec.commandLine().getErr().println("dmscmd stat: no running node found: dir=" +
                (nodeDirectory != null ? nodeDirectory : baseDirectory) +
                "; pass --dir <node directory> or --base <directory of node-<id> directories>");
            return 1;
        }
        do
        {
            for (final File file : files)
            {
                print(out, StatsReader.read(file), file);
            }
            out.flush();
            if (watchSeconds != null)
            {
                Thread.sleep(watchSeconds * 1000L);
            }
        }
        while (watchSeconds != null);
        return 0;
    }

    static void print(final PrintWriter out, final StatsReader.Snapshot s, final File file)
    {
        final boolean alive = ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false);
        out.printf("== node %d pid=%d (%s) membership=%d started=%s updated=%s file=%s layout=%d%n", s.nodeId(),
            s.pid(), alive ? "running" : "not running", s.membershipVersion(), Instant.ofEpochMilli(s.startEpochMs()),
            Instant.ofEpochMilli(s.lastUpdateEpochMs()), file, s.version());
        out.printf("  %-45s ipc %s, udp %s%n", "transport to peers now", nodes(s.counter(StatCounter.PEERS_OVER_IPC)),
            nodes(s.counter(StatCounter.PEERS_OVER_UDP)));
        for (final StatCounter counter : StatCounter.values())
        {
            if (counter != StatCounter.PEERS_OVER_IPC && counter != StatCounter.PEERS_OVER_UDP)
            {
                if (s.has(counter))
                {
                    out.printf("  %-45s %,15d%n", counter.label(), s.counter(counter));
                }
                else
                {
                    out.printf("  %-45s %15s (not in a layout %d file)%n", counter.label(), "-", s.version());
                }
            }
        }
        out.printf("  %-40s %10s %9s %9s %9s %9s %9s %9s%n", "latency (us)", "count", "min", "p50", "p90", "p99",
            "p99.9", "max");
        final List<StatsReader.EventSummary> steps = new ArrayList<>();
        for (final StatsReader.EventSummary e : s.events())
        {
            if (e.event().reformStep() != null)
            {
                if (e.count() > 0)
                {
                    steps.add(e);
                }
                continue;
            }
            out.printf("  %-40s %,10d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n", e.event().label(), e.count(),
                e.min() / 1e3, e.p50() / 1e3, e.p90() / 1e3, e.p99() / 1e3, e.p999() / 1e3, e.max() / 1e3);
        }
        printReformSteps(out, steps, s.version());
    }

    /** The barrier of each reform step this node drove as reformer, in step order, in milliseconds. */
    private static void printReformSteps(final PrintWriter out, final List<StatsReader.EventSummary> steps,
        final int version)
    {
        if (steps.isEmpty())
        {
            out.printf("  %-40s %s%n", "reform step barriers (ms)", version == 1 ?
                "- (not in a layout 1 file)" : "none: this node has not been a reformer");
            return;
        }
        out.printf("  %-40s %10s %9s %9s %9s%n", "reform step barriers (ms)", "count", "p50", "p99", "max");
        for (final StatsReader.EventSummary e : steps)
        {
            out.printf("    %-38s %,10d %9.2f %9.2f %9.2f%n", e.event().reformStep(), e.count(), e.p50() / 1e6,
                e.p99() / 1e6, e.max() / 1e6);
        }
    }

    /**
     * @param bitmap node ids, one bit each.
     * @return them as a list, such as {@code [1, 2]}.
     */
    static String nodes(final long bitmap)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (long rest = bitmap; rest != 0; rest &= rest - 1)
        {
            sb.append(sb.length() > 1 ? ", " : "").append(Long.numberOfTrailingZeros(rest));
        }
        return sb.append(']').toString();
    }
}
