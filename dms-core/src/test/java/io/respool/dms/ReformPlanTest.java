package io.respool.dms;

import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformType;
import io.respool.dms.stat.StatEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ReformPlanTest
{
    private static final MembershipView THREE = new MembershipView(1, 0b111, 0, 0);

    @Test
    void shouldTimeEveryStepInAHistogramOfItsOwn()
    {
        int steps = 0;
        for (final ReformStep step : ReformStep.values())
        {
            if (step != ReformStep.IDLE)
            {
                assertEquals(step.name(), step.barrierEvent().reformStep(), step.barrierEvent().label());
                steps++;
            }
        }
        assertNull(ReformStep.IDLE.barrierEvent(), "no plan has IDLE");
        assertEquals(steps, java.util.Arrays.stream(StatEvent.values()).filter(e -> e.reformStep() != null).count(),
            "one event per step, no more");
    }

    @Test
    void shouldKeepSurvivingMastersPartitionsInPlaceWhenANodeLeaves()
    {
        final PartitionMap before = PartitionMap.create(0b111, -1, 1);
        final ReformPlan plan = ReformPlan.of(THREE, before, new MembershipView(2, 0b011, 0, 0), false);
        assertEquals(ReformType.NORMAL, plan.type());
        assertEquals(2, plan.map().version());
        for (int p = 0; p < PartitionMap.PARTITION_COUNT; p++)
        {
            if (before.masterOfPartition(p) != 2)
            {
                assertEquals(before.masterOfPartition(p), plan.map().masterOfPartition(p), "partition " + p);
            }
            assertNotEquals(2, plan.map().masterOfPartition(p));
        }
        assertEquals(64, plan.map().partitionsOf(0));
        assertTrue(plan.steps().contains(ReformStep.RECOVERY));
        assertFalse(plan.steps().contains(ReformStep.PROMOTE));
    }

    @Test
    void shouldCentralizeOnThePrimaryAndPromoteOnFailover()
    {
        final PartitionMap before = PartitionMap.create(0b111, 0, 1);
        final ReformPlan plan = ReformPlan.of(THREE, before, new MembershipView(2, 0b110, 1, 1), true);
        assertEquals(ReformType.FAILOVER, plan.type());
        assertEquals(PartitionMap.PARTITION_COUNT, plan.map().partitionsOf(1));
        assertTrue(plan.steps().contains(ReformStep.PROMOTE));
        assertTrue(plan.steps().indexOf(ReformStep.RECOVERY) > plan.steps().indexOf(ReformStep.DRC_ACCESS));
    }

    @Test
    void shouldPlanSwitchoverAndJoin()
    {
        final PartitionMap before = PartitionMap.create(0b111, -1, 1);
        final ReformPlan switchover = ReformPlan.of(THREE, before, new MembershipView(2, 0b111, 2, 2), false);
        assertEquals(ReformType.SWITCHOVER, switchover.type());
        assertEquals(ReformStep.DEMOTE, switchover.steps().get(1));
        assertFalse(switchover.steps().contains(ReformStep.RECOVERY));
        final MembershipView two = new MembershipView(1, 0b011, 0, 0);
        final ReformPlan join = ReformPlan.of(two, PartitionMap.create(0b011, -1, 1), THREE, false);
        assertEquals(ReformType.JOIN, join.type());
        assertEquals(42, join.map().partitionsOf(2));
        assertEquals(join.map(), PartitionMap.decode(encoded(join.map()), 0));
    }

    private static org.agrona.concurrent.UnsafeBuffer encoded(final PartitionMap map)
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(
            new byte[PartitionMap.ENCODED_LENGTH]);
        map.encode(buffer, 0);
        return buffer;
    }
}
