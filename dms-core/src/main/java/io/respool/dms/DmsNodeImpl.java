package io.respool.dms;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformState;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A running node: the public API over the agent. API calls either work on {@link LocalPage} state under its
 * monitor or enqueue a command for the agent; nothing else crosses threads.
 */
final class DmsNodeImpl implements DmsNode
{
    private final DmsContext ctx;
    private final NodeDirectory directory;
    private final NodeStats stats;
    private final AeronTransport transport;
    private final NodeServices services;
    private final PageClient pageClient;
    private final LockClient lockClient;
    private final Broadcaster broadcaster;
    private final AgentRunner runner;
    private final NodeAgent agent;
    private final DrcMaster drc;
    private final ConcurrentHashMap<Long, LocalPage> pages;
    private final Reform reform;
    private boolean closed;

    DmsNodeImpl(
        final DmsContext ctx, final NodeDirectory directory, final NodeStats stats, final AeronTransport transport)
    {
        this.ctx = ctx;
        this.directory = directory;
        this.stats = stats;
        this.transport = transport;
        final NodeParts parts = new NodeParts(ctx, stats, transport, SystemNanoClock.INSTANCE);
        this.services = parts.services;
        this.pages = parts.pages;
        this.pageClient = parts.pageClient;
        this.drc = parts.drc;
        this.lockClient = parts.lockClient;
        this.broadcaster = parts.broadcaster;
        this.agent = parts.agent;
        this.reform = parts.reform;
        this.runner = new AgentRunner(AeronSetup.idleStrategy(ctx), parts.errorHandler, null, parts.agent);
        AgentRunner.startOnThread(runner);
    }

    @Override
    public int nodeId()
    {
        return ctx.nodeId();
    }

    @Override
    public int pageSize()
    {
        return ctx.pageSize();
    }

    @Override
    public int masterOf(final long pageId)
    {
        return services.masterOf(pageId);
    }

    @Override
    public AcquireResult acquirePage(final long pageId, final LockMode mode, final long timeoutNs)
    {
        return pageClient.acquire(pageId, mode, timeoutNs);
    }

    @Override
    public void unlatchPage(final long pageId)
    {
        pageClient.unlatch(pageId);
    }

    @Override
    public boolean releasePage(final long pageId, final long timeoutNs)
    {
        services.checkOpen();
        return pageClient.release(pageId, timeoutNs);
    }

    @Override
    public void cleanEdp(final long pageId, final long diskLsn)
    {
        services.checkOpen();
        services.commands().offer(() -> services.proxy().cleanEdp(services.masterOf(pageId), pageId, diskLsn));
    }

    @Override
    public void checkpointEdp(final long pageId)
    {
        services.checkOpen();
        services.commands().offer(() -> services.proxy().ckptEdp(services.masterOf(pageId), pageId));
    }

    @Override
    public LockMode pageMode(final long pageId)
    {
        return pageClient.mode(pageId);
    }

    @Override
    public long lock(final long resourceId, final LockMode mode, final long timeoutNs)
    {
        services.checkOpen();
        return lockClient.lock(resourceId, mode, false, timeoutNs);
    }

    @Override
    public long tryLock(final long resourceId, final LockMode mode, final long timeoutNs)
    {
        services.checkOpen();
        return lockClient.lock(resourceId, mode, true, timeoutNs);
    }

    @Override
    public void unlock(final long token)
    {
        services.checkOpen();
        lockClient.unlock(token);
    }

    @Override
    public boolean broadcast(final DirectBuffer buffer, final int offset, final int length, final long timeoutNs)
    {
        services.checkOpen();
        if (length < 0 || length > maxBroadcastLength())
        {
            throw new IllegalArgumentException("broadcast payload too long: length=" + length + ", max=" +
                maxBroadcastLength());
        }
        return broadcaster.broadcast(buffer, offset, length, timeoutNs);
    }

    @Override
    public int maxBroadcastLength()
    {
        return NodeParts.maxBroadcastLength(ctx);
    }

    @Override
    public boolean awaitConnected(final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!transport.allConnected())
        {
            if (deadlineNs - System.nanoTime() <= 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public int membershipVersion()
    {
        return services.epoch();
    }

    @Override
    public MembershipView membershipView()
    {
        final MembershipView served = reform.served();
        return served != null ? served : reform.latest();
    }

    @Override
    public ReformState reformState()
    {
        return reform.state();
    }

    @Override
    public boolean awaitReform(final long timeoutNs)
    {
        return ReformWait.await(services, reform, ctx.membershipSource(), (view) -> true, timeoutNs);
    }

    @Override
    public boolean switchover(final int newPrimary, final long timeoutNs)
    {
        services.checkOpen();
        final MembershipView view = membershipView();
        if (view == null || !view.isMember(newPrimary))
        {
            throw new DmsException(DmsErrorCode.CONFIG, "switchover to a node that is not a member: nodeId=" +
                ctx.nodeId() + ", newPrimary=" + newPrimary + ", view=" + view + "; name a member of the view");
        }
        if (view.primary() != newPrimary && !ctx.membershipSource().requestSwitchover(newPrimary))
        {
            throw new DmsException(DmsErrorCode.CONFIG, "the membership source cannot switch over: nodeId=" +
                ctx.nodeId() + ", newPrimary=" + newPrimary + ", source=" +
                ctx.membershipSource().getClass().getSimpleName() + "; ask the cluster manager to switch instead");
        }
        return ReformWait.await(services, reform, ctx.membershipSource(),
            (served) -> served.primary() == newPrimary, timeoutNs);
    }

    @Override
    public AcquireResult acquirePageForRecovery(final long pageId, final LockMode mode, final long timeoutNs)
    {
        return pageClient.acquire(pageId, mode, timeoutNs, true);
    }

    @Override
    public File nodeDirectory()
    {
        return directory.directory();
    }

    /**
     * Describe a page's state on this node (its local state and, if this node masters it, the directory entry),
     * for diagnostics. Waits briefly for the agent to read the directory.
     */
    String describePage(final long pageId)
    {
        final LocalPage lp = pages.get(pageId);
        final String local;
        if (lp == null)
        {
            local = "none";
        }
        else
        {
            synchronized (lp)
            {
                local = lp.toString();
            }
        }
        final java.util.concurrent.CompletableFuture<String> entry = new java.util.concurrent.CompletableFuture<>();
        services.commands().offer(() -> entry.complete(String.valueOf(drc.entry(pageId))));
        String drcText;
        try
        {
            drcText = entry.get(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            drcText = "unavailable: " + ex;
        }
        return "node=" + ctx.nodeId() + " local=" + local + " drc=" + drcText;
    }

    /**
     * @return the stats buffer (for tests in this package).
     */
    UnsafeBuffer statsBuffer()
    {
        return stats.buffer();
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        services.close();
        try
        {
            CloseHelper.closeAll(runner, agent::awaitNoDutyCycle, transport, stats, directory);
        }
        finally
        {
            for (final LocalPage lp : pages.values())
            {
                synchronized (lp)
                {
                    lp.signal();
                }
            }
        }
    }
}
