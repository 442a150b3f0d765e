package io.respool.cli.dss;

/**
 * Exit statuses of {@code dsscmd}, as openGauss {@code dsscmd} has them: 0 on success, 255 (the C {@code status_t}
 * -1) on any error.
 */
final class ExitCodes
{
    /** The command did what was asked. */
    static final int SUCCESS = 0;

    /** {@code check} ran and found problems in a volume group. */
    static final int PROBLEMS_FOUND = 1;

    /** Anything failed: bad arguments, configuration, I/O, a DSS error. */
    static final int ERROR = 255;

    private ExitCodes()
    {
    }
}
