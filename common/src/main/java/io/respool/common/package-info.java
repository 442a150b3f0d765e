/**
 * The few types both cores share: {@link io.respool.common.NodeAddress} (one entry of {@code dms_url} or
 * {@code DSS_NODES_LIST}) and the shape of an error ({@link io.respool.common.StableCode},
 * {@link io.respool.common.ErrorCategory}). Nothing here depends on anything else of ours.
 */
package io.respool.common;
