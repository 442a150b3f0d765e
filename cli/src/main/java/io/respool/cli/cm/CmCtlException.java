package io.respool.cli.cm;

/**
 * A command cannot do what was asked: the message is the whole error line after {@code cmctl: }, naming the thing
 * and what to do.
 */
final class CmCtlException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    final int exitCode;

    CmCtlException(final String message)
    {
        this(message, 1);
    }

    CmCtlException(final String message, final int exitCode)
    {
        super(message);
        this.exitCode = exitCode;
    }
}
