package io.respool.dms.api;

import org.agrona.DirectBuffer;

/**
 * One DMS node, embedded in one database instance. All methods are thread-safe and may block only as long as
 * their timeout says; none may be called from {@link PageStore} or {@link BroadcastHandler} callbacks.
 * <p>
 * Pages are held at two levels: the cluster-wide mode this node holds (null, S or X; kept across calls, so that
 * a second access is a local hit) and a local latch that a thread takes with {@link #acquirePage} and gives back
 * with {@link #unlatchPage}. A page is shipped away or invalidated only when no local latch is held on it.
 */
public interface DmsNode extends AutoCloseable
{
    /**
     * @return this node's id.
     */
    int nodeId();

    /**
     * @return page size in bytes.
     */
    int pageSize();

    /**
     * @param pageId a page.
     * @return the node id that masters the page (keeps its directory entry).
     */
    int masterOf(long pageId);

    /**
     * Get the page in {@code mode} and latch it locally (shared for S, exclusive for X). On return the page's
     * buffer ({@link PageStore#buffer}) holds its newest image. Upgrading from a latch already held is not
     * supported: unlatch first.
     *
     * @param pageId    the page.
     * @param mode      {@link LockMode#S} or {@link LockMode#X}.
     * @param timeoutNs how long to wait.
     * @return where the image came from.
     * @throws DmsTimeoutException if the page could not be had in time.
     */
    AcquireResult acquirePage(long pageId, LockMode mode, long timeoutNs);

    /**
     * Give back the local latch taken by {@link #acquirePage}. The node keeps its mode on the page.
     *
     * @param pageId the page.
     */
    void unlatchPage(long pageId);

    /**
     * Give up this node's ownership of a page before evicting its buffer. Returns false if the page must stay:
     * it is latched, it is dirty (write it first), it is an earlier dirty copy not yet cleaned, it has older
     * dirty copies elsewhere (call {@link #cleanEdp} after writing it), or the master is busy converting it.
     *
     * @param pageId    the page.
     * @param timeoutNs how long to wait for the master.
     * @return true if the buffer may be evicted.
     */
    boolean releasePage(long pageId, long timeoutNs);

    /**
     * Tell the page's master that the page was written to shared storage up to {@code diskLsn}, so that older
     * dirty copies on other nodes can be dropped. One-way: a lost message is made good by the next call.
     *
     * @param pageId  the page.
     * @param diskLsn the LSN now on disk.
     */
    void cleanEdp(long pageId, long diskLsn);

    /**
     * Ask, for a checkpoint, that the newest image of a page be written because this node keeps an earlier dirty
     * copy of it (which it may neither write nor evict): the page's master asks the owner's database to write the
     * page ({@link PageStore#writeRequested}), and the owner's {@link #cleanEdp} after the write lets this copy go
     * ({@link PageStore#onModeChanged} with {@code earlierDirty} false). One-way, like DMS's {@code dms_ckpt_edp}:
     * if the copy is still kept at the next checkpoint, ask again.
     *
     * @param pageId the page.
     */
    void checkpointEdp(long pageId);

    /**
     * @param pageId a page.
     * @return the mode this node holds on the page.
     */
    LockMode pageMode(long pageId);

    /**
     * Take a global lock on a named resource, waiting in a queue behind earlier requests.
     *
     * @param resourceId the resource (a table id, say).
     * @param mode       {@link LockMode#S} or {@link LockMode#X}.
     * @param timeoutNs  how long to wait.
     * @return a token for {@link #unlock}.
     * @throws DmsTimeoutException if not granted in time (the request is cancelled).
     */
    long lock(long resourceId, LockMode mode, long timeoutNs);

    /**
     * Take a global lock only if it can be granted at once.
     *
     * @param resourceId the resource.
     * @param mode       {@link LockMode#S} or {@link LockMode#X}.
     * @param timeoutNs  how long to wait for the master's answer.
     * @return a token for {@link #unlock}, or 0 if the lock is held elsewhere.
     * @throws DmsTimeoutException if the master did not answer in time.
     */
    long tryLock(long resourceId, LockMode mode, long timeoutNs);

    /**
     * Release a global lock. Asynchronous: the release is resent until the master confirms it.
     *
     * @param token from {@link #lock} or {@link #tryLock}.
     */
    void unlock(long token);

    /**
     * Send a message to every other node and wait until each has acknowledged it.
     *
     * @param buffer    payload.
     * @param offset    where it starts.
     * @param length    how long (at most {@link #maxBroadcastLength()}).
     * @param timeoutNs how long to wait for all acknowledgements.
     * @return true if every node acknowledged in time.
     */
    boolean broadcast(DirectBuffer buffer, int offset, int length, long timeoutNs);

    /**
     * @return largest broadcast payload.
     */
    int maxBroadcastLength();

    /**
     * Wait until this node's publications to every other node are connected.
     *
     * @param timeoutNs how long to wait.
     * @return true if all are connected.
     */
    boolean awaitConnected(long timeoutNs);

    /**
     * @return the membership epoch stamped on every message: the version of the view served, or being reformed into.
     */
    int membershipVersion();

    /**
     * @return the membership view this node serves; before its first reform ends, the newest it knows; null until
     * its membership source has given it a view (a node that joins a running cluster, just launched).
     */
    MembershipView membershipView();

    /**
     * @return where this node stands with reform.
     */
    ReformState reformState();

    /**
     * Wait for the reform in progress, and the reforms of every newer view this node has been told of, to end (as
     * openGauss's {@code dms_wait_reform}). With the fixed default source there is none, and this returns at once.
     *
     * @param timeoutNs how long to wait.
     * @return true if the newest view is served with normal access open; false if the time ran out.
     * @throws DmsException if the reform failed ({@link DmsErrorCode#REFORM_FAILED}) or this node was kicked out of
     *                      the cluster ({@link DmsErrorCode#KICKED_OUT}).
     */
    boolean awaitReform(long timeoutNs);

    /**
     * A planned move of the primary to another live member: the membership source is asked for a view with
     * {@code newPrimary} as primary and reformer, and the reform into it (SWITCHOVER: the old primary's database
     * demotes first, the new one is promoted, no page is lost) is waited for.
     *
     * @param newPrimary the member to become the primary.
     * @param timeoutNs  how long to wait for the switch.
     * @return true if this node serves a view with {@code newPrimary} as primary; false if the time ran out.
     * @throws DmsException if the source cannot switch over, or {@code newPrimary} is not a member.
     */
    boolean switchover(int newPrimary, long timeoutNs);

    /**
     * {@link #acquirePage}, for the database's recovery during a reform: served while the reform's RECOVERY step runs
     * (normal requests wait for the reform to end) as well as after it.
     *
     * @param pageId    the page.
     * @param mode      S or X.
     * @param timeoutNs how long to wait.
     * @return where the page came from.
     */
    AcquireResult acquirePageForRecovery(long pageId, LockMode mode, long timeoutNs);

    /**
     * @return the directory of this node (driver directory, statistics file).
     */
    java.io.File nodeDirectory();

    /**
     * Stop the node and delete its directory. An external media driver is left running; close returns once it has
     * let go of the node's port. Safe to call twice.
     */
    @Override
    void close();
}
