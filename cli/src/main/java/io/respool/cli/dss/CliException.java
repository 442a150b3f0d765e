package io.respool.cli.dss;

/**
 * A command cannot run as asked: a bad argument, a missing DSS home, a local file problem. The message is the whole
 * error line without the {@code dsscmd:} prefix: what failed with {@code name=value} pairs, then what to do.
 */
final class CliException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    CliException(final String message)
    {
        super(message);
    }

    CliException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
