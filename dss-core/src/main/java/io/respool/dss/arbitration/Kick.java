package io.respool.dss.arbitration;

import io.respool.dss.format.MemberSector;

/**
 * One kick (fencing) of an instance, polled rather than waited on, so that its caller owns the waiting and the
 * clock. {@link #start} raises the victim's fence generation; each {@link #poll} reads the victim's member sector and
 * says whether it acknowledged (nothing of it reaches the volumes any more), is not running, or stopped answering.
 * What to do with an unresponsive victim (kill it on this host, or report the kick unconfirmed) is the caller's.
 * Not thread-safe: one caller polls it.
 */
public final class Kick
{
    /** A victim whose heartbeat did not change for this long is unresponsive. */
    public static final long STALE_MS = 1_000;
    /** A victim that heartbeats but has not acknowledged within this long is unresponsive too. */
    public static final long ACK_TIMEOUT_MS = 5_000;

    /**
     * What a poll found.
     */
    public enum Progress
    {
        /** Not acknowledged yet, and the victim still heartbeats: poll again. */
        WAITING,
        /** The victim acknowledged the fence. */
        ACKNOWLEDGED,
        /** No process runs the victim (never did, or it closed). */
        NOT_RUNNING,
        /**
         * The victim's member sector was written but fails magic, version or checksum (damaged, or written by a newer
         * version): nothing can be told of its process, not even that none runs it.
         */
        UNREADABLE,
        /** No acknowledgement, and no heartbeat for {@link #STALE_MS} (or none within {@link #ACK_TIMEOUT_MS}). */
        UNRESPONSIVE
    }

    private final ArbitrationSectors sectors;
    private final int victim;
    private final int by;
    private long generation;
    private long startMs;
    private long lastHeartbeat = Long.MIN_VALUE;
    private long lastChangeMs;
    private MemberSector member;

    public Kick(final ArbitrationSectors sectors, final int victim, final int by)
    {
        this.sectors = sectors;
        this.victim = victim;
        this.by = by;
    }

    /**
     * Fence the victim.
     *
     * @return the fence generation it must acknowledge.
     */
    public long start(final long nowMs)
    {
        generation = sectors.raiseFence(victim, true, by, nowMs);
        startMs = nowMs;
        lastChangeMs = nowMs;
        return generation;
    }

    public Progress poll(final long nowMs)
    {
        member = sectors.readMember(victim);
        if (!member.isEmpty() && !member.isValid())
        {
            return Progress.UNREADABLE;
        }
        if (member.isEmpty() || member.pid() == 0)
        {
            return Progress.NOT_RUNNING;
        }
        if (member.ackedFenceGeneration() >= generation)
        {
            return Progress.ACKNOWLEDGED;
        }
        if (member.heartbeat() != lastHeartbeat)
        {
            lastHeartbeat = member.heartbeat();
            lastChangeMs = nowMs;
        }
        return nowMs - lastChangeMs > STALE_MS || nowMs - startMs > ACK_TIMEOUT_MS ?
            Progress.UNRESPONSIVE : Progress.WAITING;
    }

    /**
     * @return the victim's member sector as the last {@link #poll} read it (which process, on which host).
     */
    public MemberSector member()
    {
        return member;
    }

    public long generation()
    {
        return generation;
    }
}
