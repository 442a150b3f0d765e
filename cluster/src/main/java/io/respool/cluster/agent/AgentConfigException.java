package io.respool.cluster.agent;

/**
 * A cluster or resource file, or a setting, that cannot be used; the message names the file, the field and the fix.
 */
public final class AgentConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong: {@code "what failed: name=value, ..."}.
     */
    public AgentConfigException(final String message)
    {
        super(message);
    }
}
