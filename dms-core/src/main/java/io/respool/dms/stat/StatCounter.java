package io.respool.dms.stat;

/**
 * Counters a node keeps in its statistics file. The id is the slot in the file and is stable; new counters are
 * added at the end.
 */
public enum StatCounter
{
    /** Messages sent, all lanes. */
    MESSAGES_SENT(0, "messages sent"),
    /** Messages received, all lanes. */
    MESSAGES_RECEIVED(1, "messages received"),
    /** Messages dropped on purpose by the loss injector. */
    MESSAGES_DROPPED_INJECTED(2, "messages dropped by loss injector"),
    /** Sends that failed because the peer was not connected. */
    SEND_NOT_CONNECTED(3, "sends to an unconnected peer"),
    /** Sends given up after back pressure. */
    SEND_BACK_PRESSURED(4, "sends dropped on back pressure"),
    /** Messages of a newer membership epoch than this node's, dropped (until reform lets a node move on). */
    MEMBERSHIP_MISMATCH(5, "messages of a newer membership epoch"),
    /** Messages with an unknown codec version or type, dropped. */
    BAD_MESSAGES(6, "messages with a bad version or type"),
    /** Page requests sent to a master again after no answer. */
    REQUEST_RETRANSMITS(7, "page request retransmits"),
    /** Conversions the master drove again after no claim arrived. */
    MASTER_REDRIVES(8, "master re-drives of a stuck conversion"),
    /** Late or duplicate messages ignored. */
    STALE_MESSAGES(9, "late or duplicate messages ignored"),
    /** Page requests resolved with the master local (1-way). */
    PAGE_REQUESTS_1WAY(10, "page requests 1-way"),
    /** Page requests with one network round trip (2-way). */
    PAGE_REQUESTS_2WAY(11, "page requests 2-way"),
    /** Page requests forwarded by a remote master to a third node (3-way). */
    PAGE_REQUESTS_3WAY(12, "page requests 3-way"),
    /** Local hits: the node already held the page. */
    PAGE_LOCAL_HITS(13, "page local hits"),
    /** Pages shipped to another node. */
    PAGES_SHIPPED(14, "pages shipped"),
    /** Dirty pages shipped (WAL flushed first). */
    DIRTY_PAGES_SHIPPED(15, "dirty pages shipped (WAL flushed first)"),
    /** Shared copies invalidated on this node. */
    INVALIDATIONS_RECEIVED(16, "shared copies invalidated here"),
    /** Claims applied by this node as master. */
    CLAIMS_APPLIED(17, "claims applied as master"),
    /** Releases granted by this node as master. */
    RELEASES_GRANTED(18, "releases granted as master"),
    /** Releases refused by this node as master. */
    RELEASES_DENIED(19, "releases denied as master"),
    /** Ownerless pages shipped from an earlier dirty copy instead of disk. */
    EDP_SHIPS(20, "pages shipped from an earlier dirty copy"),
    /** Global locks granted to this node. */
    LOCKS_GRANTED(21, "global locks granted"),
    /** Global try-locks refused. */
    LOCKS_DENIED(22, "global try-locks refused"),
    /** Broadcasts received and handled. */
    BROADCASTS_RECEIVED(23, "broadcasts handled"),
    /** Errors sent to the error handler. */
    ERRORS(24, "errors"),
    /** Owner asked for a page it did not hold; requester told to read from disk. */
    OWNER_WITHOUT_PAGE(25, "ask-owner for a page not held"),
    /** Requests waiting in master queues right now. */
    MASTER_QUEUE_DEPTH(26, "requests queued at this master now"),
    /** Directory entries (pages) this master keeps right now. */
    DRC_ENTRIES(27, "page directory entries now"),
    /** Agent duty cycles. */
    DUTY_CYCLES(28, "agent duty cycles"),
    /** Checkpoint requests for a page with earlier dirty copies, forwarded by this master to the owner. */
    CKPT_EDP_FORWARDED(29, "checkpoint edp requests forwarded to owner"),
    /** Pages this node, as owner, was asked to write for another node's checkpoint. */
    WRITES_REQUESTED(30, "page writes requested by a checkpoint elsewhere"),
    /** Dirty pages whose transfer waited, without blocking the agent, for the database's WAL flush. */
    WAL_FLUSH_WAITS(31, "dirty page transfers that waited for the WAL"),
    /** Messages of an older membership epoch, dropped on arrival. */
    STALE_EPOCH(32, "messages of an older membership epoch"),
    /** Messages from a dead incarnation of their sender (sent before it restarted), dropped on arrival. */
    DEAD_INCARNATION(33, "messages from a dead incarnation"),
    /** Peers seen with a newer incarnation than before: they restarted. */
    PEER_RESTARTS(34, "peers seen restarted"),
    /** Messages from a node outside the membership view, dropped on arrival: it gets no service. */
    NOT_MEMBER(35, "messages from a node outside the view"),
    /** Messages stamped with another partition map version, dropped on arrival. */
    PARTITION_MAP_MISMATCH(36, "messages of another partition map version"),
    /** Messages from a peer refused because it restarted while the cluster ran on, dropped on arrival. */
    REFUSED_PEER_MESSAGES(37, "messages from a refused restarted peer"),
    /** Reforms of type NORMAL this node finished (a member left, the primary survived). */
    REFORMS_NORMAL(38, "reforms: normal (a member left)"),
    /** Reforms of type FAILOVER this node finished. */
    REFORMS_FAILOVER(39, "reforms: failover"),
    /** Reforms of type SWITCHOVER this node finished. */
    REFORMS_SWITCHOVER(40, "reforms: switchover"),
    /** Reforms of type JOIN this node finished (also a cluster's first). */
    REFORMS_JOIN(41, "reforms: join"),
    /** Reforms that failed here (a contradiction in the rebuild, or the database's recovery failed). */
    REFORMS_FAILED(42, "reforms failed"),
    /** Page entries this node rebuilt, as a new master, from what the members hold. */
    REBUILT_PAGES(43, "pages rebuilt as master"),
    /** Global lock holders this node rebuilt, as a new lock master. */
    REBUILT_LOCKS(44, "global locks rebuilt as master"),
    /** Page and lock requests of this node that waited for a reform's access gate. */
    REQUESTS_WAITED_FOR_REFORM(45, "requests that waited for a reform"),
    /** Requests this master dropped because the access gate was closed (they are resent). */
    GATE_DROPS(46, "requests, and page grants, ships and revokes, dropped at a closed access gate"),
    /**
     * Reform steps and rebuild batches resent after no acknowledgement: the sum of {@link #REFORM_STEP_RESENDS} and
     * {@link #REBUILD_BATCH_RESENDS}, as every build has written it (a version-1 file has only this total).
     */
    REFORM_RESENDS(47, "reform resends: steps and batches in all"),
    /** Normal page requests left out at a reform whose slot the database's recovery took over for its own. */
    RECOVERY_TAKEOVERS(48, "normal requests taken over by recovery"),
    /** Peers this node's messages reach over Aeron IPC now: a bitmap of node ids (not a count). */
    PEERS_OVER_IPC(49, "peers over IPC now (bitmap of node ids)"),
    /** Peers this node's messages reach over Aeron UDP now: a bitmap of node ids (not a count). */
    PEERS_OVER_UDP(50, "peers over UDP now (bitmap of node ids)"),
    /** Times the external media driver was lost (it died, or it timed this node's client out). */
    DRIVER_LOST(51, "media driver connections lost"),
    /** Times the node connected again to a media driver in the external directory after losing one. */
    DRIVER_RECONNECTS(52, "media driver reconnects"),
    /** Reform steps this node, as reformer, resent to members that had not acknowledged them (part of 47). */
    REFORM_STEP_RESENDS(53, "reform steps resent (reformer)"),
    /** Rebuild batches this node resent to a new master that had not acknowledged them (part of 47). */
    REBUILD_BATCH_RESENDS(54, "rebuild batches resent");

    private static final StatCounter[] BY_ID = values();

    private final int id;
    private final String label;

    StatCounter(final int id, final String label)
    {
        this.id = StatIds.checkId(id, ordinal());
        this.label = label;
    }

    /**
     * @return slot in the file.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return human-readable label.
     */
    public String label()
    {
        return label;
    }

    /**
     * @param id slot.
     * @return the counter, or null if this build does not know it.
     */
    public static StatCounter get(final int id)
    {
        return StatIds.byId(BY_ID, id);
    }
}
