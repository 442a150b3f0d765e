package io.respool.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CM's script interface: {@code <script> -start|-stop|-check|-clean <res_instance_id> <res_args>}, output appended
 * to the instance's log. The exit code is the answer ({@link ScriptExit}); a call the supervisor kills at its
 * {@code time_out} takes its whole process tree with it.
 */
final class ScriptDriver implements ResourceDriver
{
    private final ResourceDefinition resource;
    private final ResourceInstance instance;
    private final OutputLog log;
    private final Path agentDir;
    private String lastFailure = "";

    ScriptDriver(final ResourceDefinition resource, final ResourceInstance instance, final OutputLog log,
        final Path agentDir)
    {
        this.agentDir = agentDir;
        this.resource = resource;
        this.instance = instance;
        this.log = log;
    }

    @Override
    public RunningOp start(final long nowMs)
    {
        return run("start", nowMs);
    }

    @Override
    public RunningOp check(final long nowMs)
    {
        return run("check", nowMs);
    }

    @Override
    public RunningOp stop(final StopMode mode, final long nowMs)
    {
        return run(mode == StopMode.IMMEDIATE ? "clean" : "stop", nowMs);
    }

    @Override
    public RunningOp clean(final long nowMs)
    {
        return run("clean", nowMs);
    }

    @Override
    public long pid()
    {
        return -1;
    }

    @Override
    public String failureDetail()
    {
        return lastFailure;
    }

    private RunningOp run(final String op, final long nowMs)
    {
        final List<String> command = new ArrayList<>();
        command.add(resource.script());
        command.add("-" + op);
        command.add(Integer.toString(instance.resInstanceId()));
        command.addAll(instance.resArgs());
        final String what = "-" + op;
        final long from = log.length();
        final Process process;
        try
        {
            Files.createDirectories(log.file().getParent());
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.file().toFile()));
            builder.environment().put(Agent.AGENT_DIR_ENV, agentDir.toString());
            process = builder.start();
        }
        catch (final IOException ex)
        {
            lastFailure = "cannot run " + resource.script() + ": " + ex.getMessage();
            return RunningOp.done(what, nowMs, new OpResult(ScriptExit.FAILED, lastFailure));
        }
        return new RunningOp(what, nowMs, process.onExit().thenApply(p ->
        {
            final int code = p.exitValue();
            final String line = log.lastLine(from);
            if (code != 0)
            {
                lastFailure = "script " + what + " exited " + code + (line.isEmpty() ? "" : ": " + line);
            }
            return new OpResult(code, line);
        }), () -> ProcessKill.tree(process.toHandle()));
    }
}
