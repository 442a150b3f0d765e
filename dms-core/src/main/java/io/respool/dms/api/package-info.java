/**
 * Public API of DMS: how a database starts a node ({@link io.respool.dms.api.Dms},
 * {@link io.respool.dms.api.DmsContext}), the node it embeds ({@link io.respool.dms.api.DmsNode}), the callbacks
 * it implements ({@link io.respool.dms.api.PageStore}, {@link io.respool.dms.api.BroadcastHandler}), the
 * membership it is given ({@link io.respool.dms.api.MembershipSource}), node lists, lock modes, an in-memory page
 * store for tests and tools, and the exceptions the control plane throws.
 */
package io.respool.dms.api;
