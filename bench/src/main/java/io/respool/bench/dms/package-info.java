/**
 * JMH benchmarks of DMS: local hit, page transfer between two nodes, global lock acquire and release.
 */
package io.respool.bench.dms;
