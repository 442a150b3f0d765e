package io.respool.common.process;

import java.util.Optional;

/**
 * This host's processes, as a peer running on the same host is checked (the cluster's arbiter, a DSS kick): is the
 * process a peer's sector names gone, stopped, or running; and the kill of one that must not write any more. {@link
 * LinuxProcesses} reads {@code /proc}; tests simulate it.
 */
public interface HostProcesses
{
    /**
     * What a check of a peer's process found.
     */
    enum Status
    {
        /** Not on this host (another kernel or pid namespace), or not known precisely: only the disk can tell. */
        ELSEWHERE,
        /** It runs (or may run): no pid with its start time is gone, it is not stopped. */
        RUNNING,
        /** Every thread of it is stopped (SIGSTOP, a tracer): it does nothing until continued. */
        STOPPED,
        /** No process with that pid and start time exists, or it exited and awaits reaping: it writes nothing more. */
        GONE
    }

    /**
     * @return this process's identity, written into its sector on the shared disk.
     */
    ProcessIdentity self();

    /**
     * @return what {@code process} is now, as seen from this process.
     */
    Status status(ProcessIdentity process);

    /**
     * Send SIGKILL to {@code process}, only if it is still that process (same pid and start time) on this host.
     * Returns at once; {@link #status} says {@link Status#GONE} once it exited.
     *
     * @return true if the signal was sent.
     */
    boolean kill(ProcessIdentity process);

    /**
     * @return why this process does not have CPU scheduling of its own among the host's processes, for a warning
     * at start (a node's arbiter thread must not wait behind unrelated busy work in its group), or empty when it
     * does or it is not known.
     */
    default Optional<String> sharedScheduling()
    {
        return Optional.empty();
    }
}
