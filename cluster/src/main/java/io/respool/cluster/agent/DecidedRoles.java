package io.respool.cluster.agent;

import io.respool.dms.api.MembershipView;

import java.util.List;

/**
 * The roles the arbiter decided, judged from two reads of the cluster area a gap apart by the reader's own clock
 * (no clock of another host is compared): a node outside the decided view is Down, kicked out; a member whose
 * heartbeat did not change over the gap, or that wrote that it fenced itself, is Down; else the view's primary is
 * Primary and the other members are Standby. Node ids are the arbiter's (the DN instance's {@code res_instance_id}).
 */
public final class DecidedRoles
{
    private final MembershipView view;
    private final List<HeartbeatReading> first;
    private final List<HeartbeatReading> second;
    private final long gapMs;

    private DecidedRoles(final MembershipView view, final List<HeartbeatReading> first,
        final List<HeartbeatReading> second, final long gapMs)
    {
        this.view = view;
        this.first = first;
        this.second = second;
        this.gapMs = gapMs;
    }

    /**
     * @param first  the first read.
     * @param second a read {@code gapMs} later; its view is the one judged (the later decision).
     * @param gapMs  the time between the reads by the reader's clock.
     * @return the judgement.
     */
    public static DecidedRoles judge(final ClusterAreaReader.Snapshot first, final ClusterAreaReader.Snapshot second,
        final long gapMs)
    {
        return new DecidedRoles(second.view(), first.heartbeats(), second.heartbeats(), gapMs);
    }

    /**
     * @return the decided view, null if none was decided yet.
     */
    public MembershipView view()
    {
        return view;
    }

    /**
     * @param nodeId an arbiter node id.
     * @return its role word and why it is Down ("" otherwise), or null when no view is decided yet.
     */
    public Verdict of(final int nodeId)
    {
        if (view == null)
        {
            return null;
        }
        if (!view.isMember(nodeId))
        {
            return new Verdict("Down", "kicked out in view " + view.version());
        }
        if (nodeId >= second.size() || nodeId >= first.size())
        {
            return new Verdict("Down", "no heartbeat sector read for node " + nodeId);
        }
        final HeartbeatReading later = second.get(nodeId);
        if (later.selfFenced())
        {
            return new Verdict("Down", "fenced itself (its disk heartbeat says so) in view " + view.version());
        }
        if (!later.written())
        {
            return new Verdict("Down", later.problem().isEmpty() ? "no disk heartbeat written" : later.problem());
        }
        if (!first.get(nodeId).renewedBy(later))
        {
            return new Verdict("Down", "disk heartbeat unchanged for " + gapMs + " ms");
        }
        return new Verdict(view.primary() == nodeId ? "Primary" : "Standby", "");
    }

    /**
     * @param role   Primary, Standby or Down.
     * @param reason why Down, "" otherwise.
     */
    public record Verdict(String role, String reason)
    {
    }
}
