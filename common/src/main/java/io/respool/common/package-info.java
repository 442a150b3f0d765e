/**
 * The few types both cores share: {@link io.respool.common.NodeAddress} (one entry of {@code dms_url} or
 * {@code DSS_NODES_LIST}) and the shape of an error ({@link io.respool.common.StableCode},
 * {@link io.respool.common.ErrorCategory}); and in {@code io.respool.common.process}, which process runs a peer on
 * this host and whether it still does. Nothing here depends on anything else of ours.
 */
package io.respool.common;
