/**
 * Which process runs a peer and whether it still does, for peers that share a kernel: {@link
 * io.respool.common.process.ProcessIdentity} (boot id, pid namespace, pid, start time) and its check and kill through
 * {@code /proc} ({@link io.respool.common.process.LinuxProcesses}). Here so that both DSS's fencing and the cluster's
 * arbiter judge a pid by the same rule: a pid means that process only in the same boot and pid namespace, and only
 * while its start time is the one recorded.
 */
package io.respool.common.process;
