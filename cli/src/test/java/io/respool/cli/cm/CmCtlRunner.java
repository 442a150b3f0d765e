package io.respool.cli.cm;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs cmctl in-process with its output captured.
 */
final class CmCtlRunner
{
    final int exit;
    final String out;
    final String err;

    private CmCtlRunner(final int exit, final String out, final String err)
    {
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    static CmCtlRunner run(final Path home, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final List<String> all = new ArrayList<>(List.of(args));
        if (home != null && all.size() > 0)
        {
            all.add(1, "--home");
            all.add(2, home.toString());
        }
        final int exit = CmCtl.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
            .execute(all.toArray(new String[0]));
        return new CmCtlRunner(exit, out.toString(), err.toString());
    }

    @Override
    public String toString()
    {
        return "exit " + exit + "\nstdout:\n" + out + "stderr:\n" + err;
    }
}
