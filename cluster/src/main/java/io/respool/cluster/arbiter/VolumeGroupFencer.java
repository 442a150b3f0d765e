package io.respool.cluster.arbiter;

import io.respool.dss.KickResult;
import io.respool.dss.VolumeGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/**
 * Fences through this node's open volume group: {@link VolumeGroup#kick} ({@code kickh}), which waits for the
 * victim's acknowledgement, kills a same-host victim that does not answer, and reports {@link
 * KickResult#UNCONFIRMED} for one on another host. The kick blocks for up to seconds, so it runs on a daemon thread
 * of its own and the arbiter polls it. A kick that throws is reported as {@link KickResult#UNCONFIRMED}: the arbiter
 * then waits out the victim's lease, which is safe whatever the kick did. Close it with the volume group.
 */
public final class VolumeGroupFencer implements Fencer, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupFencer.class);

    private final VolumeGroup group;
    private final IntUnaryOperator instanceOf;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "cluster-fencer");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Integer, CompletableFuture<KickResult>> kicks = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> registration;

    /**
     * @param instanceOf the DSS {@code INST_ID} of a cluster node id.
     */
    public VolumeGroupFencer(final VolumeGroup group, final IntUnaryOperator instanceOf)
    {
        this.group = group;
        this.instanceOf = instanceOf;
    }

    @Override
    public void start(final int nodeId)
    {
        // a kick whose verdict nobody polled (the arbiter confirmed the fence another way) is forgotten
        kicks.compute(nodeId, (node, running) -> running != null && !running.isDone() ? running :
            CompletableFuture.supplyAsync(() -> kick(node), executor));
    }

    /**
     * The kick raises the fence generation before it waits for anything, so a victim shown fenced while its kick
     * runs is fenced on the storage. Reads the instance table: asked only while a victim's process is gone.
     */
    @Override
    public boolean fenceRaised(final int nodeId)
    {
        final int instance = instanceOf.applyAsInt(nodeId);
        try
        {
            return group.instances().stream().anyMatch(status -> status.instanceId() == instance && status.fenced());
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    @Override
    public KickResult poll(final int nodeId)
    {
        final CompletableFuture<KickResult> kick = kicks.get(nodeId);
        if (kick == null || !kick.isDone())
        {
            return null;
        }
        kicks.remove(nodeId);
        return kick.join();
    }

    /**
     * @return this node's {@link StorageAdmission} through the same volume group: {@link VolumeGroup#register}
     * ({@code reghl}) of its own instance, on the fencer's thread (it waits for the instance's agent to act on its
     * fence sector, up to seconds). Pass it to {@link ArbiterContext#storageAdmission}.
     */
    public StorageAdmission admission()
    {
        return new StorageAdmission()
        {
            @Override
            public void start()
            {
                final CompletableFuture<Void> running = registration;
                if (running == null || running.isDone())
                {
                    registration = CompletableFuture.runAsync(VolumeGroupFencer.this::register, executor);
                }
            }

            @Override
            public Status poll()
            {
                final CompletableFuture<Void> running = registration;
                if (running == null)
                {
                    return Status.FAILED;
                }
                if (!running.isDone())
                {
                    return Status.RUNNING;
                }
                return running.isCompletedExceptionally() ? Status.FAILED : Status.DONE;
            }
        };
    }

    private void register()
    {
        try
        {
            group.register();
            LOG.info("DSS instance {} registered again in volume group {} (reghl): admitted by a decided view",
                group.instanceId(), group.name());
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("DSS instance {} could not be registered again in volume group {}: {}", group.instanceId(),
                group.name(), ex.getMessage());
            throw ex;
        }
    }

    @Override
    public void close()
    {
        // a kick still running when the arbiter already confirmed the fence otherwise (its process seen gone)
        // ends within DSS's one second of silence; let it, rather than have it fail on a closed volume group
        executor.shutdown();
        try
        {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS))
            {
                executor.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private KickResult kick(final int nodeId)
    {
        final int instance = instanceOf.applyAsInt(nodeId);
        try
        {
            final KickResult result = group.kick(instance);
            LOG.info("kick of node {} (DSS instance {}) in volume group {}: {}", nodeId, instance, group.name(),
                result);
            return result;
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("kick of node {} (DSS instance {}) in volume group {} failed: {}; waiting out its lease",
                nodeId, instance, group.name(), ex.getMessage());
            return KickResult.UNCONFIRMED;
        }
    }
}
