package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipSource;
import io.respool.dms.api.MembershipView;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

/**
 * The {@link MembershipSource} DMS listens to: the views this node's arbiter published, each decided in the
 * register, and published only once every node it removes is fenced. Versions strictly increase (a node that was
 * behind may skip some). Listeners are called on the arbiter's thread. {@link #current()} is safe from any thread.
 */
public final class DecidedViews implements MembershipSource
{
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile MembershipView current;
    private volatile IntPredicate switchover = node -> false;

    /**
     * @return true once a first view was published.
     */
    public boolean hasView()
    {
        return current != null;
    }

    /**
     * @throws IllegalStateException before the first view (wait for {@link #hasView()} before handing it to DMS).
     */
    @Override
    public MembershipView current()
    {
        final MembershipView view = current;
        if (view == null)
        {
            throw new IllegalStateException("no membership view decided yet: start DMS once the arbiter has joined");
        }
        return view;
    }

    @Override
    public void listen(final Listener listener)
    {
        listeners.add(listener);
    }

    /**
     * DMS's switchover ({@code DmsNode.switchover}) comes here: handed to the arbiter that publishes these views
     * ({@link Arbiter#requestSwitchover}), which decides a view with {@code newPrimary} primary and reformer once it
     * checked both run; its outcome is the view (or none) that follows, and the arbiter's {@link ArbiterListener}.
     *
     * @return true if an arbiter took the request.
     */
    @Override
    public boolean requestSwitchover(final int newPrimary)
    {
        return switchover.test(newPrimary);
    }

    void switchoverBy(final IntPredicate handler)
    {
        switchover = handler;
    }

    void publish(final MembershipView view)
    {
        final MembershipView before = current;
        if (before != null && view.version() <= before.version())
        {
            throw new IllegalStateException("membership view versions must increase: current=" + before +
                ", new=" + view);
        }
        current = view;
        for (final Listener listener : listeners)
        {
            listener.onView(view);
        }
    }
}
