package io.respool.cli.dss;

/**
 * A command cannot run as asked: a bad argument, a missing DSS home, a local file problem. The message is the whole
 * error line without the {@code dsscmd:} prefix: what failed with {@code name=value} pairs, then what to do.
 */
final class CliException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The line openGauss prints on stdout for this failure, instead of the command's own; or null. */
    final String openGaussLine;

    /** The openGauss {@code detail reason} text, e.g. {@code [2000] : Create volume group ...}, or null. */
    final String openGaussDetail;

    CliException(final String message)
    {
        this(message, (String)null);
    }

    private CliException(final String message, final String openGaussLine, final String openGaussDetail)
    {
        super(message);
        this.openGaussLine = openGaussLine;
        this.openGaussDetail = openGaussDetail;
    }

    /**
     * @param openGaussLine the line openGauss prints on stdout for this failure, e.g. an argument check's.
     */
    static CliException withOpenGaussLine(final String message, final String openGaussLine)
    {
        return new CliException(message, openGaussLine, null);
    }

    /**
     * @param openGaussDetail what openGauss prints after {@code  detail reason }, e.g. {@code [2000] : ...}.
     */
    CliException(final String message, final String openGaussDetail)
    {
        this(message, null, openGaussDetail);
    }

    CliException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.openGaussLine = null;
        this.openGaussDetail = null;
    }
}
