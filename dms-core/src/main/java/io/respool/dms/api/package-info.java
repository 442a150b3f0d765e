/**
 * Public API of DMS: the node a database embeds ({@link io.respool.dms.api.DmsNode}), the callbacks the database
 * implements ({@link io.respool.dms.api.PageStore}, {@link io.respool.dms.api.BroadcastHandler}), node lists,
 * lock modes, port probing and the exceptions the control plane throws.
 */
package io.respool.dms.api;
