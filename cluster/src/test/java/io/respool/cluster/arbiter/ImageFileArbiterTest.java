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

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two arbiters over a real DSS image file, with two in-process DSS instances and the real kick: the primary's
 * arbiter stops (hung), the standby confirms it on the disk, kicks its DSS instance, and publishes itself primary;
 * the old primary's writes are then refused. And with the UDP lane: cut for the standby while both reach the disk,
 * the primary keeps its role and the standby is fenced. Real clock, bounded waits.
 */
@Timeout(60)
class ImageFileArbiterTest
{
    private static final int AU = 2 * 1024 * 1024;
    private static final ClusterAreaLayout LAYOUT = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);

    @TempDir
    Path dir;

    /**
     * One node in this JVM: its DSS instance, its view of the entry volume, its fencer and its arbiter.
     */
    private final class Node implements AutoCloseable
    {
        final Dss dss;
        final BlockDevice device;
        final VolumeGroupFencer fencer;
        final ClusterDisk disk;
        final DecidedViews views = new DecidedViews();
        Arbiter arbiter;
        String fenced;

        Node(final Path volume, final int id)
        {
            dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)
                .withInstanceId(id));
            device = BlockDevices.open(volume);
            fencer = new VolumeGroupFencer(dss.volumeGroup("data"), node -> node);
            disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)), LAYOUT);
        }

        Node arbiter(final int id, final NetworkLiveness network, final long startNs)
        {
            arbiter = new Arbiter(new ArbiterContext().nodeId(id).nodeCount(2).initialView(0b11, 0), disk,
                new DiskPaxosRegister(disk, id, 2), network, fencer, reason -> fenced = reason, views, 10 + id,
                startNs);
            return this;
        }

        @Override
        public void close()
        {
            fencer.close();
            device.close();
            dss.close();
        }
    }

    private Path volumeGroup() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 256L << 20);
        Dss.createVolumeGroup("data", volume, AU);
        try (BlockDevice device = BlockDevices.open(volume))
        {
            new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)), LAYOUT).format(2);
        }
        return volume;
    }

    @Test
    void shouldFenceAndReplaceAHungPrimaryOverAnImageFile() throws Exception
    {
        final Path volume = volumeGroup();
        final long[] heard = new long[2];
        final long startNs = System.nanoTime();
        try (Node node0 = new Node(volume, 0).arbiter(0, peer -> heard[peer], startNs);
            Node node1 = new Node(volume, 1).arbiter(1, peer -> heard[peer], startNs))
        {
            run(() -> node0.views.hasView() && node1.views.hasView(), TimeUnit.SECONDS.toNanos(5), () ->
            {
                heard[0] = System.nanoTime();
                heard[1] = heard[0];
            }, node0, node1);
            assertEquals(new MembershipView(1, 0b11, 0, 0), node0.views.current());
            assertEquals(node0.views.current(), node1.views.current());

            final long hungNs = System.nanoTime();
            run(() -> node1.views.current().version() == 2, TimeUnit.SECONDS.toNanos(10), ImageFileArbiterTest::nothing, node1);
            final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hungNs);

            assertEquals(new MembershipView(2, 0b10, 1, 1), node1.views.current(), "after " + failoverMs + " ms: " +
                "standby " + node1.arbiter.state() + " (" + node1.fenced + "), " + node1.arbiter.renewalGaps());
            assertTrue(failoverMs < 3000, "failover took " + failoverMs + " ms");
            assertTrue(node1.dss.volumeGroup("data").instances().stream()
                .anyMatch(s -> s.instanceId() == 0 && s.fenced()));
            final DssException refused = assertThrows(DssException.class, () ->
            {
                final DssFile file = node0.dss.open("+data/late", OpenFlag.CREATE, OpenFlag.WRITE);
                file.write(ByteBuffer.allocate(8192), 0);
            });
            assertEquals(ErrorCode.FENCED, refused.errorCode());
            assertNull(node1.fenced);
        }
    }

    @Test
    void shouldKeepThePrimaryAndFenceTheStandbyWhenTheUdpLaneIsCutButBothReachTheDisk() throws Exception
    {
        final Path volume = volumeGroup();
        final List<InetSocketAddress> endpoints = List.of(UdpLivenessTest.freeEndpoint(),
            UdpLivenessTest.freeEndpoint());
        final long startNs = System.nanoTime();
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(ArbiterContext.HEARTBEAT_INTERVAL_DEFAULT_MS);
        try (UdpLiveness lane0 = new UdpLiveness(0, 10, endpoints, intervalNs, startNs);
            UdpLiveness lane1 = new UdpLiveness(1, 11, endpoints, intervalNs, startNs);
            Node node0 = new Node(volume, 0).arbiter(0, lane0, startNs);
            Node node1 = new Node(volume, 1).arbiter(1, lane1, startNs))
        {
            run(() -> node0.views.hasView() && node1.views.hasView(), TimeUnit.SECONDS.toNanos(5), ImageFileArbiterTest::nothing,
                node0, node1);
            run(() -> false, TimeUnit.SECONDS.toNanos(2), ImageFileArbiterTest::nothing, node0, node1);
            assertEquals(new MembershipView(1, 0b11, 0, 0), node1.views.current(), "no kick-out while the lane is up");
            assertTrue(lane0.lastHeardNs(1) != NetworkLiveness.NEVER && lane1.lastHeardNs(0) != NetworkLiveness.NEVER);

            final long cutNs = System.nanoTime();
            lane1.close();
            run(() -> node0.views.current().version() == 2 && node1.arbiter.state() == ArbiterState.FENCED,
                TimeUnit.SECONDS.toNanos(10), ImageFileArbiterTest::nothing, node0, node1);
            final long resolvedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNs);

            assertEquals(new MembershipView(2, 0b01, 0, 0), node0.views.current(), "after " + resolvedMs + " ms");
            assertEquals(ArbiterState.FENCED, node1.arbiter.state());
            assertEquals(ArbiterState.MEMBER, node0.arbiter.state());
            assertNull(node0.fenced);
            assertTrue(resolvedMs < 3000, "partition resolved in " + resolvedMs + " ms");
            assertTrue(node0.dss.volumeGroup("data").instances().stream()
                .anyMatch(s -> s.instanceId() == 1 && s.fenced()), "the standby's DSS instance is fenced");
            System.out.println("UDP lane cut to the primary's published view without the standby: " + resolvedMs +
                " ms; the standby: " + node1.fenced);
        }
    }

    private static void nothing()
    {
    }

    private static void run(final BooleanSupplier done, final long timeoutNs, final Runnable eachCycle,
        final Node... nodes)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!done.getAsBoolean() && System.nanoTime() - deadlineNs < 0)
        {
            eachCycle.run();
            for (final Node node : nodes)
            {
                node.arbiter.doWork(System.nanoTime(), System.currentTimeMillis());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
