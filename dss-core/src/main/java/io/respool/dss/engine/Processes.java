package io.respool.dss.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process and this host, as instances sharing a volume group record them: a pid and a hash of the kernel's
 * boot id, so that "the process N on this host" can be checked for life or stopped.
 */
final class Processes
{
    static final long PID = ProcessHandle.current().pid();
    static final long BOOT_ID = bootId();

    private Processes()
    {
    }

    private static long bootId()
    {
        try
        {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).trim()
                .hashCode() & 0xFFFFFFFFL;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    static boolean isThisHost(final long bootId)
    {
        return bootId != 0 && bootId == BOOT_ID;
    }

    /**
     * @return true if process {@code pid} runs on this host now.
     */
    static boolean isRunningHere(final int pid, final long bootId)
    {
        return pid > 0 && isThisHost(bootId) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static String describe(final int pid)
    {
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).map(c -> "pid " + pid + " (" + c + ")")
            .orElse("pid " + pid);
    }
}
