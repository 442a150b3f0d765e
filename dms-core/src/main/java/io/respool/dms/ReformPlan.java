package io.respool.dms;

import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformType;

import java.util.ArrayList;
import java.util.List;

/**
 * The reformer's plan for moving from the view a node serves to a new one: the reform's type, its steps and the new
 * partition map. A pure function of its inputs.
 *
 * @param type  the kind of reform.
 * @param steps the steps, in order, START first and DONE last.
 * @param map   the partition map of the new view.
 */
record ReformPlan(ReformType type, List<ReformStep> steps, PartitionMap map)
{
    /**
     * @param before      the view served now, or null before the first reform.
     * @param current     the partition map in force now.
     * @param after       the new view.
     * @param centralized whether every partition is mastered by the primary (openGauss's one-writer setting).
     * @return the plan.
     */
    static ReformPlan of(
        final MembershipView before, final PartitionMap current, final MembershipView after, final boolean centralized)
    {
        return of(before, current, after, centralized, 0);
    }

    /**
     * @param restarted members of {@code before} and {@code after} whose incarnation serving {@code before} is
     *                  dead (they restarted before a reform removed them), or nodes of neither that took pages in a
     *                  reform cut short after DRC_ACCESS: recovered as if removed.
     * @return the plan.
     */
    static ReformPlan of(final MembershipView before, final PartitionMap current, final MembershipView after,
        final boolean centralized, final long restarted)
    {
        final ReformType type = type(before, after);
        final long removed = before == null ? 0 : (before.members() & ~after.members()) | restarted;
        final List<ReformStep> steps = new ArrayList<>();
        steps.add(ReformStep.START);
        if (type == ReformType.SWITCHOVER)
        {
            steps.add(ReformStep.DEMOTE);
        }
        steps.add(ReformStep.DRC_INACCESS);
        steps.add(ReformStep.DRC_CLEAN);
        steps.add(ReformStep.REMASTER);
        steps.add(ReformStep.REBUILD);
        if (type == ReformType.FAILOVER || type == ReformType.SWITCHOVER)
        {
            steps.add(ReformStep.PROMOTE);
        }
        steps.add(ReformStep.DRC_ACCESS);
        if (removed != 0)
        {
            steps.add(ReformStep.RECOVERY);
        }
        steps.add(ReformStep.PAGE_ACCESS);
        steps.add(ReformStep.DONE);
        final int version = current.version() + 1;
        final PartitionMap map = centralized ? PartitionMap.create(after.members(), after.primary(), version) :
            before == null ? PartitionMap.create(after.members(), -1, version) :
            PartitionMap.remaster(current, after.members(), version);
        return new ReformPlan(type, List.copyOf(steps), map);
    }

    static ReformType type(final MembershipView before, final MembershipView after)
    {
        if (before == null)
        {
            return ReformType.JOIN;
        }
        if (before.primary() != after.primary())
        {
            return after.isMember(before.primary()) ? ReformType.SWITCHOVER : ReformType.FAILOVER;
        }
        final long removed = before.members() & ~after.members();
        final long added = after.members() & ~before.members();
        return removed == 0 && added != 0 ? ReformType.JOIN : ReformType.NORMAL;
    }
}
