package io.respool.dms;

import io.aeron.driver.MediaDriver;
import io.respool.common.NodeAddress;
import io.respool.dms.api.DmsConfigException;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.stat.StatCounter;
import io.respool.dms.stat.StatsFileDescriptor;
import io.respool.dms.stat.StatsReader;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Nodes of one host on the driver they share ({@link HostDriver}, in this JVM): they talk over Aeron IPC, pages
 * shipped through it arrive whole, {@code transport=udp} keeps them on UDP, a node on a driver of its own is reached
 * over UDP by the fallback, and the statistics file says which peer uses which.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostIpcTest
{
    @TempDir
    File tempDir;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeNodesThenDriver()
    {
        Collections.reverse(resources);
        CloseHelper.closeAll(resources);
    }

    /**
     * {@code ipc}: both nodes on the shared driver, so over IPC; {@code udp}: the same with {@code transport=udp};
     * {@code mixed}: node 1 embeds a driver of its own, so node 0 tries IPC first and falls back to UDP.
     */
    @ParameterizedTest
    @CsvSource({ "ipc, auto, 1, 0", "udp, udp, 0, 1", "mixed, auto, 0, 1" })
    void shouldShipPagesOverTheRouteEachPeerIsOn(final String kind, final String transport, final int overIpc,
        final int overUdp)
    {
        final String dir = hostDriver();
        final TestCluster cluster = cluster((ctx) -> ctx.transport(transport)
            .externalAeronDirectory("mixed".equals(kind) && ctx.nodeId() == 1 ? null : dir));

        ExternalDriverTest.shipPagesInSAndX(cluster, 1000);

        assertPeers(cluster.node(0), overIpc * 0b10, overUdp * 0b10);
        assertPeers(cluster.node(1), overIpc * 0b01, overUdp * 0b01);
    }

    @Test
    void shouldPlanIpcOnlyForPeersOnThisHostOfASharedDriver()
    {
        final List<NodeAddress> nodes = List.of(new NodeAddress(0, "127.0.0.1", 4000),
            new NodeAddress(1, "127.0.0.1", 4001), new NodeAddress(2, "10.9.9.9", 4000));
        final Set<String> local = Set.of("127.0.0.1");

        final PeerRoutes auto = PeerRoutes.plan("auto", true, nodes.get(0), nodes, local::contains);
        assertNull(auto.route(0));
        assertEquals(PeerRoute.IPC_OR_UDP, auto.route(1));
        assertEquals(PeerRoute.UDP, auto.route(2));
        assertTrue(auto.subscribesIpc());

        final PeerRoutes forced = PeerRoutes.plan("ipc", true, nodes.get(0), nodes, local::contains);
        assertEquals(PeerRoute.IPC, forced.route(1));
        assertEquals(PeerRoute.UDP, forced.route(2));

        for (final PeerRoutes udp : List.of(PeerRoutes.plan("udp", true, nodes.get(0), nodes, local::contains),
            PeerRoutes.plan("auto", false, nodes.get(0), nodes, local::contains)))
        {
            assertEquals(PeerRoute.UDP, udp.route(1));
            assertEquals(PeerRoute.UDP, udp.route(2));
            assertFalse(udp.subscribesIpc());
        }
    }

    @Test
    void shouldGiveEachNodeAndLaneItsOwnIpcStream()
    {
        final NodeAddress a = new NodeAddress(0, "127.0.0.1", 4000);
        final NodeAddress b = new NodeAddress(1, "127.0.0.2", 4000);
        final NodeAddress c = new NodeAddress(2, "127.0.0.1", 4001);
        final Set<Integer> streams = new java.util.HashSet<>();
        for (final NodeAddress node : List.of(a, b, c))
        {
            for (final Lane lane : Lane.LANES)
            {
                assertTrue(streams.add(PeerRoutes.ipcStreamId(node, lane)), node + " " + lane);
            }
        }
        assertTrue(PeerRoutes.isLocalHost("127.0.0.1"));
        assertTrue(PeerRoutes.isLocalHost("localhost"));
        assertFalse(PeerRoutes.isLocalHost("192.0.2.1"), "TEST-NET-1 is no address of this host");
    }

    @Test
    void shouldRefuseForcedIpcWithoutASharedDriver()
    {
        final DmsConfigException ex = assertThrows(DmsConfigException.class, () -> new DmsContext()
            .url(TestCluster.freeUrl(2)).nodeId(0).baseDirectory(new File(tempDir, "base")).transport("ipc")
            .pageStore(new InMemoryPageStore(0, TestCluster.PAGE_SIZE, new InMemoryDisk(TestCluster.PAGE_SIZE)))
            .conclude());
        assertEquals("transport=ipc needs the media driver the nodes of this host share: set " +
            "externalAeronDirectory (respool.dms.external.aeron.dir), or use transport=auto or udp", ex.getMessage());

        final DmsConfigException unknown = assertThrows(DmsConfigException.class, () -> new DmsContext()
            .url(TestCluster.freeUrl(2)).nodeId(0).baseDirectory(new File(tempDir, "base")).transport("tcp")
            .pageStore(new InMemoryPageStore(0, TestCluster.PAGE_SIZE, new InMemoryDisk(TestCluster.PAGE_SIZE)))
            .conclude());
        assertEquals("unknown transport: transport=tcp, known=auto,udp,ipc", unknown.getMessage());
    }

    private String hostDriver()
    {
        final MediaDriver driver = HostDriver.launch(new File(tempDir, "host-driver"), "backoff", 5_000);
        resources.add(driver);
        return driver.aeronDirectoryName();
    }

    private TestCluster cluster(final Consumer<DmsContext> customise)
    {
        final TestCluster cluster = assertDoesNotThrow(() -> new TestCluster(2, customise));
        resources.add(cluster);
        return cluster;
    }

    private static void assertPeers(final DmsNode node, final long ipc, final long udp)
    {
        final StatsReader.Snapshot stats =
            StatsReader.read(new File(node.nodeDirectory(), StatsFileDescriptor.FILE_NAME));
        assertEquals(ipc, stats.counter(StatCounter.PEERS_OVER_IPC), "node " + node.nodeId() + " peers over IPC");
        assertEquals(udp, stats.counter(StatCounter.PEERS_OVER_UDP), "node " + node.nodeId() + " peers over UDP");
    }
}
