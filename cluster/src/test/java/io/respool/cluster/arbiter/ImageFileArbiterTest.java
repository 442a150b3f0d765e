package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.dms.api.MembershipView;
import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.ErrorCode;
import io.respool.dss.OpenFlag;
import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.engine.InstanceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two arbiters over a real DSS image file, with two in-process DSS instances and the real kick: the primary's
 * arbiter stops (hung), the standby confirms it on the disk, kicks its DSS instance, and publishes itself primary;
 * the old primary's writes are then refused. Real clock, bounded waits.
 */
@Timeout(60)
class ImageFileArbiterTest
{
    private static final int AU = 2 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldFenceAndReplaceAHungPrimaryOverAnImageFile() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        final InstanceOptions options = InstanceOptions.defaults().withLockDirectory(dir);
        final long[] heard = new long[2];
        final String[] fenced = new String[2];
        try (Dss dss0 = Dss.openVolumeGroup("data", volume, options);
            Dss dss1 = Dss.openVolumeGroup("data", volume, options.withInstanceId(1));
            BlockDevice device0 = BlockDevices.open(volume);
            BlockDevice device1 = BlockDevices.open(volume);
            VolumeGroupFencer fencer0 = new VolumeGroupFencer(dss0.volumeGroup("data"), node -> node);
            VolumeGroupFencer fencer1 = new VolumeGroupFencer(dss1.volumeGroup("data"), node -> node))
        {
            final ClusterAreaLayout layout = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);
            final ClusterDisk disk0 = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device0)), layout);
            final ClusterDisk disk1 = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device1)), layout);
            disk0.format(2);
            final DecidedViews views0 = new DecidedViews();
            final DecidedViews views1 = new DecidedViews();
            final long startNs = System.nanoTime();
            final Arbiter arbiter0 = new Arbiter(context(0), disk0, new DiskPaxosRegister(disk0, 0, 2),
                peer -> heard[peer], fencer0, reason -> fenced[0] = reason, views0, 10, startNs);
            final Arbiter arbiter1 = new Arbiter(context(1), disk1, new DiskPaxosRegister(disk1, 1, 2),
                peer -> heard[peer], fencer1, reason -> fenced[1] = reason, views1, 11, startNs);

            final long deadline = startNs + TimeUnit.SECONDS.toNanos(5);
            while (!(views0.hasView() && views1.hasView()) && System.nanoTime() - deadline < 0)
            {
                final long now = System.nanoTime();
                heard[0] = now;
                heard[1] = now;
                arbiter0.doWork(now, System.currentTimeMillis());
                arbiter1.doWork(now, System.currentTimeMillis());
                LockSupport.parkNanos(1_000_000);
            }
            assertEquals(new MembershipView(1, 0b11, 0, 0), views0.current());
            assertEquals(views0.current(), views1.current());

            final long hungNs = System.nanoTime();
            while (views1.current().version() < 2 && System.nanoTime() - hungNs < TimeUnit.SECONDS.toNanos(10))
            {
                arbiter1.doWork(System.nanoTime(), System.currentTimeMillis());
                LockSupport.parkNanos(1_000_000);
            }
            final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hungNs);

            assertEquals(new MembershipView(2, 0b10, 1, 1), views1.current(), "after " + failoverMs + " ms");
            assertTrue(failoverMs < 3000, "failover took " + failoverMs + " ms");
            assertTrue(dss1.volumeGroup("data").instances().stream().anyMatch(s -> s.instanceId() == 0 && s.fenced()));
            final DssException refused = assertThrows(DssException.class, () ->
            {
                final DssFile file = dss0.open("+data/late", OpenFlag.CREATE, OpenFlag.WRITE);
                file.write(ByteBuffer.allocate(8192), 0);
            });
            assertEquals(ErrorCode.FENCED, refused.errorCode());
            assertEquals(null, fenced[1]);
        }
    }

    private static ArbiterContext context(final int node)
    {
        return new ArbiterContext().nodeId(node).nodeCount(2).initialView(0b11, 0);
    }
}
