package io.respool.dms.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Views published by hand, by an embedder that is its own cluster manager (or a test or benchmark playing one):
 * {@link #publish} hands the next version to every node listening, once the removed nodes are fenced (the
 * {@link MembershipSource} contract is the caller's to keep). A switchover request publishes the same members with
 * the new primary as primary and reformer. The nodes it serves share this one object, so it suits nodes of one JVM.
 */
public final class ManualMembershipSource implements MembershipSource
{
    private final List<Listener> listeners = new ArrayList<>();
    private MembershipView current;

    /**
     * @param first the view in force at start.
     */
    public ManualMembershipSource(final MembershipView first)
    {
        if (first == null)
        {
            throw new DmsConfigException("membership view not set: ManualMembershipSource needs a first one");
        }
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

    /**
     * Publish the next version to every node listening.
     *
     * @param members  the member bit set.
     * @param reformer the member that runs the reform.
     * @param primary  the member that writes.
     * @return the view published.
     */
    public synchronized MembershipView publish(final long members, final int reformer, final int primary)
    {
        current = new MembershipView(current.version() + 1, members, reformer, primary);
        for (final Listener listener : listeners)
        {
            listener.onView(current);
        }
        return current;
    }

    @Override
    public synchronized boolean requestSwitchover(final int newPrimary)
    {
        publish(current.members(), newPrimary, newPrimary);
        return true;
    }
}
