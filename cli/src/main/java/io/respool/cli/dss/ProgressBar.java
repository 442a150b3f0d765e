package io.respool.cli.dss;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A one-line progress bar redrawn in place with {@code \r}:
 * {@code cp [##########----------]  50%  512.0 MiB / 1.0 GiB  210.3 MiB/s}. Redraws at most every
 * {@link #REDRAW_INTERVAL_NS}; the caller passes the time in, so it can be tested without a clock.
 */
final class ProgressBar
{
    static final long REDRAW_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNs;
    private long lastDrawNs;
    private int lastLength;
    private boolean drawn;

    ProgressBar(final PrintStream out, final String label, final long total, final long startNs)
    {
        this.out = out;
        this.label = label;
        this.total = total;
        this.startNs = startNs;
    }

    /**
     * Redraw if the last redraw is old enough.
     */
    void update(final long done, final long nowNs)
    {
        if (!drawn || nowNs - lastDrawNs >= REDRAW_INTERVAL_NS)
        {
            out.print('\r' + padded(render(label, done, total, nowNs - startNs)));
            out.flush();
            lastDrawNs = nowNs;
            drawn = true;
        }
    }

    /**
     * Draw the final state and end the line.
     */
    void finish(final long done, final long nowNs)
    {
        out.println('\r' + padded(render(label, done, total, nowNs - startNs)));
        out.flush();
    }

    /**
     * @return the line, padded with blanks to cover a longer line drawn before.
     */
    private String padded(final String line)
    {
        final String result = line.length() < lastLength ? line + " ".repeat(lastLength - line.length()) : line;
        lastLength = line.length();
        return result;
    }

    static String render(final String label, final long done, final long total, final long elapsedNs)
    {
        final double fraction = total <= 0 ? 1.0 : Math.min(1.0, (double)done / total);
        final int filled = (int)(fraction * WIDTH);
        final double seconds = Math.max(elapsedNs, 1) / 1e9;
        return label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " +
            String.format(Locale.ROOT, "%3d%%", (int)(fraction * 100)) + "  " + Formats.bytes(done) + " / " +
            Formats.bytes(total) + "  " + Formats.bytes((long)(done / seconds)) + "/s";
    }
}
