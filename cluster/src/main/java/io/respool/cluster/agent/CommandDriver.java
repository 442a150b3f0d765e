package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The node process run by the agent itself from its {@code command} (no script in between): started in its data
 * directory with its output appended to the instance's log, checked by whether the process lives (online 0,
 * offline 1) and, while it lives, by the instance's {@code check} command if it gives one ({@link #check}), stopped
 * with SIGTERM (smart, fast; fast is killed at {@code time_out} by the supervisor) or SIGKILL (immediate, clean).
 * Its pid goes to a pid file, so a restarted agent adopts a node process that still runs instead of starting a
 * second one.
 */
final class CommandDriver implements ResourceDriver
{
    private final List<String> command;
    private final List<String> checkCommand;
    private final Path workDir;
    private final OutputLog log;
    private final OutputLog checkLog;
    private final Path pidFile;
    private final Path agentDir;
    private ProcessHandle handle;
    private Process process;
    private long startOffset;

    CommandDriver(final ResourceInstance instance, final Path workDir, final OutputLog log, final Path pidFile,
        final Path agentDir)
    {
        this.agentDir = agentDir;
        this.command = instance.command();
        this.checkCommand = instance.check();
        this.workDir = workDir;
        this.log = log;
        this.checkLog = new OutputLog(log.file().resolveSibling(log.file().getFileName() + ".check"));
        this.pidFile = pidFile;
        this.handle = adopt(pidFile).orElse(null);
    }

    @Override
    public RunningOp start(final long nowMs)
    {
        if (handle != null && handle.isAlive())
        {
            return RunningOp.done("-start", nowMs, new OpResult(0, "already running, pid " + handle.pid()));
        }
        startOffset = log.length();
        try
        {
            Files.createDirectories(workDir);
            Files.createDirectories(log.file().getParent());
            final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.file().toFile()));
            builder.environment().put(Agent.AGENT_DIR_ENV, agentDir.toString());
            process = builder.start();
            handle = process.toHandle();
            AtomicFiles.write(pidFile, Long.toString(handle.pid()) + "\n");
            return RunningOp.done("-start", nowMs, new OpResult(0, "pid " + handle.pid()));
        }
        catch (final IOException ex)
        {
            process = null;
            handle = null;
            return RunningOp.done("-start", nowMs, new OpResult(ScriptExit.FAILED,
                "cannot start " + command.get(0) + ": " + ex.getMessage()));
        }
    }

    /**
     * Offline if the process has ended; else online, or with a {@code check} command, that command's verdict as a
     * script's {@code -check} (run in the data directory, its output kept in {@code <log>.check}, the last check's
     * only, so a check each second does not fill the log; killed at {@code time_out} as a script). Abnormal (3) is
     * cleaned (SIGKILL, which also ends a stopped process) and restarted after {@code abnormal_timeout}. A check that
     * says offline (1) while the process lives is taken as abnormal: the process must be killed before a new one
     * starts, and one that is still starting has {@code abnormal_timeout} to come up.
     */
    @Override
    public RunningOp check(final long nowMs)
    {
        final ProcessHandle h = handle;
        if (h == null || !h.isAlive())
        {
            return RunningOp.done("-check", nowMs, new OpResult(ScriptExit.CHECK_OFFLINE, ""));
        }
        if (checkCommand.isEmpty())
        {
            return RunningOp.done("-check", nowMs, new OpResult(ScriptExit.CHECK_ONLINE, ""));
        }
        final Process p;
        try
        {
            Files.createDirectories(checkLog.file().getParent());
            final ProcessBuilder builder = new ProcessBuilder(checkCommand).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(checkLog.file().toFile());
            builder.environment().put(Agent.AGENT_DIR_ENV, agentDir.toString());
            p = builder.start();
        }
        catch (final IOException ex)
        {
            return RunningOp.done("-check", nowMs, new OpResult(ScriptExit.FAILED,
                "cannot run the check " + checkCommand.get(0) + ": " + ex.getMessage()));
        }
        return new RunningOp("-check", nowMs, p.onExit().thenApply(x -> checkVerdict(x.exitValue(), h)),
            () -> ProcessKill.tree(p.toHandle()));
    }

    private OpResult checkVerdict(final int code, final ProcessHandle h)
    {
        final String line = checkLog.lastLine(0);
        if (code == ScriptExit.CHECK_OFFLINE && h.isAlive())
        {
            return new OpResult(ScriptExit.CHECK_ABNORMAL, "the check says offline but pid " + h.pid() + " lives" +
                (line.isEmpty() ? "" : ": " + line));
        }
        return new OpResult(code, line);
    }

    @Override
    public RunningOp stop(final StopMode mode, final long nowMs)
    {
        final ProcessHandle h = handle;
        if (h == null || !h.isAlive())
        {
            return RunningOp.done("-stop", nowMs, new OpResult(0, "not running"));
        }
        if (mode == StopMode.IMMEDIATE)
        {
            ProcessKill.tree(h);
        }
        else
        {
            h.destroy();
        }
        return new RunningOp("-stop", nowMs, h.onExit().thenApply(x -> new OpResult(0, "")), () -> ProcessKill.tree(h));
    }

    @Override
    public RunningOp clean(final long nowMs)
    {
        final ProcessHandle h = handle;
        if (h == null || !h.isAlive())
        {
            return RunningOp.done("-clean", nowMs, new OpResult(0, "not running"));
        }
        ProcessKill.tree(h);
        return new RunningOp("-clean", nowMs, h.onExit().thenApply(x -> new OpResult(0, "")), () -> ProcessKill.tree(h));
    }

    @Override
    public long pid()
    {
        final ProcessHandle h = handle;
        return h != null && h.isAlive() ? h.pid() : -1;
    }

    @Override
    public String failureDetail()
    {
        final String line = log.lastLine(startOffset);
        final String tail = line.isEmpty() ? "" : "; last output: " + line;
        final Process p = process;
        if (p != null && !p.isAlive())
        {
            final int code = p.exitValue();
            return (code > 128 ? "process killed by signal " + (code - 128) : "process exited with status " + code) + tail;
        }
        if (handle != null && !handle.isAlive())
        {
            return "process pid " + handle.pid() + " ended" + tail;
        }
        return "process not running" + tail;
    }

    private static Optional<ProcessHandle> adopt(final Path pidFile)
    {
        try
        {
            if (!Files.exists(pidFile))
            {
                return Optional.empty();
            }
            final long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        }
        catch (final IOException | NumberFormatException ex)
        {
            return Optional.empty();
        }
    }
}
