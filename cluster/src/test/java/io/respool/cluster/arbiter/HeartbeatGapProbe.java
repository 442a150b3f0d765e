package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevice.Backend;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.dss.arbitration.ArbitrationSectors;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures what the arbiter's timeouts are compared with, under load: one node of a two-node cluster over an image
 * file, run as its own process (start two, node 0 and node 1, on one image). It renews its heartbeat sector as the
 * arbiter does (a 5 ms duty cycle, a durable sector write every interval) and reads its peer's, and prints three
 * distributions in ms: the gap between the starts of consecutive confirmed renewals (what the self-fence timeout
 * is compared with), the renewal write's own latency, and how long the peer's sector stayed unchanged as this node
 * saw it (what the lease timeout is compared with). Optional load in the same JVM: an allocating thread keeping
 * the heap half full, so that young and old collections run (a real node's GC). Busy loops in other processes are
 * the caller's (cluster/DESIGN.md says how the figures there were taken). Not a test: a main for measurement.
 * <p>
 * With a UDP port base it also runs the arbiters' UDP lane ({@link UdpLiveness}, node i on 127.0.0.1 port base + i)
 * and prints how long the peer went unheard on it (what the network suspect timeout is compared with).
 * <p>
 * Arguments: {@code image nodeId seconds [gc|nogc] [udpPortBase]}; node 0 creates the image if it does not exist.
 * {@code -Drespool.probe.backend=DIRECT} reads and writes the cluster area with direct I/O instead of through the
 * mapped image (cluster/DESIGN.md, "A common stall", compares the two).
 */
public final class HeartbeatGapProbe
{
    private static final long DUTY_CYCLE_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(ArbiterContext.HEARTBEAT_INTERVAL_DEFAULT_MS);
    private static volatile Object sink;

    private HeartbeatGapProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path image = Path.of(args[0]);
        final int nodeId = Integer.parseInt(args[1]);
        final long runNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        final boolean gc = args.length > 3 && "gc".equals(args[3]);
        final int udpBase = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        if (nodeId == 0 && !Files.exists(image))
        {
            BlockDevices.createSparseImage(image, 8L << 20);
        }
        while (!Files.exists(image))
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        if (gc)
        {
            final Thread churn = new Thread(HeartbeatGapProbe::churn, "gc-churn");
            churn.setDaemon(true);
            churn.start();
        }
        final Backend backend = Backend.valueOf(System.getProperty("respool.probe.backend", "MAPPED"));
        try (BlockDevice device = BlockDevices.open(image, OpenOptions.defaults().backend(backend)))
        {
            final ClusterDisk disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE));
            final NetworkLiveness lane = udpBase == 0 ? NetworkLiveness.diskOnly() : new UdpLiveness(nodeId, 1,
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpBase),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), udpBase + 1)), INTERVAL_NS, System.nanoTime());
            run(disk, lane, nodeId, runNs);
        }
    }

    private static void run(final ClusterDisk disk, final NetworkLiveness lane, final int nodeId, final long runNs)
    {
        final List<Long> unheard = new ArrayList<>();
        long heardNs = NetworkLiveness.NEVER;
        final int peer = 1 - nodeId;
        final List<Long> gaps = new ArrayList<>();
        final List<Long> writes = new ArrayList<>();
        final List<Long> unchanged = new ArrayList<>();
        final long startNs = System.nanoTime();
        long counter = 0;
        long lastConfirmedNs = 0;
        long nextRenewalNs = startNs;
        long nextReadNs = startNs;
        long peerCounter = -1;
        long peerChangedNs = 0;
        long nowNs;
        while ((nowNs = System.nanoTime()) - startNs < runNs)
        {
            if (nowNs - nextRenewalNs >= 0)
            {
                nextRenewalNs = nowNs + INTERVAL_NS;
                disk.writeHeartbeat(ClusterDisk.blank(new HeartbeatSector()).nodeId(nodeId).incarnation(1)
                    .counter(++counter).state(HeartbeatSector.RUNNING));
                writes.add(System.nanoTime() - nowNs);
                if (lastConfirmedNs != 0)
                {
                    gaps.add(nowNs - lastConfirmedNs);
                }
                lastConfirmedNs = nowNs;
            }
            if (nowNs - nextReadNs >= 0)
            {
                nextReadNs = nowNs + INTERVAL_NS;
                final HeartbeatSector sector = disk.readHeartbeat(peer);
                if (sector.isValid() && sector.counter() != peerCounter)
                {
                    if (peerCounter > 0)
                    {
                        unchanged.add(nowNs - peerChangedNs);
                    }
                    peerCounter = sector.counter();
                    peerChangedNs = nowNs;
                }
            }
            lane.doWork(nowNs);
            final long heard = lane.lastHeardNs(peer);
            if (heard != heardNs && heard != NetworkLiveness.NO_LANE)
            {
                if (heardNs != NetworkLiveness.NEVER)
                {
                    unheard.add(heard - heardNs);
                }
                heardNs = heard;
            }
            LockSupport.parkNanos(DUTY_CYCLE_NS);
        }
        System.out.println("node " + nodeId + ", " + TimeUnit.NANOSECONDS.toSeconds(runNs) + " s, interval " +
            TimeUnit.NANOSECONDS.toMillis(INTERVAL_NS) + " ms");
        System.out.println("  renewal gap (self-fence)    " + describe(gaps));
        System.out.println("  renewal write latency       " + describe(writes));
        System.out.println("  peer sector unchanged (lease) " + describe(unchanged));
        System.out.println("  peer unheard on UDP (network) " + describe(unheard));
    }

    static String describe(final List<Long> samplesNs)
    {
        if (samplesNs.isEmpty())
        {
            return "no samples";
        }
        final long[] ms = samplesNs.stream().mapToLong(ns -> ns / 100_000).sorted().toArray();
        return "n=" + ms.length + " p50=" + at(ms, 0.5) + " p90=" + at(ms, 0.9) + " p99=" + at(ms, 0.99) +
            " p99.9=" + at(ms, 0.999) + " max=" + ms[ms.length - 1] / 10.0 + " >300ms=" + over(ms, 300) +
            " >500ms=" + over(ms, 500) + " >1000ms=" + over(ms, 1000);
    }

    private static double at(final long[] sortedTenthsMs, final double quantile)
    {
        return sortedTenthsMs[Math.min(sortedTenthsMs.length - 1, (int)(quantile * sortedTenthsMs.length))] / 10.0;
    }

    private static long over(final long[] sortedTenthsMs, final long ms)
    {
        return Arrays.stream(sortedTenthsMs).filter(v -> v > ms * 10).count();
    }

    /**
     * Allocation as a node's page cache and requests make it: a retained set near half the heap, replaced
     * piecewise, so that objects survive into the old generation and full collections run.
     */
    private static void churn()
    {
        final int slots = (int)(Runtime.getRuntime().maxMemory() / 2 / 8192);
        final byte[][] retained = new byte[slots][];
        long i = 0;
        while (true)
        {
            retained[(int)(i++ % slots)] = new byte[8192];
            for (int j = 0; j < 16; j++)
            {
                sink = new byte[256];
            }
        }
    }
}
