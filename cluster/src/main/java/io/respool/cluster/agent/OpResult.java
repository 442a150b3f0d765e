package io.respool.cluster.agent;

/**
 * How one script call or process action ended.
 *
 * @param exit   the exit code ({@link ScriptExit}).
 * @param detail what it printed last, or why it failed; empty if nothing.
 */
public record OpResult(int exit, String detail)
{
}
