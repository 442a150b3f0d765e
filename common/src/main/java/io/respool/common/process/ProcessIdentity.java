package io.respool.common.process;

/**
 * Which process on which kernel runs a node or an instance, as its sector on a shared disk records it (the cluster's
 * heartbeat sector, DSS's member sector), so that a peer on the same host can check that process through
 * {@code /proc}: the kernel's boot id and the pid namespace say whether a pid means the
 * same process here (a container with its own pid namespace, or another host, does not), and the start time
 * (clock ticks after boot, {@code /proc/<pid>/stat} field 22) tells the process from a later one given the same pid.
 * All zero: not known (another platform, or a writer of the first sector layout); such a peer is judged on the disk
 * alone.
 *
 * @param bootId      the kernel's boot id, folded to 64 bits; 0 when unknown.
 * @param pidNamespace the inode of the process's pid namespace ({@code /proc/self/ns/pid}); 0 when unknown.
 * @param pid         the process id in that namespace.
 * @param startTicks  its start time in clock ticks after boot.
 */
public record ProcessIdentity(long bootId, long pidNamespace, long pid, long startTicks)
{
    public static final ProcessIdentity UNKNOWN = new ProcessIdentity(0, 0, 0, 0);

    /**
     * @return true if it names a process precisely enough to be checked on a host that shares its kernel.
     */
    public boolean known()
    {
        return bootId != 0 && pidNamespace != 0 && pid > 0 && startTicks > 0;
    }

    /**
     * @return true if a pid of this identity means the same process to an observer whose own identity is {@code
     * observer}: same kernel boot, same pid namespace.
     */
    public boolean sameHostAs(final ProcessIdentity observer)
    {
        return known() && observer.known() && bootId == observer.bootId && pidNamespace == observer.pidNamespace;
    }

    @Override
    public String toString()
    {
        return known() ? "pid " + pid + " (start tick " + startTicks + ")" : "unknown process";
    }
}
