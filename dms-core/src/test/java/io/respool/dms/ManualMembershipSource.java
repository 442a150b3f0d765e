package io.respool.dms;

import io.respool.dms.api.MembershipSource;
import io.respool.dms.api.MembershipView;

import java.util.ArrayList;
import java.util.List;

/**
 * A membership source a test drives by hand, as a cluster manager would: it publishes views, and a switchover
 * request publishes a view with the new primary as primary and reformer (or is only recorded, if so told).
 */
final class ManualMembershipSource implements MembershipSource
{
    private final List<Listener> listeners = new ArrayList<>();
    private MembershipView current;
    private boolean switchByHand;
    int switchoverRequests;

    ManualMembershipSource(final MembershipView first)
    {
        this.current = first;
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

    /** Publish the next view to every node listening. */
    synchronized MembershipView publish(final long members, final int reformer, final int primary)
    {
        current = new MembershipView(current.version() + 1, members, reformer, primary);
        for (final Listener listener : listeners)
        {
            listener.onView(current);
        }
        return current;
    }

    /** Record switchover requests without publishing a view. */
    synchronized void switchByHand()
    {
        switchByHand = true;
    }

    @Override
    public synchronized boolean requestSwitchover(final int newPrimary)
    {
        switchoverRequests++;
        if (!switchByHand)
        {
            publish(current.members(), newPrimary, newPrimary);
        }
        return true;
    }
}
