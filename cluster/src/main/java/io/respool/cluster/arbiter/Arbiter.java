package io.respool.cluster.arbiter;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.ProcessIdentity;
import io.respool.dms.api.MembershipView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One node's arbiter: renews its disk heartbeat, watches its peers' on its own clock, takes network silence as a
 * suspicion to confirm on the disk, proposes the view that removes a failed node, fences every node a decided view
 * removes before publishing that view to {@link DecidedViews}, and fences itself when it cannot renew in time, is
 * removed, or is cut off from a primary that still renews (a partition: the primary's side continues). Rules and
 * their argument: cluster/DESIGN.md. An agent: {@link #doWork} with the caller's clock, no threads of its own;
 * {@link #mayServe} may be read from any thread.
 * <p>
 * <b>Rejoin.</b> A new arbiter (a new process, a new incarnation) that finds itself outside the latest decided view
 * writes {@link HeartbeatSector#JOINING} with that view's version; the primary's arbiter adds it in the next version
 * once it renews on the disk; the joiner takes the view up only if it was decided after the one it read without
 * itself, writes {@link HeartbeatSector#RUNNING}, registers its storage again ({@link ArbiterContext#storageAdmission},
 * DSS {@code reghl}) and only then publishes and serves. One that finds itself still a member (it restarted before
 * the others removed it) writes {@link HeartbeatSector#RESTARTED} and is removed first. A fenced arbiter never
 * rejoins: only a new one does.
 * <p>
 * <b>Planned role changes.</b> {@link #requestSwitchover} and {@link #requestFailover}, from any thread (the node's
 * {@code cmctl} handler, {@link io.respool.cluster.node.ArbiterRoleRequests}; DMS's switchover through {@link
 * DecidedViews#requestSwitchover}); the future completes on the arbiter's thread.
 * <p>
 * <b>Events.</b> {@link #listen} an {@link ArbiterListener}: called on the thread that calls {@link #doWork}.
 */
public final class Arbiter
{
    private static final Logger LOG = LoggerFactory.getLogger(Arbiter.class);
    private static final long GAP_REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** A role change not done in this long is refused: the cluster is busy with failures of its own. */
    static final long ROLE_CHANGE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Where a node that a decided view admits stands on its way to publishing it. */
    private enum Admission
    {
        /** Not admitted: no {@link HeartbeatSector#RUNNING} sector written. */
        NOT_STARTED,
        /** Its RUNNING sector landed; its storage is being registered again. */
        STORAGE,
        /** Ready to publish the view that admits it. */
        READY
    }

    /** A switchover or failover request taken by {@link #requestSwitchover} or {@link #requestFailover}. */
    private static final class RoleRequest
    {
        final RoleChange.Kind kind;
        final int target;
        final CompletableFuture<RoleChange> result = new CompletableFuture<>();
        long deadlineNs;
        boolean taken;

        RoleRequest(final RoleChange.Kind kind, final int target)
        {
            this.kind = kind;
            this.target = target;
        }
    }

    private final ArbiterContext ctx;
    private final ClusterDisk disk;
    private final DecisionRegister register;
    private final NetworkLiveness network;
    private final Fencer fencer;
    private final SelfFence selfFence;
    private final DecidedViews views;
    private final OwnHeartbeat heartbeat;
    private final PeerWatch[] watches;
    private final Map<Integer, Fencing> fencings = new HashMap<>();
    private final int me;
    private final long startNs;
    private final List<ArbiterListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<RoleRequest> roleRequests = new ConcurrentLinkedQueue<>();
    private final boolean[] suspected;
    private RoleRequest role;
    private MembershipView lastDecided;
    /** When this node first read {@link #lastDecided}, by its clock. */
    private long lastDecidedNs;
    private long excludedIn = -1;
    private boolean learned;
    private boolean restartedLogged;
    private boolean fresh;
    /** The version this arbiter proposed to restart a cluster none of whose members runs ({@link #restartCluster}). */
    private int restartVersion = -1;
    private Admission admission = Admission.NOT_STARTED;
    private volatile ArbiterState state = ArbiterState.JOINING;
    private MembershipView published;
    private boolean refreshedOnce;
    private boolean proposing;
    private long nextPeerReadNs;
    private long nextPollNs;
    private long backoffUntilNs;
    private long nextGapReportNs;
    private String fenceReason;
    /** Whether arbitration was paused at the last judging cycle. */
    private boolean paused;
    /** What this arbiter withheld in the current pause, as "kind of node N in view V", to log each only once. */
    private final Set<String> withheld = new LinkedHashSet<>();

    public Arbiter(
        final ArbiterContext ctx, final ClusterDisk disk, final DecisionRegister register,
        final NetworkLiveness network, final Fencer fencer, final SelfFence selfFence, final DecidedViews views,
        final long incarnation, final long nowNs)
    {
        this.ctx = ctx.conclude();
        this.disk = disk;
        this.register = register;
        this.network = network;
        this.fencer = fencer;
        this.selfFence = selfFence;
        this.views = views;
        this.me = ctx.nodeId();
        this.startNs = nowNs;
        this.nextGapReportNs = nowNs + GAP_REPORT_INTERVAL_NS;
        this.heartbeat = new OwnHeartbeat(disk, this.ctx.nanoClock(), me, incarnation,
            this.ctx.hostProcesses().self(), ctx.heartbeatIntervalNs(), ctx.selfFenceTimeoutNs(), nowNs);
        this.watches = new PeerWatch[ctx.nodeCount()];
        this.suspected = new boolean[ctx.nodeCount()];
        views.switchoverBy(node ->
        {
            requestSwitchover(node);
            return true;
        });
        for (int node = 0; node < watches.length; node++)
        {
            watches[node] = new PeerWatch(node, nowNs);
        }
        this.ctx.hostProcesses().sharedScheduling().ifPresent(why -> LOG.warn("node {}: {}; under load this " +
            "node's duty cycle waits with that session's other work and may fence itself falsely", me, why));
    }

    /**
     * @return the distribution of this node's own heartbeat renewal gaps so far, and a renewal write in progress,
     * for the log and {@code query}.
     */
    public String renewalGaps()
    {
        return heartbeat.describeGaps();
    }

    public ArbiterState state()
    {
        return state;
    }

    /**
     * @return this node's id.
     */
    public int nodeId()
    {
        return me;
    }

    /**
     * Tell {@code listener} of every event from now on, on the thread that calls {@link #doWork}.
     */
    public void listen(final ArbiterListener listener)
    {
        listeners.add(listener);
    }

    /**
     * Ask for a planned switchover: a view with the same members and {@code target} as primary and reformer, decided
     * in the register, once this arbiter (a member) sees both {@code target} and the current primary alive (their
     * disk heartbeats changed within the self-fence timeout, and heard on the network if there is a lane). DMS turns
     * the view into a SWITCHOVER reform: the old primary demotes, the new one promotes. Thread-safe.
     *
     * @param target the member to become primary.
     * @return completes on the arbiter's thread: done once this arbiter published a view with {@code target} primary
     * (or it already was), refused with the reason (not a member, not alive, the primary is not alive: use failover,
     * this node is fenced or not a member, not done within 10 s).
     */
    public CompletableFuture<RoleChange> requestSwitchover(final int target)
    {
        return request(RoleChange.Kind.SWITCHOVER, target);
    }

    /**
     * Ask for a forced failover to {@code target}: a view without the current primary, with {@code target} as
     * primary and reformer, proposed only once the primary is gone for certain (it wrote that it fenced itself or
     * restarted, its member heartbeat stayed unchanged for the lease timeout, or its process on this host is gone or
     * stopped), and published only once it is fenced, as every removal. DMS turns it into a FAILOVER reform.
     * Thread-safe.
     *
     * @param target the member to promote (the node the operator names: {@code cmctl failover -n N}).
     * @return completes on the arbiter's thread: done once a view with {@code target} primary is published here,
     * refused with the reason (the primary is alive: use switchover; the target is not a member or not alive; another
     * node became primary first; not done within 10 s).
     */
    public CompletableFuture<RoleChange> requestFailover(final int target)
    {
        return request(RoleChange.Kind.FAILOVER, target);
    }

    private CompletableFuture<RoleChange> request(final RoleChange.Kind kind, final int target)
    {
        final RoleRequest request = new RoleRequest(kind, target);
        if (target < 0 || target >= watches.length)
        {
            request.result.complete(new RoleChange(kind, target, false, "no node " + target + " in a cluster of " +
                watches.length + " nodes", published));
        }
        else
        {
            roleRequests.add(request);
        }
        return request.result;
    }

    /**
     * @return why this node fenced itself, null if it did not.
     */
    public String fenceReason()
    {
        return fenceReason;
    }

    /**
     * The gate every write to the shared storage and every served request checks, immediately before it.
     *
     * @return true while this node is a member whose own heartbeat was confirmed within the self-fence timeout.
     */
    public boolean mayServe(final long nowNs)
    {
        return state == ArbiterState.MEMBER && heartbeat.mayServe(nowNs);
    }

    /**
     * One duty cycle.
     *
     * @return work done.
     */
    public int doWork(final long nowNs, final long wallMs)
    {
        if (state != ArbiterState.FENCED && heartbeat.lapsed(nowNs))
        {
            fence(nowNs, heartbeat.expiryReason(nowNs));
        }
        if (state != ArbiterState.FENCED && heartbeat.displaced())
        {
            fence(nowNs, "another process (incarnation " + Long.toHexString(heartbeat.displacedBy()) + ") writes " +
                "node " + me + "'s heartbeat sector: this one was replaced");
        }
        final long version = published == null ? 0 : published.version();
        final int sectorState = sectorState();
        int work = heartbeat.doWork(nowNs, sectorState, version, sectorTag(sectorState), wallMs);
        if (nowNs - nextGapReportNs >= 0)
        {
            nextGapReportNs = nowNs + GAP_REPORT_INTERVAL_NS;
            LOG.info("node {}: {}", me, heartbeat.describeGaps());
        }
        if (state == ArbiterState.FENCED)
        {
            refuseRoleRequests("node " + me + " fenced itself: " + fenceReason);
            return work;
        }
        work += network.doWork(nowNs);
        work += readPeers(nowNs);
        work += register.doWork(nowNs);
        if (!register.busy())
        {
            onRegisterIdle(nowNs);
        }
        noteDecided(nowNs);
        work += state == ArbiterState.JOINING ? join(nowNs, wallMs) : publishWhenFenced(nowNs);
        if (state == ArbiterState.JOINING)
        {
            refuseRoleRequests("node " + me + " is not a member yet");
        }
        else if (state == ArbiterState.MEMBER && !proposing && !register.busy() && fencings.isEmpty() &&
            nowNs - backoffUntilNs >= 0 && !roleStep(nowNs))
        {
            judge(nowNs);
        }
        return work;
    }

    private int sectorState()
    {
        return switch (state)
        {
            case FENCED -> HeartbeatSector.SELF_FENCED;
            case MEMBER -> HeartbeatSector.RUNNING;
            case JOINING -> admission != Admission.NOT_STARTED ? HeartbeatSector.RUNNING :
                restartedLogged && excludedIn < 0 ? HeartbeatSector.RESTARTED : HeartbeatSector.JOINING;
        };
    }

    /**
     * @return the view version a sector in {@code sectorState} names ({@link HeartbeatSector#excludedIn}): for
     * {@link HeartbeatSector#RESTARTED} the latest decided view, which holds this node's dead incarnation; else the
     * latest decided view read without this node, 0 if none.
     */
    private long sectorTag(final int sectorState)
    {
        final MembershipView latest = register.latest();
        return sectorState == HeartbeatSector.RESTARTED && latest != null ? latest.version() : Math.max(excludedIn, 0);
    }

    private int readPeers(final long nowNs)
    {
        if (nowNs - nextPeerReadNs < 0)
        {
            return 0;
        }
        nextPeerReadNs = nowNs + ctx.heartbeatIntervalNs();
        for (int node = 0; node < watches.length; node++)
        {
            if (node != me)
            {
                try
                {
                    watches[node].onRead(disk.readHeartbeat(node), nowNs);
                }
                catch (final RuntimeException ex)
                {
                    LOG.debug("node {}: heartbeat read of node {} failed: {}", me, node, ex.getMessage());
                }
            }
        }
        return 1;
    }

    private void onRegisterIdle(final long nowNs)
    {
        if (proposing)
        {
            proposing = false;
            if (register.outcome() == DecisionRegister.Outcome.ABORTED)
            {
                backoffUntilNs = nowNs + ctx.proposeBackoffNs() * (1 + me);
                LOG.info("node {}: ballot aborted ({}), backing off", me, register.abortReason());
                register.refresh();
                return;
            }
        }
        if (state == ArbiterState.JOINING && !learned)
        {
            // the own block's decided field may be old: judge only after one read of every block
            if (!refreshedOnce)
            {
                refreshedOnce = register.refresh();
                return;
            }
            learned = true;
            lastDecided = register.latest();
        }
        if (state == ArbiterState.JOINING && register.latest() == null)
        {
            excludedIn = 0;
            if (nowNs - backoffUntilNs >= 0)
            {
                propose(new MembershipView(1, ctx.initialMembers(), ctx.initialPrimary(), ctx.initialPrimary()),
                    "first view");
            }
            return;
        }
        if (nowNs - nextPollNs >= 0 && register.refresh())
        {
            nextPollNs = nowNs + ctx.registerPollIntervalNs();
        }
    }

    private int publishWhenFenced(final long nowNs)
    {
        final MembershipView latest = register.latest();
        if (latest == null || published != null && latest.version() <= published.version())
        {
            return 0;
        }
        if (!latest.isMember(me))
        {
            fence(nowNs, "removed by decided view " + latest);
            views.publish(latest);
            published = latest;
            return 1;
        }
        final long before = published == null ? (1L << ctx.nodeCount()) - 1 : published.members();
        boolean allFenced = true;
        for (long removed = before & ~latest.members(); removed != 0; removed &= removed - 1)
        {
            final int victim = Long.numberOfTrailingZeros(removed);
            final Fencing fencing = fencings.computeIfAbsent(victim,
                node -> new Fencing(node, fencer, ctx.hostProcesses(), ctx.leaseTimeoutNs(), nowNs));
            final boolean wasConfirmed = fencing.confirmed();
            final boolean confirmed = fencing.poll(watches[victim], nowNs);
            if (confirmed && !wasConfirmed)
            {
                emit(listener -> listener.onFenced(victim, fencing.how()));
            }
            allFenced &= confirmed;
        }
        if (!allFenced)
        {
            return 1;
        }
        fencings.clear();
        final MembershipView previous = published;
        published = latest;
        views.publish(latest);
        LOG.info("node {}: published {}", me, latest);
        if (state == ArbiterState.JOINING)
        {
            // after the view is published: the gate (mayServe) opens to a service that has the view it serves in
            state(ArbiterState.MEMBER, nowNs, "member of " + latest);
        }
        emit(listener -> listener.onPublished(latest));
        final long added = previous == null ? (excludedIn > 0 ? 1L << me : 0) :
            latest.members() & ~previous.members();
        for (long rest = added; rest != 0; rest &= rest - 1)
        {
            final int node = Long.numberOfTrailingZeros(rest);
            LOG.info("[KeyEvent: KEY_EVENT_RES_ARBITRATE] [Instance: {}] node({}) join in cluster: {}", me, node,
                latest);
            emit(listener -> listener.onRejoined(node, latest));
        }
        return 1;
    }

    /**
     * The way of a new arbiter into the cluster: learn the latest decided view; outside it, ask to join (JOINING
     * with its version); inside it only after having read one without itself (else it restarted while a member:
     * RESTARTED, and wait to be removed); once admitted, land a RUNNING sector, register the storage again, publish.
     */
    private int join(final long nowNs, final long wallMs)
    {
        final MembershipView latest = register.latest();
        if (!learned || proposing || latest == null)
        {
            return 0;
        }
        if (!latest.isMember(me))
        {
            if (admission != Admission.NOT_STARTED)
            {
                // it wrote RUNNING: an incarnation that may have served never asks again
                fence(nowNs, "removed by decided view " + latest + " while taking up its admission");
                return 1;
            }
            if (excludedIn != latest.version())
            {
                excludedIn = latest.version();
                fresh = false;
                LOG.info("node {}: not a member of decided view {}: asks to join (incarnation {})", me, latest,
                    Long.toHexString(heartbeat.incarnation()));
            }
            return restartCluster(latest, nowNs);
        }
        if (!heartbeat.predecessorRead())
        {
            return 0;
        }
        if (admission == Admission.NOT_STARTED && !fresh && (excludedIn < 0 || latest.version() <= excludedIn))
        {
            final ProcessIdentity predecessor = heartbeat.predecessor();
            final HostProcesses.Status status = ctx.hostProcesses().status(predecessor);
            if (!predecessor.equals(ctx.hostProcesses().self()) &&
                (status == HostProcesses.Status.RUNNING || status == HostProcesses.Status.STOPPED))
            {
                fence(nowNs, "the previous process of node " + me + " (" + predecessor + ") still runs on this " +
                    "host: stop it before starting another");
                return 1;
            }
            if (latest.version() == restartVersion && latest.members() == 1L << me)
            {
                // its own proposal to restart the cluster: no incarnation of any node may serve this view
                fresh = true;
            }
            else if (excludedIn < 0 && !heartbeat.predecessorServed())
            {
                // no process of this node took up a view holding it (its sector was empty, or a joiner's that never
                // wrote RUNNING): this view's place for it is unused, as a node's that starts late into the first view
                fresh = true;
            }
            else
            {
                if (!restartedLogged)
                {
                    restartedLogged = true;
                    LOG.warn("node {}: restarted while still a member of decided view {} (its sector held {} " +
                        "before this process wrote it): the incarnation it holds is dead; waiting to be removed, " +
                        "then asking to join", me, latest, heartbeat.predecessorSector());
                }
                return restartCluster(latest, nowNs);
            }
        }
        switch (admission)
        {
            case NOT_STARTED ->
            {
                if (!heartbeat.renew(nowNs, HeartbeatSector.RUNNING, 0, excludedIn, wallMs))
                {
                    return 1;
                }
                if (excludedIn != 0)
                {
                    ctx.storageAdmission().start();
                    admission = Admission.STORAGE;
                    return 1;
                }
                admission = Admission.READY;
            }
            case STORAGE ->
            {
                final StorageAdmission.Status status = ctx.storageAdmission().poll();
                if (status == StorageAdmission.Status.FAILED)
                {
                    fence(nowNs, "admitted by decided view " + latest + " but its storage could not be " +
                        "registered again");
                    return 1;
                }
                if (status == StorageAdmission.Status.RUNNING)
                {
                    return 0;
                }
                admission = Admission.READY;
            }
            case READY ->
            {
            }
            default -> throw new IllegalStateException("unknown admission " + admission);
        }
        return publishWhenFenced(nowNs);
    }

    /**
     * A whole cluster that crashed has no member left to remove the dead incarnations or to admit anyone: every
     * member of the latest view is gone for certain ({@link #goneForCertain}: restarted, fenced itself, its lease ran
     * out, or its process on this host is gone). Then the lowest node whose live process asks to be in (this one,
     * restarted or joining) proposes the next version with itself alone as member, primary and reformer. Once decided
     * it takes that view up as a fresh place: its publication fences every other node first, as every removal, and
     * the others then join through it. A lower node asking too proposes instead; two proposals for one version are
     * decided once, and the loser joins.
     * <p>
     * The latest view may itself be such a restart, whose member is a process that asked in: the proposer's asking
     * sector, tagged with the view it judged, lands before it proposes, and every member is judged only on a read
     * begun after this node learned the latest view, so that read finds that sector or a later one (never the dead
     * predecessor's); {@link #goneForCertain} then takes an asking sector tagged with an earlier view as the view's
     * possible member alive while it writes.
     */
    private int restartCluster(final MembershipView latest, final long nowNs)
    {
        final HostProcesses.Status predecessor = ctx.hostProcesses().status(heartbeat.predecessor());
        if (nowNs - backoffUntilNs < 0 || !heartbeat.predecessor().equals(ctx.hostProcesses().self()) &&
            (predecessor == HostProcesses.Status.RUNNING || predecessor == HostProcesses.Status.STOPPED))
        {
            return 0;
        }
        if (!heartbeat.landed(latest.isMember(me) ? HeartbeatSector.RESTARTED : HeartbeatSector.JOINING,
            latest.version()))
        {
            return 0;
        }
        final StringBuilder gone = new StringBuilder();
        for (long rest = latest.members() & ~(1L << me); rest != 0; rest &= rest - 1)
        {
            final int member = Long.numberOfTrailingZeros(rest);
            if (watches[member].readNs() <= lastDecidedNs)
            {
                return 0;
            }
            final String how = goneForCertain(member, latest, nowNs);
            if (how == null)
            {
                return 0;
            }
            gone.append(", node ").append(member).append(' ').append(how);
        }
        for (int node = 0; node < me; node++)
        {
            final PeerWatch watch = watches[node];
            if ((watch.restarted() || watch.joining()) && watch.unwrittenNs(nowNs) < ctx.diskSuspectTimeoutNs())
            {
                return 0;
            }
        }
        restartVersion = latest.version() + 1;
        propose(new MembershipView(restartVersion, 1L << me, me, me), "whole cluster restarted: no member of " +
            latest + " runs (" + (latest.isMember(me) ? "this node restarted" : "this node asks to join") + gone + ")");
        return 1;
    }

    private void noteDecided(final long nowNs)
    {
        final MembershipView latest = register.latest();
        if (latest != null && (lastDecided == null || latest.version() > lastDecided.version()))
        {
            lastDecided = latest;
            lastDecidedNs = nowNs;
            if (learned || state != ArbiterState.JOINING)
            {
                // (what a starting node reads of the past is no news)
                emit(listener -> listener.onDecided(latest));
            }
        }
    }

    private void judge(final long nowNs)
    {
        final MembershipView view = published;
        notePause();
        for (long rest = view.members() & ~(1L << me); rest != 0; rest &= rest - 1)
        {
            if (judgePeer(view, Long.numberOfTrailingZeros(rest), nowNs))
            {
                return;
            }
        }
        if (me == view.primary())
        {
            admit(view, nowNs);
        }
    }

    /**
     * @return true if judging ends for this cycle: a removal proposed, this node fenced, or a wait for the disk to
     * confirm a silent primary. A removal withheld while paused does not end it: the next peer is judged, so that
     * the rules a node applies to itself (the partition rule) still run.
     */
    private boolean judgePeer(final MembershipView view, final int peer, final long nowNs)
    {
        final PeerWatch watch = watches[peer];
        final long heardNs = network.lastHeardNs(peer);
        final long silentNs = heardNs == NetworkLiveness.NO_LANE ? 0 : nowNs - Math.max(heardNs, startNs);
        final boolean netSilent = heardNs != NetworkLiveness.NO_LANE && silentNs >= ctx.networkSuspectTimeoutNs();
        final long diskNs = watch.unchangedNs(nowNs);
        final String silence = "network silent " + ms(silentNs) + " ms, disk heartbeat unchanged " +
            ms(diskNs) + " ms";
        suspect(peer, netSilent || diskNs >= ctx.diskSuspectTimeoutNs(), silence);
        if (watch.restarted())
        {
            return remove(view, peer, "it restarted: a new process (" + watch.process() + ", incarnation " +
                Long.toHexString(watch.incarnation()) + ") runs it, the incarnation this view holds is dead");
        }
        if (watch.selfFenced())
        {
            return remove(view, peer, "it fenced itself (" + silence + ")");
        }
        if (diskNs >= ctx.diskSuspectTimeoutNs() && certainFence(view, peer, watch, diskNs, silence))
        {
            return true;
        }
        if (diskNs >= ctx.leaseTimeoutNs())
        {
            return remove(view, peer, "disk heartbeat timeout (" + silence + ")");
        }
        if (me == view.primary() && netSilent)
        {
            return remove(view, peer, "disconnected from the primary (" + silence + ")");
        }
        if (peer == view.primary() && netSilent)
        {
            if (diskNs >= ctx.diskConfirmTimeoutNs())
            {
                return remove(view, peer, "primary silent on the network and on the disk (" + silence + ")");
            }
            if (diskNs < ctx.diskSuspectTimeoutNs())
            {
                fence(nowNs, "partition: primary node " + peer + " not heard on the network while its disk " +
                    "heartbeat still changes (" + silence + "); the primary's side continues");
            }
            // else silent on both since about the same moment (a hung primary, read up to an interval late):
            // no partition; wait for the disk to confirm
            return true;
        }
        return false;
    }

    private void suspect(final int peer, final boolean now, final String silence)
    {
        if (now && !suspected[peer])
        {
            suspected[peer] = true;
            emit(listener -> listener.onSuspected(peer, silence));
        }
        else if (!now)
        {
            suspected[peer] = false;
        }
    }

    /**
     * The primary adds one node that asks to join: its sector says JOINING with the version of the view in force
     * (it read this very view, which does not hold it, so it started after every incarnation this view removed
     * was removed, and the admission extends nothing older), it renewed within the disk suspect timeout, its process
     * is not gone or stopped on this host, and it is heard on the network if there is a lane.
     */
    private void admit(final MembershipView view, final long nowNs)
    {
        for (int node = 0; node < watches.length; node++)
        {
            final PeerWatch watch = watches[node];
            if (node == me || view.isMember(node) || !watch.joining() || watch.excludedIn() != view.version() ||
                watch.unchangedNs(nowNs) >= ctx.diskSuspectTimeoutNs())
            {
                continue;
            }
            final HostProcesses.Status status = ctx.hostProcesses().status(watch.process());
            final long heardNs = network.lastHeardNs(node);
            if (status == HostProcesses.Status.GONE || status == HostProcesses.Status.STOPPED ||
                heardNs != NetworkLiveness.NO_LANE && (heardNs == NetworkLiveness.NEVER ||
                nowNs - heardNs >= ctx.networkSuspectTimeoutNs()))
            {
                continue;
            }
            final String reason = "node " + node + " asks to join: incarnation " +
                Long.toHexString(watch.incarnation()) + " (" + watch.process() + ") renews on the disk and read view " +
                view.version() + " without itself";
            if (!withhold(view, node, "admission", reason))
            {
                propose(new MembershipView(view.version() + 1, view.members() | 1L << node, view.reformer(),
                    view.primary()), reason);
            }
            return;
        }
    }

    /**
     * The role request under way, if any: taken, checked against the published view, proposed, and ended once a
     * view with its target primary is published here or it cannot be done.
     *
     * @return true if it used this cycle (no judging while a role change is proposed or awaits its publication).
     */
    private boolean roleStep(final long nowNs)
    {
        if (role == null)
        {
            role = roleRequests.poll();
            if (role == null)
            {
                return false;
            }
            role.deadlineNs = nowNs + ROLE_CHANGE_TIMEOUT_NS;
        }
        final MembershipView latest = register.latest();
        if (latest != null && latest.version() > published.version())
        {
            return true; // decided, not yet published: judge the request against what is published
        }
        final MembershipView view = published;
        final int target = role.target;
        if (view.primary() == target)
        {
            endRole(true, role.taken ? "published " + view : "node " + target + " is the primary already");
            return false;
        }
        if (nowNs - role.deadlineNs >= 0)
        {
            endRole(false, "not done within " + ms(ROLE_CHANGE_TIMEOUT_NS) + " ms");
            return false;
        }
        if (!view.isMember(target))
        {
            endRole(false, "node " + target + " is not a member of " + view);
            return false;
        }
        final String targetDown = target == me ? null : notAlive(target, nowNs);
        if (targetDown != null)
        {
            endRole(false, "node " + target + " is not alive: " + targetDown);
            return false;
        }
        final int primary = view.primary();
        final MembershipView next;
        final String reason;
        if (role.kind == RoleChange.Kind.SWITCHOVER)
        {
            final String primaryDown = primary == me ? null : notAlive(primary, nowNs);
            if (primaryDown != null)
            {
                endRole(false, "the primary node " + primary + " is not alive (" + primaryDown + "): use failover");
                return false;
            }
            next = new MembershipView(view.version() + 1, view.members(), target, target);
            reason = "switchover to node " + target + " requested";
        }
        else
        {
            final String gone = primary == me ? null : goneForCertain(primary, view, nowNs);
            if (gone == null)
            {
                endRole(false, "the primary node " + primary + " is alive (" + (primary == me ? "this node" :
                    "disk heartbeat of a member changed " + ms(watches[primary].memberUnchangedNs(nowNs)) +
                    " ms ago, lease " + ms(ctx.leaseTimeoutNs()) + " ms") + "): a failover needs it fenced or its " +
                    "lease run out; use switchover");
                return false;
            }
            next = new MembershipView(view.version() + 1, view.members() & ~(1L << primary), target, target);
            reason = "failover to node " + target + " requested: the primary node " + primary + " " + gone;
            emit(listener -> listener.onConfirmedDead(primary, reason));
        }
        propose(next, reason);
        role.taken |= proposing;
        return true;
    }

    /**
     * @return null if the peer shows life (its sector changed within the self-fence timeout, it is not restarted
     * or self-fenced, and it is heard on the network if there is a lane), else what it shows.
     */
    private String notAlive(final int peer, final long nowNs)
    {
        final PeerWatch watch = watches[peer];
        if (watch.selfFenced() || watch.restarted())
        {
            return watch.selfFenced() ? "it fenced itself" : "it restarted";
        }
        if (watch.unchangedNs(nowNs) >= ctx.selfFenceTimeoutNs())
        {
            return "disk heartbeat unchanged " + ms(watch.unchangedNs(nowNs)) + " ms";
        }
        final long heardNs = network.lastHeardNs(peer);
        if (heardNs != NetworkLiveness.NO_LANE &&
            nowNs - Math.max(heardNs == NetworkLiveness.NEVER ? startNs : heardNs, startNs) >=
            ctx.networkSuspectTimeoutNs())
        {
            return "not heard on the network";
        }
        return null;
    }

    /**
     * @return how the member {@code node} of {@code view} is gone for certain, or null if it may run: it wrote that it
     * fenced itself or restarted since the view, its member heartbeat stayed unchanged for the lease timeout, or its
     * process on this host is gone, or stopped past the disk suspect timeout (the fence kills it before the view is
     * published). A process asking in that read only earlier views may have taken this one up as a whole cluster
     * restart's only member ({@link #restartCluster}): its asking renewals are that member's life.
     */
    private String goneForCertain(final int node, final MembershipView view, final long nowNs)
    {
        final PeerWatch watch = watches[node];
        if (watch.askedBefore(view.version()))
        {
            final long unwrittenNs = watch.unwrittenNs(nowNs);
            if (unwrittenNs >= ctx.leaseTimeoutNs())
            {
                return "asked to be in, having read only views before " + view.version() + ", and wrote nothing " +
                    "for " + ms(unwrittenNs) + " ms, past its lease";
            }
            final HostProcesses.Status status = ctx.hostProcesses().status(watch.process());
            if (unwrittenNs >= ctx.diskSuspectTimeoutNs() &&
                (status == HostProcesses.Status.GONE || status == HostProcesses.Status.STOPPED))
            {
                return "asked to be in, having read only views before " + view.version() + ", and has that " +
                    "process (" + watch.process() + ") on this host " +
                    (status == HostProcesses.Status.GONE ? "gone" : "stopped");
            }
            return null;
        }
        if (watch.selfFenced())
        {
            return "fenced itself";
        }
        if (watch.restarted())
        {
            return "restarted";
        }
        final long unchangedNs = watch.memberUnchangedNs(nowNs);
        if (unchangedNs >= ctx.leaseTimeoutNs())
        {
            return "was not renewed for " + ms(unchangedNs) + " ms, past its lease";
        }
        final HostProcesses.Status status = ctx.hostProcesses().status(watch.memberProcess());
        if (unchangedNs >= ctx.diskSuspectTimeoutNs() &&
            (status == HostProcesses.Status.GONE || status == HostProcesses.Status.STOPPED))
        {
            return "has its process (" + watch.memberProcess() + ") on this host " +
                (status == HostProcesses.Status.GONE ? "gone" : "stopped");
        }
        return null;
    }

    private void endRole(final boolean done, final String reason)
    {
        final RoleRequest request = role;
        role = null;
        completeRole(request, new RoleChange(request.kind, request.target, done, reason, published));
    }

    private void completeRole(final RoleRequest request, final RoleChange change)
    {
        LOG.info("node {}: {}", me, change);
        emit(listener -> listener.onRoleChange(change));
        request.result.complete(change);
    }

    private void refuseRoleRequests(final String reason)
    {
        if (role != null)
        {
            final RoleRequest request = role;
            role = null;
            completeRole(request, new RoleChange(request.kind, request.target, false, reason, published));
        }
        for (RoleRequest request = roleRequests.poll(); request != null; request = roleRequests.poll())
        {
            completeRole(request, new RoleChange(request.kind, request.target, false, reason, published));
        }
    }

    /**
     * A peer suspected on the disk whose fence is certain without its lease: its process on this host is gone
     * (removed at once), or stopped (the fence kills it) for as long as a running node would take to fence itself.
     * A shorter stop, a debugger's or a frozen moment, is ridden out as any other stall below the self-fence.
     *
     * @return true if it proposed the removal (not withheld while paused).
     */
    private boolean certainFence(final MembershipView view, final int peer, final PeerWatch watch,
        final long diskNs, final String silence)
    {
        final ProcessIdentity process = watch.process();
        final HostProcesses.Status status = ctx.hostProcesses().status(process);
        if (status == HostProcesses.Status.GONE ||
            (status == HostProcesses.Status.STOPPED && diskNs >= ctx.selfFenceTimeoutNs()))
        {
            return remove(view, peer, "its process (" + process + ") on this host is " +
                (status == HostProcesses.Status.GONE ? "gone" : "stopped") + " (" + silence + ")");
        }
        return false;
    }

    /** @return true if proposed, false if withheld while paused. */
    private boolean remove(final MembershipView view, final int victim, final String reason)
    {
        if (withhold(view, victim, "kick out", reason))
        {
            return false;
        }
        emit(listener -> listener.onConfirmedDead(victim, reason));
        final int primary = victim == view.primary() ? me : view.primary();
        LOG.warn("[KeyEvent: KEY_EVENT_RES_ARBITRATE] [Instance: {}] [Details: node({}) kick out: {}.]",
            me, victim, reason);
        propose(new MembershipView(view.version() + 1, view.members() & ~(1L << victim), primary, primary), reason);
        return true;
    }

    /** Read the pause flag once a judging cycle; on resume, forget what was withheld, to log it anew next time. */
    private void notePause()
    {
        final boolean now = ctx.arbitrationPaused().getAsBoolean();
        if (paused && !now && !withheld.isEmpty())
        {
            LOG.warn("[KeyEvent: KEY_EVENT_RES_ARBITRATE] [Instance: {}] [Details: arbitration resumed: {} no " +
                "longer withheld.]", me, withheld);
            withheld.clear();
        }
        paused = now;
    }

    /**
     * @return true if arbitration is paused ({@link ArbiterContext#arbitrationPaused}): the decision is not proposed,
     * and logged (a key event) the first time it is withheld in this pause for this view.
     */
    private boolean withhold(final MembershipView view, final int node, final String kind, final String reason)
    {
        if (!paused)
        {
            return false;
        }
        if (withheld.add(kind + " of node " + node + " in view " + (view.version() + 1)))
        {
            final String what = kind + " of node(" + node + ") withheld: the cluster is paused (cmctl pause); " +
                "run cmctl resume to let it go ahead, or cmctl failover -n NODE: " + reason;
            LOG.warn("[KeyEvent: KEY_EVENT_RES_ARBITRATE] [Instance: {}] [Details: {}.]", me, what);
            emit(listener -> listener.onWithheld(node, what));
        }
        return true;
    }

    private void propose(final MembershipView view, final String reason)
    {
        proposing = register.propose(view);
        LOG.info("node {}: propose {} ({}): {}", me, view, reason, proposing ? "started" : "refused");
        if (proposing)
        {
            emit(listener -> listener.onProposal(view, reason));
        }
    }

    private void fence(final long nowNs, final String reason)
    {
        if (state != ArbiterState.FENCED)
        {
            fenceReason = reason;
            state(ArbiterState.FENCED, nowNs, reason);
            selfFence.fence(reason);
            emit(listener -> listener.onSelfFenced(reason));
        }
    }

    private void state(final ArbiterState newState, final long nowNs, final String reason)
    {
        LOG.info("node {} arbiter {} -> {} at {} ms: {}", me, state, newState, ms(nowNs - startNs), reason);
        state = newState;
    }

    private void emit(final java.util.function.Consumer<ArbiterListener> event)
    {
        for (final ArbiterListener listener : listeners)
        {
            try
            {
                event.accept(listener);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("node {}: an arbiter listener failed: {}", me, ex.toString());
            }
        }
    }

    private static long ms(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }
}
