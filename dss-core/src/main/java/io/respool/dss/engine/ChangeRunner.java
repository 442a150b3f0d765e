package io.respool.dss.engine;

import java.util.function.Supplier;

/**
 * Runs metadata changes: each under a share of this instance's hold on the volume-group lock, through the fence
 * gate, publishing the log's new end to other instances once the change is done. Inside a change,
 * {@link #commit} appends a record and applies it in one step. Lock order: dss-core/DESIGN.md, "Lock order".
 */
final class ChangeRunner
{
    private final String vgName;
    private final Coordinator coordinator;
    private final MetadataState state;
    private final RedoLog log;
    private final Checkpointer checkpointer;
    /** Changes the calling thread is inside: a nested change runs in the outer one's share of the hold. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    ChangeRunner(final String vgName, final Coordinator coordinator, final MetadataState state, final RedoLog log,
        final Checkpointer checkpointer)
    {
        this.vgName = vgName;
        this.coordinator = coordinator;
        this.state = state;
        this.log = log;
        this.checkpointer = checkpointer;
    }

    /**
     * Run a metadata change: with a share of this instance's hold on the volume-group lock (taken, and the state
     * brought up to date, if this is the first), through the fence gate, and publishing the log's new end to other
     * instances once it is durable. A change nested in another of this thread (it may hold the metadata lock) only
     * passes the gate again: the outer change holds the share and publishes, and taking the share under the
     * metadata lock would break the lock order.
     */
    <T> T mutate(final String what, final Supplier<T> change)
    {
        coordinator.refuseIfReadOnly(what + " on volume group " + vgName);
        final int[] changes = depth.get();
        final FenceGate gate = coordinator.gate();
        if (changes[0] > 0)
        {
            gate.enter(what + " on volume group " + vgName);
            try
            {
                return change.get();
            }
            finally
            {
                gate.exit();
            }
        }
        coordinator.enter();
        try
        {
            gate.enter(what + " on volume group " + vgName);
            changes[0]++;
            try
            {
                final T result = change.get();
                coordinator.publish();
                return result;
            }
            finally
            {
                changes[0]--;
                gate.exit();
            }
        }
        finally
        {
            coordinator.exit();
        }
    }

    /**
     * Append a record and apply it to the state in one step, so a record that does not apply is never logged.
     * Checkpoints when half the log is in use. The caller runs inside {@link #mutate} and holds the metadata write
     * lock. Not waited for: pass the result to {@link #awaitDurable}.
     *
     * @return the LSN just past the record.
     */
    long commit(final RecordType type, final int maxPayload, final RedoLog.PayloadEncoder encoder)
    {
        assert depth.get()[0] > 0 : "metadata change outside mutate(): take the volume-group lock first";
        coordinator.checkStillHeld();
        if (log.usedBytes() > log.regionLength() / 2)
        {
            checkpointer.checkpoint();
        }
        final long timestampMs = System.currentTimeMillis();
        final long lsn = log.append(type, timestampMs, maxPayload, (buffer, index) ->
        {
            final int length = encoder.encode(buffer, index);
            state.apply(type, buffer, index, timestampMs);
            return length;
        });
        state.freesLoggedAt(lsn);
        return lsn;
    }

    /**
     * Check, immediately before writing into AUs just allocated (zeroing them), that the volume-group lock is still
     * this instance's: their allocation is not durable yet, so a taker may give them to its own files.
     */
    void checkStillHeld()
    {
        coordinator.checkStillHeld();
    }

    /**
     * Data is about to land in AUs just allocated up to {@code lsn}: with a lock that can be lost while held (the
     * SHARE_DISK lease), wait until that allocation is durable, so that an instance taking the lease over from a
     * paused holder replays it and never gives those AUs to another file. With the {@code flock} (DISK) nobody can
     * take the lock before this instance releases it, which flushes the log first, or dies, and then writes nothing
     * more: the write need not wait, and the allocation becomes durable with the next flush or release.
     */
    void awaitAllocationSafe(final long lsn)
    {
        if (coordinator.lockCanBeLostWhileHeld())
        {
            awaitDurable(lsn);
        }
    }

    /**
     * Wait until the log is durable up to {@code lsn}; 0 (nothing committed) returns at once.
     */
    void awaitDurable(final long lsn)
    {
        if (lsn != 0)
        {
            log.awaitDurable(lsn);
        }
    }

    /**
     * Make every record committed so far durable.
     */
    void flushLog()
    {
        log.awaitDurable(log.appendedLsn());
    }
}
