package io.respool.dms;

import io.respool.dms.api.LockMode;
import io.respool.dms.stat.StatCounter;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;

import static io.respool.dms.MessageDescriptor.*;

/**
 * Master side of global locks on named resources: holders and a FIFO queue per resource. S is granted when no X
 * is held and nobody waits; X when nothing is held. A try-lock that cannot be granted at once is refused. Every
 * request is identified by (node, serial): a resent request is answered again, never granted twice, and a request
 * that already finished (released, cancelled or refused) is answered "denied". Single-threaded: the agent.
 */
final class LockMaster
{
    static final class Holder
    {
        final int node;
        final long serial;
        final LockMode mode;

        Holder(final int node, final long serial, final LockMode mode)
        {
            this.node = node;
            this.serial = serial;
            this.mode = mode;
        }
    }

    static final class Resource
    {
        final long id;
        final ArrayList<Holder> holders = new ArrayList<>(2);
        final ArrayDeque<Holder> queue = new ArrayDeque<>(2);

        Resource(final long id)
        {
            this.id = id;
        }

        boolean grantable(final LockMode mode)
        {
            if (mode == LockMode.X)
            {
                return holders.isEmpty();
            }
            for (final Holder h : holders)
            {
                if (h.mode == LockMode.X)
                {
                    return false;
                }
            }
            return true;
        }

        Holder find(final ArrayList<Holder> list, final int node, final long serial)
        {
            for (final Holder h : list)
            {
                if (h.node == node && h.serial == serial)
                {
                    return h;
                }
            }
            return null;
        }

        boolean isQueued(final int node, final long serial)
        {
            for (final Holder h : queue)
            {
                if (h.node == node && h.serial == serial)
                {
                    return true;
                }
            }
            return false;
        }
    }

    private final NodeServices services;
    private final Long2ObjectHashMap<Resource> resources = new Long2ObjectHashMap<>();

    LockMaster(final NodeServices services)
    {
        this.services = services;
    }

    Resource resource(final long id)
    {
        return resources.get(id);
    }

    /** A reform's DRC_CLEAN: forget every holder and waiter. */
    void clear()
    {
        resources.clear();
    }

    /**
     * A reform's REBUILD: a member reports a lock it holds.
     *
     * @return null, or the contradiction with what other members reported (an X beside another holder).
     */
    String rebuild(final int node, final long resourceId, final long serial, final LockMode mode)
    {
        Resource r = resources.get(resourceId);
        if (r == null)
        {
            r = new Resource(resourceId);
            resources.put(resourceId, r);
        }
        if (r.find(r.holders, node, serial) != null)
        {
            return null;
        }
        if (!r.grantable(mode))
        {
            return "global lock held twice in a conflicting mode: resourceId=" + resourceId + ", node=" + node +
                " reports " + mode + ", another member holds it too";
        }
        r.holders.add(new Holder(node, serial, mode));
        return null;
    }

    void onLockRequest(final MessageFlyweight msg, final long nowNs)
    {
        final int node = msg.sourceNode();
        final long serial = msg.serial();
        final long id = msg.resourceId();
        if (!services.gate().isOpen())
        {
            services.stats().increment(StatCounter.GATE_DROPS);
            return;
        }
        if (services.tombstones().contains(node, serial))
        {
            services.proxy().lockReply(node, id, serial, STATUS_DENIED);
            return;
        }
        Resource r = resources.get(id);
        if (r == null)
        {
            r = new Resource(id);
            resources.put(id, r);
        }
        if (r.find(r.holders, node, serial) != null)
        {
            services.proxy().lockReply(node, id, serial, STATUS_OK);
            return;
        }
        if (r.isQueued(node, serial))
        {
            return;
        }
        final LockMode mode = LockMode.get(msg.modeCode());
        if (r.queue.isEmpty() && r.grantable(mode))
        {
            r.holders.add(new Holder(node, serial, mode));
            services.proxy().lockReply(node, id, serial, STATUS_OK);
        }
        else if ((msg.flags() & FLAG_TRY) != 0)
        {
            services.tombstones().add(node, serial, nowNs);
            services.proxy().lockReply(node, id, serial, STATUS_DENIED);
            if (r.holders.isEmpty() && r.queue.isEmpty())
            {
                resources.remove(id);
            }
        }
        else
        {
            r.queue.add(new Holder(node, serial, mode));
        }
    }

    void onLockRelease(final MessageFlyweight msg, final long nowNs)
    {
        final int node = msg.sourceNode();
        final long serial = msg.serial();
        final long id = msg.resourceId();
        if (!services.gate().isOpen())
        {
            services.stats().increment(StatCounter.GATE_DROPS);
            return;
        }
        services.tombstones().add(node, serial, nowNs);
        final Resource r = resources.get(id);
        if (r != null)
        {
            r.holders.removeIf((h) -> h.node == node && h.serial == serial);
            r.queue.removeIf((h) -> h.node == node && h.serial == serial);
            grantWaiters(r);
            if (r.holders.isEmpty() && r.queue.isEmpty())
            {
                resources.remove(id);
            }
        }
        services.proxy().lockReleaseAck(node, id, serial);
    }

    private void grantWaiters(final Resource r)
    {
        while (!r.queue.isEmpty() && r.grantable(r.queue.peek().mode))
        {
            final Holder h = r.queue.poll();
            r.holders.add(h);
            services.proxy().lockReply(h.node, r.id, h.serial, STATUS_OK);
        }
    }

    int resourceCount()
    {
        return resources.size();
    }

}
