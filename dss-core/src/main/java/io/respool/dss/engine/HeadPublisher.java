package io.respool.dss.engine;

import io.respool.dss.format.VgHead;

/**
 * The VG head: one sector saying where this volume group's log ends, and whether an instance is inside a change.
 * After each durable commit the lock holder {@link #publish}es the new end; other instances read that one sector
 * before a lookup and replay what is new ({@link #catchUpIfMoved}). A head left "held" means its holder died
 * mid-change: the next holder ({@link #takeOver}) zeroes whatever a torn batch may have left past the valid end.
 * Thread-safe: every write of the head is serialized here.
 */
final class HeadPublisher
{
    private final int instanceId;
    private final SharedSectors sectors;
    private final Coordinator.Engine engine;
    private final Runnable checkStillHeld;
    private final Object publishLock = new Object();
    private long published = -1;

    /**
     * @param checkStillHeld run immediately before each write of the head: throws if the volume-group lock may no
     *                       longer be this instance's.
     */
    HeadPublisher(final int instanceId, final SharedSectors sectors, final Coordinator.Engine engine,
        final Runnable checkStillHeld)
    {
        this.instanceId = instanceId;
        this.sectors = sectors;
        this.engine = engine;
        this.checkStillHeld = checkStillHeld;
    }

    /**
     * The volume-group lock was just taken: replay what others committed, sealing a torn end, and mark the head
     * held (durably: it decides whether the next holder seals the log's end).
     */
    void takeOver()
    {
        engine.catchUp(sectors.readHead(), true);
        writeHead(true, true);
    }

    /**
     * The lock is about to be released: make every staged record durable and publish a clean head.
     */
    void handOver()
    {
        engine.flushLog();
        writeHead(false, false);
    }

    /**
     * The lock is released fenced: nothing staged may be written, and the head stays "held" so that the next holder
     * seals the log's end.
     */
    void abandon(final String why)
    {
        engine.dropStaged(why);
    }

    /**
     * Tell other instances that the log is durable up to the engine's durable LSN.
     */
    void publish()
    {
        synchronized (publishLock)
        {
            if (engine.durableLsn() > published)
            {
                writeHead(true, false);
            }
        }
    }

    /**
     * Replay what other instances committed, if the head moved. The caller makes sure this instance does not hold
     * the lock (then nobody else can write).
     *
     * @return true if the head had moved.
     */
    boolean catchUpIfMoved()
    {
        final VgHead head = sectors.readHead();
        if (!head.isValid() ||
            (head.endLsn() == engine.durableLsn() && head.rootSequence() == engine.rootSequence()))
        {
            return false;
        }
        engine.catchUp(head, false);
        return true;
    }

    private void writeHead(final boolean held, final boolean durable)
    {
        synchronized (publishLock)
        {
            final long end = engine.durableLsn();
            checkStillHeld.run();
            sectors.writeHead(SharedSectors.blank(new VgHead()).endLsn(end).checkpointLsn(engine.tailLsn())
                .rootSequence(engine.rootSequence()).writer(instanceId).held(held), durable);
            published = end;
        }
    }
}
