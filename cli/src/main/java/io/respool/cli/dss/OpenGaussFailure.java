package io.respool.cli.dss;

/**
 * A command whose failure openGauss reports with a line of its own on stdout ({@code Failed to register.}), which
 * scripts and people grep for. {@code dsscmd} prints that line on stdout, then, if the failure carries one, the
 * openGauss {@code  detail reason [code] : text} line, and keeps its own one-line error with the remedy on stderr.
 */
interface OpenGaussFailure
{
    /**
     * @return the line openGauss prints on stdout when this command fails, without a line terminator.
     */
    String openGaussFailureLine();
}
