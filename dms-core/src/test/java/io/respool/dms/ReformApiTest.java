package io.respool.dms;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.ManualMembershipSource;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The reform API on real nodes over Aeron, with their agent threads: the first reform, a member removed, a
 * switchover, and the node that was removed told so.
 */
class ReformApiTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReformSwitchOverAndKickOutOnRealNodes() throws Exception
    {
        final ManualMembershipSource source = new ManualMembershipSource(new MembershipView(1, 0b111, 0, 0));
        try (TestCluster cluster = new TestCluster(3, (ctx) -> ctx.membershipSource(source)
            .centralizedOnPrimary(true)))
        {
            final DmsNode n0 = cluster.nodes.get(0);
            final DmsNode n1 = cluster.nodes.get(1);
            final DmsNode n2 = cluster.nodes.get(2);
            for (final DmsNode node : cluster.nodes)
            {
                assertTrue(node.awaitReform(TIMEOUT_NS), "first reform");
                assertEquals(ReformState.STABLE, node.reformState());
                assertEquals(1, node.membershipVersion());
            }
            final long page = 42;
            write(cluster, 2, page);
            write(cluster, 1, page);
            assertEquals(0, n2.masterOf(page), "centralized on the primary");

            source.publish(0b011, 0, 0);
            final DmsException kicked = assertThrows(DmsException.class, () -> n2.awaitReform(TIMEOUT_NS));
            assertEquals(DmsErrorCode.KICKED_OUT, kicked.errorCode());
            assertTrue(n0.awaitReform(TIMEOUT_NS) && n1.awaitReform(TIMEOUT_NS), "reform without node 2");
            assertEquals(2, n1.membershipVersion());
            assertEquals(2, read(cluster, 0, page), "the newest image survives the reform");

            assertTrue(n1.switchover(1, TIMEOUT_NS), "switchover to node 1");
            assertTrue(n0.awaitReform(TIMEOUT_NS));
            assertEquals(1, n0.membershipView().primary());
            assertEquals(1, n0.masterOf(page));
            write(cluster, 0, page);
            assertEquals(3, read(cluster, 1, page), "no page lost in the switchover");
        }
    }

    private static void write(final TestCluster cluster, final int id, final long page)
    {
        final DmsNode node = cluster.nodes.get(id);
        final AcquireResult result = node.acquirePage(page, LockMode.X, TIMEOUT_NS);
        assertNotNull(result);
        cluster.stores.get(id).increment(page);
        node.unlatchPage(page);
    }

    private static long read(final TestCluster cluster, final int id, final long page)
    {
        final DmsNode node = cluster.nodes.get(id);
        node.acquirePage(page, LockMode.S, TIMEOUT_NS);
        final InMemoryPageStore store = cluster.stores.get(id);
        try
        {
            return store.counter(page);
        }
        finally
        {
            node.unlatchPage(page);
        }
    }
}
