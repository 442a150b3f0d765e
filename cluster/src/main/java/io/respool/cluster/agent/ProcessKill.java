package io.respool.cluster.agent;

/**
 * Kill -9 of a process and every process it started, children first, so a killed script leaves no orphan that
 * keeps holding a port.
 */
final class ProcessKill
{
    private ProcessKill()
    {
    }

    static void tree(final ProcessHandle handle)
    {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
    }
}
