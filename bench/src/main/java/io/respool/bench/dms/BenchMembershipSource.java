package io.respool.bench.dms;

import io.respool.dms.api.MembershipSource;
import io.respool.dms.api.MembershipView;

import java.util.ArrayList;
import java.util.List;

/**
 * Membership published on demand, as a cluster manager would after fencing a node: {@link #publish} hands the next
 * view to every node listening; a switchover request publishes the same members with the new primary as reformer.
 */
final class BenchMembershipSource implements MembershipSource
{
    private final List<Listener> listeners = new ArrayList<>();
    private MembershipView current;

    BenchMembershipSource(final MembershipView first)
    {
        current = first;
    }

    @Override
    public synchronized MembershipView current()
    {
        return current;
    }

    @Override
    public synchronized void listen(final Listener listener)
    {
        listeners.add(listener);
    }

    /** Publish the next version to every node. */
    synchronized void publish(final long members, final int reformer, final int primary)
    {
        current = new MembershipView(current.version() + 1, members, reformer, primary);
        for (final Listener listener : listeners)
        {
            listener.onView(current);
        }
    }

    @Override
    public synchronized boolean requestSwitchover(final int newPrimary)
    {
        publish(current.members(), newPrimary, newPrimary);
        return true;
    }
}
