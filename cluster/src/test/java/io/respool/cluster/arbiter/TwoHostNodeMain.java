package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One node of a two-host cluster, for {@link TwoHostArbiterTest}, run on its simulated host ({@link TwoHostRig}):
 * DSS instance {@code nodeId} of volume group {@code data} on the shared block device in SHARE_DISK mode (the hosts
 * share no lock directory), its arbiter with the real kick and the UDP lane bound to this host's address, and a
 * writer that writes a {@link WitnessRecords} record every 20 ms while {@link Arbiter#mayServe} lets it (the
 * node's service; the gate is checked right before each write, as DMS and DSS writes check it).
 * <p>
 * Arguments: {@code device lockDirectory nodeId host0:port host1:port}. It opens everything, prints {@code ready},
 * and starts its arbiter when it reads {@code go} on stdin, so that both arbiters start together (a peer never
 * heard counts as silent from the arbiter's start). Prints, with {@code System.nanoTime()} where it says {@code at}:
 * {@code view V members=M primary=P at NS}, {@code fenced at NS: reason}, {@code serving from seq N}, {@code stopped
 * serving at NS after seq N}, {@code write N refused: CODE}.
 */
public final class TwoHostNodeMain
{
    private static final long WRITE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long DUTY_CYCLE_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private TwoHostNodeMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path device = Path.of(args[0]);
        final int nodeId = Integer.parseInt(args[2]);
        final List<InetSocketAddress> endpoints = List.of(endpoint(args[3]), endpoint(args[4]));
        final InstanceOptions options = InstanceOptions.defaults().withLockDirectory(Path.of(args[1]))
            .withStorageMode(StorageMode.SHARE_DISK).withInstanceId(nodeId);
        final long incarnation = new SecureRandom().nextLong();
        try (Dss dss = Dss.openVolumeGroup("data", device, options);
            BlockDevice block = BlockDevices.open(device);
            VolumeGroupFencer fencer = new VolumeGroupFencer(dss.volumeGroup("data"), node -> node);
            DssFile witness = dss.open(WitnessRecords.path(nodeId), OpenFlag.WRITE))
        {
            final ClusterDisk disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(block)),
                new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE));
            final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready " + block.backend() + " " + block.kind());
            if (!"go".equals(stdin.readLine()))
            {
                return;
            }
            final long startNs = System.nanoTime();
            try (UdpLiveness lane = new UdpLiveness(nodeId, incarnation, endpoints,
                TimeUnit.MILLISECONDS.toNanos(ArbiterContext.HEARTBEAT_INTERVAL_DEFAULT_MS), startNs))
            {
                final DecidedViews views = new DecidedViews();
                views.listen(view -> System.out.println("view " + view.version() + " members=" + view.members() +
                    " primary=" + view.primary() + " at " + System.nanoTime()));
                final Arbiter arbiter = new Arbiter(
                    new ArbiterContext().nodeId(nodeId).nodeCount(2).initialView(0b11, 0), disk,
                    new DiskPaxosRegister(disk, nodeId, 2), lane, fencer,
                    reason -> System.out.println("fenced at " + System.nanoTime() + ": " + reason), views,
                    incarnation, startNs);
                final Thread writer = new Thread(() -> writeWhileServing(arbiter, views, witness, nodeId),
                    "witness-writer");
                writer.setDaemon(true);
                writer.start();
                while (true)
                {
                    arbiter.doWork(System.nanoTime(), System.currentTimeMillis());
                    LockSupport.parkNanos(DUTY_CYCLE_NS);
                }
            }
        }
    }

    private static void writeWhileServing(final Arbiter arbiter, final DecidedViews views, final DssFile witness,
        final int nodeId)
    {
        final ByteBuffer slot = WitnessRecords.slot();
        long seq = 0;
        boolean serving = false;
        while (seq < WitnessRecords.SLOTS - 1)
        {
            final long gateNs = System.nanoTime();
            if (arbiter.mayServe(gateNs))
            {
                seq++;
                try
                {
                    witness.write(WitnessRecords.encode(slot, nodeId, seq, gateNs, views.current().version()),
                        WitnessRecords.offset(seq));
                    if (!serving)
                    {
                        serving = true;
                        System.out.println("serving from seq " + seq);
                    }
                }
                catch (final DssException ex)
                {
                    System.out.println("write " + seq + " refused: " + ex.errorCode());
                }
            }
            else if (serving)
            {
                serving = false;
                System.out.println("stopped serving at " + gateNs + " after seq " + seq);
            }
            LockSupport.parkNanos(WRITE_INTERVAL_NS);
        }
        System.out.println("witness full at seq " + seq);
    }

    private static InetSocketAddress endpoint(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
