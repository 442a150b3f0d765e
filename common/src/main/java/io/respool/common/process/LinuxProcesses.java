package io.respool.common.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link HostProcesses} through Linux's {@code /proc}. A process is {@link Status#GONE} when {@code /proc/<pid>} is
 * absent, holds a process of another start time (the pid was reused), or all its threads are zombies; {@link
 * Status#STOPPED} when every thread is in state {@code T} or {@code t}. Anything it cannot read precisely counts as
 * {@link Status#RUNNING} (or {@link Status#ELSEWHERE} for an identity of another kernel or pid namespace), so an
 * error never makes a live process look dead. Stateless and thread-safe.
 */
public final class LinuxProcesses implements HostProcesses
{
    private static final Path PROC = Path.of("/proc");
    private final ProcessIdentity self = readSelf();

    @Override
    public ProcessIdentity self()
    {
        return self;
    }

    /**
     * @return the identity of process {@code pid} of this host and pid namespace now, {@link
     * ProcessIdentity#UNKNOWN} if there is none or this host's identity is not known.
     */
    public ProcessIdentity identify(final long pid)
    {
        final long start = stat(PROC.resolve(Long.toString(pid)).resolve("stat")).map(LinuxProcesses::startTicks)
            .orElse(0L);
        return self.known() && start > 0 ?
            new ProcessIdentity(self.bootId(), self.pidNamespace(), pid, start) : ProcessIdentity.UNKNOWN;
    }

    /**
     * With the kernel's autogroup on ({@code /proc/sys/kernel/sched_autogroup_enabled}) and the cpu cgroup at the
     * root, each session is scheduled as one group: a process that does not lead its own session shares its CPU
     * share with everything else its session runs, and waits with it. Two arbiter threads started from one session
     * beside busy loops waited on the run queue for up to 1.5 s at once (cluster/DESIGN.md); a service (systemd) or
     * a process started with {@code setsid} leads its own.
     */
    @Override
    public Optional<String> sharedScheduling()
    {
        return sharedScheduling(PROC, ProcessHandle.current().pid());
    }

    static Optional<String> sharedScheduling(final Path proc, final long pid)
    {
        try
        {
            if (!"1".equals(Files.readString(proc.resolve("sys/kernel/sched_autogroup_enabled"),
                StandardCharsets.US_ASCII).trim()))
            {
                return Optional.empty();
            }
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
        final long session = session(proc, pid);
        return session < 0 || session == pid ? Optional.empty() : Optional.of("process " + pid + " runs in session " +
            session + " with the kernel's autogroup on: it is scheduled as one group with every other process of " +
            "that session (run it as a service or with setsid)");
    }

    /**
     * @return the session id of process {@code pid} (field 6 of its {@code stat}; 0 when the session's leader is outside
     *     this pid namespace), -1 if it cannot be read.
     */
    public static long session(final long pid)
    {
        return session(PROC, pid);
    }

    private static long session(final Path proc, final long pid)
    {
        return stat(proc.resolve(Long.toString(pid)).resolve("stat")).map(fields ->
        {
            try
            {
                return Long.parseLong(fields[3]);
            }
            catch (final NumberFormatException ex)
            {
                return -1L;
            }
        }).orElse(-1L);
    }

    @Override
    public Status status(final ProcessIdentity process)
    {
        if (!process.sameHostAs(self))
        {
            return Status.ELSEWHERE;
        }
        final Path dir = PROC.resolve(Long.toString(process.pid()));
        final Optional<String[]> leader = stat(dir.resolve("stat"));
        if (leader.isEmpty())
        {
            return Files.exists(dir) ? Status.RUNNING : Status.GONE;
        }
        if (startTicks(leader.get()) != process.startTicks())
        {
            return Status.GONE;
        }
        boolean stopped = false;
        int tasks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(dir.resolve("task")))
        {
            for (final Path thread : threads)
            {
                final Optional<String[]> fields = stat(thread.resolve("stat"));
                if (fields.isEmpty())
                {
                    continue;
                }
                tasks++;
                switch (fields.get()[0])
                {
                    case "Z", "X" ->
                    {
                    }
                    case "T", "t" -> stopped = true;
                    default ->
                    {
                        return Status.RUNNING;
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            return Files.exists(dir) ? Status.RUNNING : Status.GONE;
        }
        if (tasks == 0)
        {
            return Files.exists(dir) ? Status.RUNNING : Status.GONE;
        }
        return stopped ? Status.STOPPED : Status.GONE;
    }

    @Override
    public boolean kill(final ProcessIdentity process)
    {
        if (!process.sameHostAs(self))
        {
            return false;
        }
        // the handle records the start time of the process it names when taken, and the JDK signals only a
        // process of that start time; checking our identity after taking it closes the pid-reuse window
        final Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
        if (handle.isEmpty() || status(process) == Status.GONE)
        {
            return false;
        }
        return handle.get().destroyForcibly();
    }

    /**
     * @return the fields of a {@code stat} file after the command name: [0] is field 3 (state), [19] field 22
     * (start time); empty if it cannot be read.
     */
    private static Optional<String[]> stat(final Path file)
    {
        try
        {
            final String line = Files.readString(file, StandardCharsets.US_ASCII);
            final int end = line.lastIndexOf(')');
            if (end < 0)
            {
                return Optional.empty();
            }
            final String[] fields = line.substring(end + 1).trim().split(" +");
            return fields.length > 19 ? Optional.of(fields) : Optional.empty();
        }
        catch (final IOException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    private static long startTicks(final String[] fields)
    {
        try
        {
            return Long.parseLong(fields[19]);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static ProcessIdentity readSelf()
    {
        try
        {
            final UUID boot = UUID.fromString(Files.readString(PROC.resolve("sys/kernel/random/boot_id"),
                StandardCharsets.US_ASCII).trim());
            final String ns = Files.readSymbolicLink(PROC.resolve("self/ns/pid")).toString();
            final long namespace = Long.parseLong(ns.substring(ns.indexOf('[') + 1, ns.indexOf(']')));
            final long pid = ProcessHandle.current().pid();
            final long start = stat(PROC.resolve(Long.toString(pid)).resolve("stat"))
                .map(LinuxProcesses::startTicks).orElse(0L);
            final long bootId = boot.getMostSignificantBits() ^ boot.getLeastSignificantBits();
            return new ProcessIdentity(bootId == 0 ? 1 : bootId, namespace, pid, Math.max(0, start));
        }
        catch (final IOException | RuntimeException ex)
        {
            return ProcessIdentity.UNKNOWN;
        }
    }
}
