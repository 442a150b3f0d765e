package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.config.DssHome;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one {@code dsscmd} invocation runs with: its output streams, its environment and whether it may draw a
 * progress bar. Opens the DSS home named by {@code -D} or {@code $DSS_HOME}, printing its configuration warnings.
 */
final class CliContext
{
    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;
    final boolean progress;

    CliContext(final PrintStream out, final PrintStream err, final Map<String, String> env, final boolean progress)
    {
        this.out = out;
        this.err = err;
        this.env = env;
        this.progress = progress;
    }

    /**
     * @return the DSS home directory from {@code -D}, else {@code $DSS_HOME}.
     * @throws CliException if neither is given.
     */
    Path homeDirectory(final CommonOptions options)
    {
        final String option = options.dssHome;
        if (option != null && !option.isBlank())
        {
            return Path.of(option).toAbsolutePath().normalize();
        }
        final String value = env.get(DssHome.ENV_NAME);
        if (value != null && !value.isBlank())
        {
            return Path.of(value).toAbsolutePath().normalize();
        }
        throw new CliException("no DSS home: neither -D nor $" + DssHome.ENV_NAME + " is set; pass -D DIR or " +
            "export " + DssHome.ENV_NAME + "=DIR, where DIR holds cfg/dss_vg_conf.ini " +
            "(e.g. /home/test/dss/dss0/dssdba)");
    }

    /**
     * Load the DSS home's configuration and print its warnings.
     */
    DssHome loadHome(final Path directory)
    {
        final DssHome home = DssHome.load(directory);
        for (final String warning : home.instance().warnings())
        {
            warn(warning);
        }
        return home;
    }

    /**
     * Open every volume group of the DSS home; the caller closes it.
     */
    Dss openDss(final CommonOptions options)
    {
        final DssHome home = loadHome(homeDirectory(options));
        return Dss.open(home.directory());
    }

    void warn(final String message)
    {
        err.println(ErrorLines.warning(message));
    }
}
