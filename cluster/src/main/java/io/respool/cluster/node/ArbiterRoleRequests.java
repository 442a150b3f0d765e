package io.respool.cluster.node;

import io.respool.cluster.arbiter.Arbiter;
import io.respool.cluster.arbiter.RoleChange;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The {@link NodeControlFiles.Handler} of a node under the disk arbiter: {@code cmctl switchover -n N} and
 * {@code cmctl failover -n N} become {@link Arbiter#requestSwitchover} and {@link Arbiter#requestFailover} of this
 * node (the request file lies in its data directory and names it). The stage completes with {@code Primary} once
 * the arbiter published a view with this node primary (DMS then runs the SWITCHOVER or FAILOVER reform; the node
 * reports {@code serving} through {@link NodeControlFiles#report} when it is done), or exceptionally with
 * {@code refused: <the arbiter's reason>}, which {@link NodeControlFiles} writes as the request's result
 * ({@code failed: refused: ...}) for cmctl to print. Use:
 * <pre>
 * NodeControlFiles files = new NodeControlFiles(dataDir, clockMs, NodeControlFiles.DEFAULT_POLL_INTERVAL_MS,
 *     new ArbiterRoleRequests(arbiter, cmNodeId), "Standby");
 * </pre>
 */
public final class ArbiterRoleRequests implements NodeControlFiles.Handler
{
    /** The role a node reports once a request to make it primary is done. */
    public static final String PRIMARY = "Primary";

    private final Arbiter arbiter;
    private final int cmNodeId;

    /**
     * @param arbiter  this node's arbiter.
     * @param cmNodeId this node's id in the CM configuration ({@code node_id} of {@code cm_request}, 1-based there),
     *                 to refuse a request that names another node.
     */
    public ArbiterRoleRequests(final Arbiter arbiter, final int cmNodeId)
    {
        this.arbiter = arbiter;
        this.cmNodeId = cmNodeId;
    }

    @Override
    public CompletionStage<String> handle(final NodeControlFiles.Request request)
    {
        if (request.nodeId() != cmNodeId)
        {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the request names node " +
                request.nodeId() + " but reached node " + cmNodeId + "'s data directory: run cmctl against the " +
                "node to promote"));
        }
        final CompletableFuture<RoleChange> change = request.op().equals("switchover") ?
            arbiter.requestSwitchover(arbiter.nodeId()) : arbiter.requestFailover(arbiter.nodeId());
        return change.thenApply(done ->
        {
            if (!done.done())
            {
                throw new CompletionException(new IllegalStateException("refused: " + done.reason()));
            }
            return PRIMARY;
        });
    }
}
