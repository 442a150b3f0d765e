/**
 * JMH benchmarks of DMS (local hit, 2-way and 3-way page fetches, X upgrades invalidating shared copies, global
 * lock acquire and release) next to their floors in one run: raw 8 KiB echoes over Aeron UDP on the same Aeron
 * settings, over Aeron IPC through one driver, and over TCP loopback.
 */
package io.respool.bench.dms;
