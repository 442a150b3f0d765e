package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.dss.format.VgHead;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Instances sharing one entry volume (SHARE_DISK: the lease) in one thread: a manual clock, and each instance's
 * coordination agent ({@link Coordinator}) driven by hand, every {@link Coordinator#TICK_MS} of clock time, instead
 * of on its thread. Whatever waits (a lease contender, a kick, the hold's drain) waits through the
 * {@link CoordinationClock}, whose pause here steps the clock and runs the duty cycles of every running instance, so
 * an instance can be paused (its agent not run) and the others play on. The engine behind each coordinator is a
 * {@link FakeLog}: a log that only counts records, enough to see which changes a new holder caught up with.
 */
final class ManualClockVolumeGroup implements AutoCloseable
{
    static final int LEASE_PERIOD_MS = 2000;
    static final long START_MS = 1_000_000;

    /** The log every instance appends to in turn: which instance wrote each record. */
    final List<Integer> commits = new ArrayList<>();
    /** The shared AUs a change may allocate and zero: which instance last wrote each (-1: never written). */
    final int[] auWriters = new int[8];
    /** The AUs whose allocation is in the shared log (durable). */
    final boolean[] durableAus = new boolean[8];
    final SteppedClock clock = new SteppedClock();
    final Peer[] peers;
    private final List<Action> actions = new ArrayList<>();
    private long nextDutyMs = START_MS;

    /**
     * The engine side of one instance: a log that counts records; catching up adopts the head's end.
     */
    static final class FakeLog implements Coordinator.Engine
    {
        /** Run before a staged batch is written, as the loader wires {@link RedoLog#checkStillHeld}. */
        Runnable checkStillHeld = () -> {};
        /** Where a batch goes: the group's shared log; each record allocates one AU. */
        java.util.function.IntConsumer writeRecord = au -> {};
        /** The AUs of the records staged, not yet written. */
        final List<Integer> staged = new ArrayList<>();
        long durableLsn;
        int catchUps;
        int sealingCatchUps;
        int flushes;
        String dropped;
        /** Staged records were refused or dropped: as {@link RedoLog}, nothing more may be written. */
        boolean poisoned;

        @Override
        public void catchUp(final VgHead head, final boolean holdingLock)
        {
            catchUps++;
            if (holdingLock)
            {
                sealingCatchUps++;
            }
            if (head.isValid())
            {
                durableLsn = Math.max(durableLsn, head.endLsn());
            }
        }

        @Override
        public long durableLsn()
        {
            return durableLsn;
        }

        @Override
        public void flushLog()
        {
            flushes++;
            writeStaged();
        }

        /**
         * Write the staged records, as {@link RedoLog#awaitDurable} does: checked, then written, else failed (a
         * failure leaves them staged and marks the log unusable, see {@link #dropped}).
         */
        void writeStaged()
        {
            if (staged.isEmpty())
            {
                return;
            }
            if (poisoned)
            {
                throw new IllegalStateException("log unusable: " + dropped);
            }
            try
            {
                checkStillHeld.run();
            }
            catch (final RuntimeException ex)
            {
                dropped = ex.getMessage();
                poisoned = true;
                throw ex;
            }
            for (final int au : staged)
            {
                durableLsn++;
                writeRecord.accept(au);
            }
            staged.clear();
        }

        @Override
        public void dropStaged(final String why)
        {
            dropped = why;
            poisoned |= !staged.isEmpty(); // as RedoLog.dropStaged: records that will never be written
        }

        @Override
        public long tailLsn()
        {
            return 0;
        }

        @Override
        public long rootSequence()
        {
            return 0;
        }
    }

    /**
     * One instance sharing the volume group: its own open of the entry volume, its lease, and its coordinator.
     */
    final class Peer
    {
        final int id;
        final BlockDevice device;
        final SharedSectors sectors;
        final LeaseVgLock lease;
        final Coordinator coordinator;
        /** The engine's own change path over this coordinator (it touches nothing else of the engine). */
        private final ChangeRunner runner;
        final FakeLog log = new FakeLog();
        /** False while paused or dead: its agent's duty cycle is not run. */
        boolean running = true;

        Peer(final int id, final Path entryVolume)
        {
            this.id = id;
            this.device = BlockDevices.open(entryVolume, OpenOptions.defaults());
            this.sectors = new SharedSectors(new DeviceIo(device));
            this.lease = new LeaseVgLock(sectors, id, LEASE_PERIOD_MS, clock);
            this.coordinator = new Coordinator("data", id, sectors, lease, clock);
            this.runner = new ChangeRunner("data", coordinator, null, null, null);
            log.checkStillHeld = coordinator::checkStillHeld;
            log.writeRecord = au ->
            {
                commits.add(id);
                durableAus[au] = true;
            };
            coordinator.join(log);
        }

        /**
         * One metadata change that allocates an AU (the first free one in this instance's view), step by step as the engine makes it, with
         * {@code pause} run at {@code pauseAt}: take a share of the hold (the lease), zero the AU just allocated
         * (checked first, as {@link FileSpace} does), commit (checked, staged), write the batch (checked, as
         * {@link RedoLog} does), publish the head, leave. Whatever is refused ends the change with its exception.
         */
        int allocatingChange(final Step pauseAt, final Runnable pause)
        {
            int au = -1;
            pauseAt(Step.BEFORE_ENTER, pauseAt, pause);
            coordinator.enter();
            try
            {
                coordinator.gate().enter("change");
                try
                {
                    au = 0;
                    while (durableAus[au] || log.staged.contains(au))
                    {
                        au++; // the first AU free in this instance's state: durable allocations, and its own
                    }
                    pauseAt(Step.BEFORE_ZERO, pauseAt, pause);
                    coordinator.checkStillHeld();
                    auWriters[au] = id;
                    pauseAt(Step.BEFORE_COMMIT, pauseAt, pause);
                    coordinator.checkStillHeld();
                    log.staged.add(au);
                    pauseAt(Step.BEFORE_LOG_WRITE, pauseAt, pause);
                    log.writeStaged();
                    pauseAt(Step.BEFORE_PUBLISH, pauseAt, pause);
                    coordinator.publish();
                }
                finally
                {
                    coordinator.gate().exit();
                }
                pauseAt(Step.BEFORE_EXIT, pauseAt, pause);
            }
            finally
            {
                coordinator.exit();
            }
            return au;
        }

        private void pauseAt(final Step step, final Step pauseAt, final Runnable pause)
        {
            if (step == pauseAt)
            {
                pause.run();
            }
        }

        /**
         * One metadata change through the engine's {@link ChangeRunner#mutate}: a share of the hold, through the gate,
         * a record, publish.
         */
        void change()
        {
            runner.mutate("change", () ->
            {
                coordinator.checkStillHeld();
                log.durableLsn++;
                commits.add(id);
                return null;
            });
        }

        void dutyCycle()
        {
            try
            {
                coordinator.doWork();
            }
            catch (final RuntimeException ex)
            {
                coordinator.onError(ex); // as AgentRunner does
            }
        }
    }

    /**
     * The steps of a metadata change, in order, at which {@link Peer#allocatingChange} can be paused.
     */
    enum Step
    {
        BEFORE_ENTER,
        BEFORE_ZERO,
        BEFORE_COMMIT,
        BEFORE_LOG_WRITE,
        BEFORE_PUBLISH,
        BEFORE_EXIT,
        /** After the change: the agent's release (flush, head, lease) is what runs after the pause. */
        BEFORE_RELEASE
    }

    /**
     * The clock the instances read; pausing steps it.
     */
    final class SteppedClock implements CoordinationClock
    {
        private long nowMs = START_MS;

        @Override
        public long time()
        {
            return nowMs;
        }

        @Override
        public void pauseNs(final long ns)
        {
            advance(Math.max(1, TimeUnit.NANOSECONDS.toMillis(ns + 999_999)));
        }

        @Override
        public void await(final ReentrantLock lock, final Condition condition, final long ms)
        {
            lock.unlock();
            try
            {
                advance(ms);
            }
            finally
            {
                lock.lock();
            }
        }
    }

    private record Action(BooleanSupplier due, Runnable run)
    {
    }

    ManualClockVolumeGroup(final Path dir, final int count)
    {
        final Path entryVolume = dir.resolve("entry");
        BlockDevices.createSparseImage(entryVolume, 4L << 20);
        Arrays.fill(auWriters, -1);
        peers = new Peer[count];
        for (int i = 0; i < count; i++)
        {
            peers[i] = new Peer(i, entryVolume);
        }
    }

    Peer peer(final int id)
    {
        return peers[id];
    }

    long nowMs()
    {
        return clock.time();
    }

    /**
     * Let {@code ms} pass, a millisecond at a time: run the actions that fell due, and every running instance's
     * duty cycle each time it is due.
     */
    void advance(final long ms)
    {
        for (long i = 0; i < ms; i++)
        {
            clock.nowMs++;
            runDueActions();
            if (clock.nowMs - nextDutyMs >= 0)
            {
                nextDutyMs = clock.nowMs + Coordinator.TICK_MS;
                for (final Peer peer : peers)
                {
                    if (peer.running)
                    {
                        peer.dutyCycle();
                    }
                }
            }
        }
    }

    /**
     * Run {@code action} once, at the first millisecond at or after {@code atMs}; it may itself wait.
     */
    void at(final long atMs, final Runnable action)
    {
        actions.add(new Action(() -> clock.nowMs - atMs >= 0, action));
    }

    /**
     * Run {@code action} once, at the first millisecond at which {@code condition} holds.
     */
    void when(final BooleanSupplier condition, final Runnable action)
    {
        actions.add(new Action(condition, action));
    }

    boolean hasPendingActions()
    {
        return !actions.isEmpty();
    }

    private void runDueActions()
    {
        for (final Iterator<Action> it = actions.iterator(); it.hasNext(); )
        {
            final Action action = it.next();
            if (action.due().getAsBoolean())
            {
                it.remove();
                action.run().run(); // may wait, and so step the clock through here again
                return; // the list may have changed under us: look again next millisecond
            }
        }
    }

    @Override
    public void close()
    {
        for (final Peer peer : peers)
        {
            CloseHelper.quietClose(peer.device);
        }
    }
}
