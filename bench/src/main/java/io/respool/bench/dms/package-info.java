/**
 * JMH benchmarks of DMS (local hit, 2-way and 3-way page fetches, X upgrades invalidating shared copies, global
 * lock acquire and release) next to a raw Aeron 8 KiB echo on the same Aeron settings, in one run.
 */
package io.respool.bench.dms;
