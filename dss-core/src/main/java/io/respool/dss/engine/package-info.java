/**
 * The volume-group engine: in-memory metadata rebuilt from a checkpoint plus the redo log, the group-committed log
 * writer, allocation, and the data path. Internal: use {@link io.respool.dss.Dss}.
 */
package io.respool.dss.engine;
