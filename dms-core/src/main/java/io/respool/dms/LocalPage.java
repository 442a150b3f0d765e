package io.respool.dms;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.LockMode;

/**
 * This node's state of one page: the cluster-wide mode it holds, the local latch, the outstanding request, the
 * retained image of a page shipped away, and a revoke (ask-owner or invalidate) deferred until local latches are
 * given back. Shared by application threads and the agent: every field is guarded by this object's monitor, which
 * is only ever held briefly (the duty cycle never waits on it, and no thread runs the duty cycle while it holds
 * it), and waiters are woken with {@link #signal()}.
 */
final class LocalPage
{
    static final int REVOKE_NONE = 0;
    static final int REVOKE_ASK_OWNER = 1;
    static final int REVOKE_INVALIDATE = 2;

    final long pageId;

    LockMode mode = LockMode.NULL;
    /** Directory seq of the conversion that gave this node its current mode; older revokes are stale. */
    long grantSeq = -1;
    int readers;
    boolean writer;
    boolean loading;
    boolean needLoad;
    /** Retains an earlier dirty copy: may be neither written nor evicted until the master cleans it. */
    boolean edp;
    /** Shipped away and not yet confirmed released by the master: the image is retained for a resend. */
    boolean shipPending;
    long shippedSeq = -1;
    int shippedFlags;
    long shippedLsn;
    boolean removed;
    int waiters;
    /**
     * Bumped under the monitor whenever waiters are woken ({@link #signal()}), and read without it, so that a thread
     * can spin on it outside the monitor for a short while before it waits.
     */
    volatile int changes;

    long requestSerial;
    LockMode requestMode = LockMode.NULL;
    boolean requestSent;
    long requestStartNs;
    long requestNextRetryNs;
    long requestRetryDelayNs;
    AcquireResult lastResult = AcquireResult.LOCAL_HIT;

    long completedSerial;
    long completedSeq = -1;
    LockMode completedMode = LockMode.NULL;
    int completedFlags;
    long completedLsn;

    int revokeType = REVOKE_NONE;
    /** A deferred ship of a dirty image waits until the WAL is durable up to this LSN (0: not waiting). */
    long walWaitLsn;
    int revokeRequester;
    LockMode revokeMode = LockMode.NULL;
    long revokeSerial;
    long revokeSeq;
    int revokeFlags;
    int revokeSource;

    boolean releasing;
    long releaseSerial;
    boolean releaseSent;
    boolean releaseDone;
    boolean releaseOk;
    long releaseStartNs;
    long releaseNextRetryNs;

    LocalPage(final long pageId)
    {
        this.pageId = pageId;
    }

    /**
     * Under the monitor: record a change and wake every waiter.
     */
    void signal()
    {
        changes++; // only ever written under the monitor: the read-modify-write cannot race
        notifyAll();
    }

    /** Whether a thread may take the local latch in {@code wanted} now. */
    boolean canLatch(final LockMode wanted)
    {
        if (removed || releasing || loading || revokeType != REVOKE_NONE || !mode.covers(wanted))
        {
            return false;
        }
        return wanted == LockMode.X ? !writer && readers == 0 : !writer;
    }

    void latch(final LockMode wanted)
    {
        if (wanted == LockMode.X)
        {
            writer = true;
        }
        else
        {
            readers++;
        }
    }

    boolean latched()
    {
        return writer || readers > 0 || loading;
    }

    /** Whether local latches stop the page being given up in {@code revokedTo} now. */
    boolean blocksRevoke(final int type, final LockMode requested)
    {
        if (type == REVOKE_INVALIDATE || requested == LockMode.X)
        {
            return writer || readers > 0 || loading;
        }
        return writer || loading;
    }

    /** Holds an image that may be shipped. */
    boolean holdsImage()
    {
        return mode != LockMode.NULL || edp || shipPending;
    }

    @Override
    public String toString()
    {
        return "LocalPage{pageId=" + pageId + ", mode=" + mode + ", grantSeq=" + grantSeq + ", readers=" + readers +
            ", writer=" + writer + ", loading=" + loading + ", needLoad=" + needLoad + ", edp=" + edp +
            ", shipPending=" + shipPending + ", shippedSeq=" + shippedSeq + ", requestSerial=" + requestSerial +
            ", requestMode=" + requestMode + ", revokeType=" + revokeType + ", walWaitLsn=" + walWaitLsn +
            ", releasing=" + releasing + ", removed=" + removed + ", waiters=" + waiters + "}";
    }
}
