/**
 * Layout and reader of the per-node statistics file (counters and latency summaries) that a running node maps into
 * its directory, so that {@code dmscmd stat} can read it from another process in the manner of Aeron's AeronStat.
 */
package io.respool.dms.stat;
