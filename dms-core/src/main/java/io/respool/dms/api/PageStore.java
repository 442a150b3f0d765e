package io.respool.dms.api;

import org.agrona.MutableDirectBuffer;

/**
 * What the database lends DMS: its buffers, its shared-storage reads and its WAL. DMS calls these, unless said
 * otherwise, from the thread running the node's duty cycle: the node's agent thread, or an application thread that
 * waits inside {@link DmsNode#acquirePage}, {@link DmsNode#lock} or {@link DmsNode#tryLock} and runs the cycle
 * meanwhile ({@code DmsContext.waitDriveNs}). So each must return quickly, must never call back into
 * {@link DmsNode}, and must not wait for a database lock that a thread waiting on DMS may hold.
 * <p>
 * Rules the database keeps: it writes a page to shared storage only while this node holds it in S or X; it calls
 * {@link DmsNode#releasePage} before evicting a buffer, and evicts only if that returns true; after writing a page
 * it calls {@link DmsNode#cleanEdp} so that older dirty copies elsewhere can be dropped.
 */
public interface PageStore
{
    /**
     * Lend the buffer that holds {@code pageId}, allocating one if the page has none. The same buffer must be
     * returned until the page is evicted. The page occupies bytes {@code [0, pageSize)}.
     *
     * @param pageId the page.
     * @return the buffer, at least page size long.
     */
    MutableDirectBuffer buffer(long pageId);

    /**
     * Read the page from shared storage into its buffer. Called on the thread that acquires the page, while it
     * holds the page exclusively for the load (or, rarely, on the agent thread when a peer wants a page that was
     * granted but not yet loaded).
     *
     * @param pageId the page.
     * @param buffer the page's buffer, as from {@link #buffer(long)}.
     */
    void readFromDisk(long pageId, MutableDirectBuffer buffer);

    /**
     * LSN of the page's image on shared storage. The master asks this to decide whether an older dirty copy held
     * in memory somewhere is newer than the disk. Keep it cheap (a cached value).
     *
     * @param pageId the page.
     * @return the LSN on disk, 0 if the page was never written.
     */
    long diskLsn(long pageId);

    /**
     * LSN of the page's image in this node's buffer.
     *
     * @param pageId the page.
     * @return the LSN.
     */
    long pageLsn(long pageId);

    /**
     * Whether this node's image of the page is newer than shared storage.
     *
     * @param pageId the page.
     * @return true if dirty.
     */
    boolean isDirty(long pageId);

    /**
     * Ask for the WAL to be made durable up to {@code lsn}. DMS calls this on its agent thread before it ships a
     * dirty page to another node, and ships only once {@link #walFlushedLsn()} has reached {@code lsn}. Do not
     * block: hand the request to the WAL writer and return; the node's one agent thread serves every other request
     * meanwhile and checks {@link #walFlushedLsn()} each duty cycle. (A store may instead flush before it returns,
     * which is simpler, but then every request the node serves, as master or owner, waits as long as the flush.)
     *
     * @param lsn the LSN to make durable.
     * @return the LSN up to which the WAL is durable now.
     */
    long requestWalFlush(long lsn);

    /**
     * @return the LSN up to which the WAL is durable. Read by the agent while a dirty page waits for the WAL: keep
     * it cheap (a volatile read).
     */
    long walFlushedLsn();

    /**
     * A peer's image of the page was copied into the buffer.
     *
     * @param pageId the page.
     * @param lsn    the image's LSN.
     * @param dirty  whether the image is newer than shared storage (the database must then treat it as dirty).
     */
    void onPageReceived(long pageId, long lsn, boolean dirty);

    /**
     * Another node's checkpoint waits for this page: it keeps an earlier dirty copy that may go only once this
     * node's newer image is on shared storage (DMS's {@code ckpt_edp}). Queue the page for writing, as a checkpoint
     * would, and after writing it call {@link DmsNode#cleanEdp}. Called on the agent thread, only while this node
     * holds the page in S or X and it is dirty: do not write here.
     *
     * @param pageId the page.
     */
    void writeRequested(long pageId);

    /**
     * This node's mode on the page changed because of another node (downgrade, invalidation, transfer) or because
     * an earlier dirty copy was cleaned by a checkpoint.
     *
     * @param pageId       the page.
     * @param mode         the new mode.
     * @param earlierDirty whether the buffer must be kept as an earlier dirty copy (it must then neither be
     *                     written to disk nor evicted until DMS reports it clean with this flag false).
     */
    void onModeChanged(long pageId, LockMode mode, boolean earlierDirty);
}
