package io.respool.dms;

/**
 * Message types on the wire. Codes are stable; a receiver drops codes it does not know.
 */
enum MessageType
{
    /** Unused code 0, so that a zeroed buffer is never a valid message. */
    NONE(0, Lane.CONTROL),
    /** Requester to master: I want the page in mode; serial identifies the request. */
    ASK_MASTER(1, Lane.DATA),
    /** Master to owner: ship the page to the requester (the requester's serial is kept). */
    ASK_OWNER(2, Lane.DATA),
    /** Master (or an owner without the page) to requester: no one has it in memory, read it from disk. */
    GRANT(3, Lane.DATA),
    /** Master to requester: you already own it, take the mode (an S to X upgrade, say). */
    ALREADY_OWNER(4, Lane.DATA),
    /** Owner to requester: the page image follows the header. */
    PAGE_READY(5, Lane.DATA),
    /** Requester to master: I now hold the page in mode (no ack; the master re-drives if it is lost). */
    CLAIM(6, Lane.CLAIM),
    /** Master to a shared-copy holder: drop your copy. */
    INVALIDATE(7, Lane.CLAIM),
    /** Copy holder to master: dropped. */
    INVALIDATE_ACK(8, Lane.CLAIM),
    /** Node to master: may I give up the page (before evicting it)? */
    RELEASE(9, Lane.CLAIM),
    /** Master to node: answer to RELEASE in status. */
    RELEASE_ACK(10, Lane.CLAIM),
    /** Node to master: the page is on disk up to lsn, older dirty copies may go. */
    CLEAN_EDP(11, Lane.CLAIM),
    /** Master to an earlier-dirty-copy holder: your copy is no longer needed. */
    EDP_CLEANED(12, Lane.CLAIM),
    /** Node to lock master: lock the resource in mode (flag TRY: only if at once). */
    LOCK_REQUEST(13, Lane.CONTROL),
    /** Lock master to node: granted or denied in status. */
    LOCK_REPLY(14, Lane.CONTROL),
    /** Node to lock master: release (or cancel) the lock request with serial. */
    LOCK_RELEASE(15, Lane.CONTROL),
    /** Lock master to node: released. */
    LOCK_RELEASE_ACK(16, Lane.CONTROL),
    /** Node to every node: payload follows. */
    BROADCAST(17, Lane.CONTROL),
    /** Node to broadcaster: handled, status from the handler. */
    BROADCAST_ACK(18, Lane.CONTROL),
    /** Node to master (a checkpoint): get the newest image written so my earlier dirty copy can be cleaned. */
    CKPT_EDP(19, Lane.CLAIM),
    /** Master to owner: write the page soon (lsn: newest earlier dirty copy), then clean edp. */
    OWNER_CKPT_EDP(20, Lane.CLAIM),
    /**
     * Node to a peer that restarted while the cluster ran on (resource id: the refused incarnation): the membership
     * cannot take it back without a reform, so it is served nothing and must stop.
     */
    REFUSED(21, Lane.CONTROL),
    /** Requester to master: drop my request with serial, its caller gave up (behind ASK_MASTER on its lane). */
    CANCEL(22, Lane.DATA),
    /** Master to requester: status OK, the request is dropped; DENIED, it is being served and its answer comes. */
    CANCEL_ACK(23, Lane.DATA),
    /**
     * Reformer to member: carry out a step of the reform into the view in the header (epoch, members, reformer,
     * primary, type) whose partition map is the payload. Exempt from the epoch check, as are the next three.
     */
    REFORM_STEP(24, Lane.CONTROL),
    /** Member to reformer: the step is done (status OK), or failed (DENIED). */
    REFORM_ACK(25, Lane.CONTROL),
    /** Member to a resource's new master: what it holds of a batch of pages and locks (payload: entries). */
    REBUILD(26, Lane.CONTROL),
    /** New master to member: the batch is applied (OK), or contradicts another member's (DENIED). */
    REBUILD_ACK(27, Lane.CONTROL),
    /**
     * A node starting under the fixed membership to each peer: may I serve? Answered HELLO_ACK if the peer admits
     * this incarnation, REFUSED if it knew an older one (the node restarted while the cluster ran on).
     */
    HELLO(28, Lane.CONTROL),
    /** Peer to a starting node: this incarnation is admitted. */
    HELLO_ACK(29, Lane.CONTROL);

    private static final MessageType[] BY_CODE = values();

    private final int code;
    private final Lane lane;

    MessageType(final int code, final Lane lane)
    {
        this.code = StableCodes.check(code, ordinal());
        this.lane = lane;
    }

    int code()
    {
        return code;
    }

    /** Whether this type is reform traffic: it carries its own epoch and passes between nodes of different ones. */
    boolean isReform()
    {
        return code >= REFORM_STEP.code && code <= REBUILD_ACK.code;
    }

    /**
     * Whether this type gives, takes or answers for a node's mode of a page (a grant, a ship, a revoke, a claim, an
     * invalidation's ack, a release's answer). While a reform's access gate is CLOSED no directory may serve, so any
     * such message then comes from the directory of the epoch being left, re-sent under the new epoch's stamp (a
     * re-drive of an old conversion), and is dropped: handled, it would change a holding after DRC_INACCESS.
     */
    boolean movesHoldings()
    {
        return switch (this)
        {
            case ASK_OWNER, GRANT, ALREADY_OWNER, PAGE_READY, CLAIM, INVALIDATE, INVALIDATE_ACK, RELEASE_ACK -> true;
            default -> false;
        };
    }

    Lane lane()
    {
        return lane;
    }

    /**
     * @param code wire code.
     * @return the type, or null if unknown (the caller drops the message and counts it).
     */
    static MessageType get(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
