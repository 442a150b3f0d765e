package io.respool.dss.engine;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.LinuxProcesses;
import io.respool.common.process.ProcessIdentity;

/**
 * This process and this host's processes, as instances sharing a volume group record and check them. The member
 * sector names its writer by its full {@link ProcessIdentity}; another instance's member is judged through {@code
 * /proc} (and may be killed) only when {@link #HOST} finds it of this boot and pid namespace with the recorded start
 * time. A boot id alone would take a pid of a container on the same kernel, or a reused pid, for the member.
 */
final class Processes
{
    static final HostProcesses HOST = new LinuxProcesses();
    /**
     * Written as the member's pid even when {@link #HOST} cannot tell this process's identity (no {@code /proc}):
     * pid 0 says no process runs the instance.
     */
    static final int PID = Math.toIntExact(ProcessHandle.current().pid());

    private Processes()
    {
    }

    static String describe(final ProcessIdentity process)
    {
        return ProcessHandle.of(process.pid()).flatMap(h -> h.info().commandLine())
            .map(c -> process + " (" + c + ")").orElse(process.toString());
    }
}
