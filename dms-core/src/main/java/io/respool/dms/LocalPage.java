package io.respool.dms;

import io.respool.dms.api.AcquireResult;
import io.respool.dms.api.LockMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's state of one page: the cluster-wide mode it holds, the local latch, the outstanding request, the
 * retained image of a page shipped away, and a revoke (ask-owner or invalidate) deferred until local latches are
 * given back. Shared by application threads and the agent: every field is guarded by this object's monitor, which
 * is only ever held briefly (the duty cycle never waits on it, and no thread runs the duty cycle while it holds
 * it), and waiters are woken with {@link #signal()}.
 * <p>
 * Three state machines live here, each changed only through its transition method, which logs the change and its
 * reason (at trace level): this node's own {@link Request} for the page, a {@link Revoke} deferred until local
 * latches are given back, and a {@link Release} of the page to its master.
 */
final class LocalPage
{
    /** Where this node's own request for the page stands. */
    enum Request
    {
        /** No request out: {@link #requestSerial} is 0. */
        IDLE(0),
        /** An application thread asked for a mode this node does not hold; the agent has not sent it yet. */
        ISSUED(1),
        /** Sent to the master, and resent until answered. */
        SENT(2),
        /** Its caller gave up: a cancel is out, resent until the master answers it (or answers the request). */
        CANCELLING(3);

        private final int code;

        Request(final int code)
        {
            this.code = StableCodes.check(code, ordinal());
        }

        int code()
        {
            return code;
        }
    }

    /** A revoke a peer asked for, carried out once local latches no longer stand in its way. */
    enum Revoke
    {
        /** Nothing deferred. */
        NONE(0),
        /** Ship the page to a requester (ask-owner). */
        ASK_OWNER(1),
        /** Drop a shared copy (invalidate). */
        INVALIDATE(2);

        private final int code;

        Revoke(final int code)
        {
            this.code = StableCodes.check(code, ordinal());
        }

        int code()
        {
            return code;
        }
    }

    /** Where giving the page back to its master (before an eviction) stands. */
    enum Release
    {
        /** Never asked, or withdrawn before it was sent. */
        IDLE(0),
        /** Asked for by an application thread; the agent has not sent it yet. */
        ISSUED(1),
        /** Sent to the master, and resent until answered. */
        SENT(2),
        /** The master let the page go. */
        GRANTED(3),
        /** The master kept the page (converting, or earlier dirty copies). */
        DENIED(4);

        private final int code;

        Release(final int code)
        {
            this.code = StableCodes.check(code, ordinal());
        }

        int code()
        {
            return code;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalPage.class);

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

    Request request = Request.IDLE;
    long requestSerial;
    /** The epoch the request was last sent in; another one means a reform lost it: it goes again, fresh serial. */
    int requestEpoch;
    /** The database's recovery asked: served while the access gate admits recovery only. */
    boolean requestRecovery;
    /**
     * The epoch whose recovery last got this node its mode (0: none): until that epoch's gate opens, only recovery
     * latches the page, since its image may be older than the removed node's WAL until the recovery is done.
     */
    int recoveryEpoch;
    /** Waits for a reform's access gate to open (counted once, woken when it opens). */
    boolean waitsForGate;
    LockMode requestMode = LockMode.NULL;
    long requestStartNs;
    long requestNextRetryNs;
    long requestRetryDelayNs;
    AcquireResult lastResult = AcquireResult.LOCAL_HIT;

    long completedSerial;
    long completedSeq = -1;
    LockMode completedMode = LockMode.NULL;
    int completedFlags;
    long completedLsn;

    Revoke revoke = Revoke.NONE;
    /** A deferred ship of a dirty image waits until the WAL is durable up to this LSN (0: not waiting). */
    long walWaitLsn;
    int revokeRequester;
    LockMode revokeMode = LockMode.NULL;
    long revokeSerial;
    long revokeSeq;
    int revokeFlags;
    int revokeSource;

    Release release = Release.IDLE;
    long releaseSerial;
    int releaseEpoch;
    long releaseStartNs;
    long releaseNextRetryNs;

    LocalPage(final long pageId)
    {
        this.pageId = pageId;
    }

    /**
     * Under the monitor: move this node's request on. Going {@link Request#IDLE} clears the serial, so that no
     * answer matches it any more.
     *
     * @param next   the new state.
     * @param reason why, for the log.
     */
    void request(final Request next, final String reason)
    {
        assert (switch (next)
        {
            case IDLE -> request != Request.IDLE;
            case ISSUED -> request == Request.IDLE;
            case SENT -> request == Request.ISSUED || request == Request.CANCELLING;
            case CANCELLING -> request == Request.SENT;
        }) :
            "request cannot go " + request + " -> " + next + ": " + this;
        trace("request", request, next, reason);
        request = next;
        if (next == Request.IDLE)
        {
            requestSerial = 0;
        }
    }

    /**
     * Under the monitor: defer a revoke, replace a deferred one with a newer one, or end it.
     *
     * @param next   the new state.
     * @param reason why, for the log.
     */
    void revoke(final Revoke next, final String reason)
    {
        trace("revoke", revoke, next, reason);
        revoke = next;
    }

    /**
     * Under the monitor: move the release on.
     *
     * @param next   the new state.
     * @param reason why, for the log.
     */
    void release(final Release next, final String reason)
    {
        assert (switch (next)
        {
            case ISSUED -> !isReleasing();
            case SENT -> release == Release.ISSUED;
            case GRANTED, DENIED -> isReleasing();
            case IDLE -> release == Release.ISSUED;
        }) : "release cannot go " + release + " -> " + next + ": " + this;
        trace("release", release, next, reason);
        release = next;
    }

    /** Whether a release is out and not yet answered. */
    boolean isReleasing()
    {
        return release == Release.ISSUED || release == Release.SENT;
    }

    /** Whether the release asked for last has been answered. */
    boolean isReleaseAnswered()
    {
        return release == Release.GRANTED || release == Release.DENIED;
    }

    /** Whether an answer with this serial is for this node's outstanding request. */
    boolean awaits(final long serial)
    {
        return request != Request.IDLE && requestSerial == serial;
    }

    private void trace(final String machine, final Enum<?> from, final Enum<?> to, final String reason)
    {
        if (LOG.isTraceEnabled())
        {
            LOG.trace("page state: pageId={}, {} {} -> {}: {}", pageId, machine, from, to, reason);
        }
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
        if (removed || isReleasing() || loading || revoke != Revoke.NONE || !mode.covers(wanted))
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

    /** Whether local latches stop the page being given up to a revoke of {@code type} for {@code requested} now. */
    boolean blocksRevoke(final Revoke type, final LockMode requested)
    {
        if (type == Revoke.INVALIDATE || requested == LockMode.X)
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
            ", shipPending=" + shipPending + ", shippedSeq=" + shippedSeq + ", request=" + request +
            ", requestSerial=" + requestSerial + ", requestMode=" + requestMode + ", revoke=" + revoke +
            ", walWaitLsn=" + walWaitLsn + ", release=" + release + ", removed=" + removed + ", waiters=" + waiters +
            "}";
    }
}
