/**
 * What a node process embeds to take part in the cluster manager: the control files in its data directory through
 * which {@code cmctl switchover/failover} reach it and through which it tells its agent its role and whether it
 * serves ({@link io.respool.cluster.node.NodeControlFiles}).
 */
package io.respool.cluster.node;
