package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.dms.api.MembershipView;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.engine.InstanceOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One cluster node as its own process, for {@link ProcessArbiterTest}: DSS instance {@code nodeId} of volume group
 * {@code data} on an image file, and its arbiter (disk only, the real kick and {@code /proc}) on a 5 ms duty cycle.
 * Prints {@code view N} and {@code members of view N: [..] primary P} for each view it publishes, and
 * {@code fenced: reason} if it fences itself; once its arbiter is a member it writes a file of its own through DSS
 * and prints {@code wrote} (or {@code write failed: why}): a restarted node whose instance was kicked can write only
 * once its admission registered the instance again. Every
 * minute it prints {@code gaps: ...}, its own renewal gaps ({@link Arbiter#renewalGaps}), for the soak's report.
 * Arguments: {@code image lockDirectory nodeId}.
 */
public final class ArbiterNodeMain
{
    private static final long GAPS_INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);

    private ArbiterNodeMain()
    {
    }

    /**
     * @return a new 256 MiB image {@code vol0} in {@code dir} holding volume group {@code data} and a cluster area
     * formatted for two nodes, the volume every {@link ArbiterNodeMain} process of a test shares.
     */
    public static Path formattedVolume(final Path dir) throws IOException
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, 2 << 20);
        try (BlockDevice device = BlockDevices.open(volume))
        {
            new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE)).format(2);
        }
        return volume;
    }

    public static void main(final String[] args)
    {
        final Path image = Path.of(args[0]);
        final int nodeId = Integer.parseInt(args[2]);
        final InstanceOptions options = InstanceOptions.defaults().withLockDirectory(Path.of(args[1]))
            .withInstanceId(nodeId);
        try (Dss dss = Dss.openVolumeGroup("data", image, options);
            BlockDevice device = BlockDevices.open(image);
            VolumeGroupFencer fencer = new VolumeGroupFencer(dss.volumeGroup("data"), node -> node))
        {
            final ClusterDisk disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE));
            final DecidedViews views = new DecidedViews();
            views.listen(view ->
            {
                System.out.println("view " + view.version());
                System.out.println("members of view " + view.version() + ": " +
                    MembershipView.describe(view.members()) + " primary " + view.primary());
            });
            final Arbiter arbiter = new Arbiter(
                new ArbiterContext().nodeId(nodeId).nodeCount(2).initialView(0b11, 0)
                    .storageAdmission(fencer.admission()), disk,
                new DiskPaxosRegister(disk, nodeId, 2), NetworkLiveness.diskOnly(), fencer,
                reason -> System.out.println("fenced: " + reason), views, System.nanoTime(), System.nanoTime());
            boolean wrote = false;
            long nextGapsNs = System.nanoTime() + GAPS_INTERVAL_NS;
            while (true)
            {
                arbiter.doWork(System.nanoTime(), System.currentTimeMillis());
                if (System.nanoTime() - nextGapsNs >= 0)
                {
                    nextGapsNs += GAPS_INTERVAL_NS;
                    System.out.println("gaps: " + arbiter.renewalGaps());
                }
                if (!wrote && arbiter.mayServe(System.nanoTime()))
                {
                    wrote = true;
                    // not on the arbiter's thread: a file create is durable DSS metadata I/O, which under load blocked
                    // this loop past the self-fence timeout right after both nodes took up view 1 (the soak's fences)
                    final Thread writer = new Thread(() -> writeOwnFile(dss, nodeId), "node" + nodeId + "-writer");
                    writer.setDaemon(true);
                    writer.start();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    private static void writeOwnFile(final Dss dss, final int nodeId)
    {
        try (DssFile file = dss.open("+data/node" + nodeId + "-" + ProcessHandle.current().pid(),
            OpenFlag.CREATE, OpenFlag.WRITE))
        {
            file.write(ByteBuffer.allocate(8192), 0);
            System.out.println("wrote");
        }
        catch (final RuntimeException ex)
        {
            System.out.println("write failed: " + ex.getMessage());
        }
    }
}
