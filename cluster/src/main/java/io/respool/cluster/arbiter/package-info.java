/**
 * Arbitration on the shared disk: per-node heartbeat sectors judged by the observer's own clock, a Disk Paxos
 * register that decides each membership view once, and the membership logic that fences before it publishes.
 */
package io.respool.cluster.arbiter;
