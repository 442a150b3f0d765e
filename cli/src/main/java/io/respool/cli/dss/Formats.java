package io.respool.cli.dss;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Number, time and size formatting shared by the commands; locale-independent so that output parses the same
 * everywhere.
 */
final class Formats
{
    /** openGauss {@code YYYY-MM-DD HH24:mi:ss}, in the local time zone. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Formats()
    {
    }

    /**
     * @return {@code String.format} in the root locale, trailing blanks removed.
     */
    static String format(final String pattern, final Object... args)
    {
        return String.format(Locale.ROOT, pattern, args).stripTrailing();
    }

    static String time(final long epochMs)
    {
        return TIME.format(Instant.ofEpochMilli(epochMs).atZone(ZoneId.systemDefault()));
    }

    /**
     * @return a byte count for people: {@code 512 B}, {@code 1.5 MiB}.
     */
    static String bytes(final long size)
    {
        if (size < 1024)
        {
            return size + " B";
        }
        final String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = size / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /**
     * Parse a non-negative size: digits, optionally followed by K, M, G or T (powers of 1024).
     *
     * @param what names the option in the error.
     */
    static long parseSize(final String text, final String what)
    {
        final String value = text.trim().toUpperCase(Locale.ROOT);
        final SizeUnit unit = value.isEmpty() ? null : SizeUnit.ofLetter(value.charAt(value.length() - 1));
        final long multiplier = unit == null ? 1 : unit.bytes();
        final String digits = unit == null ? value : value.substring(0, value.length() - 1);
        try
        {
            final long number = Long.parseLong(digits);
            if (number < 0)
            {
                throw new CliException("negative " + what + ": " + what + "=" + text + "; give a size of 0 or more");
            }
            return Math.multiplyExact(number, multiplier);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new CliException("not a size: " + what + "=" + text +
                "; give bytes, optionally with K, M, G or T (powers of 1024), e.g. 8192 or 16M");
        }
    }
}
