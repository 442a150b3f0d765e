package io.respool.bench.report;

import java.util.Locale;

/**
 * How the report prints figures: times in microseconds, rates per second, ratios with two decimals, and
 * {@code n/a} for whatever did not run.
 */
final class Format
{
    private Format()
    {
    }

    static String micros(final Figure figure)
    {
        return figure == null ? "n/a" : number(micros(figure.score(), figure.unit()));
    }

    static String percentiles(final Figure figure)
    {
        return figure == null ? "n/a" :
            number(micros(figure.p50(), figure.unit())) + " / " + number(micros(figure.p99(), figure.unit()));
    }

    static String perSecond(final Figure figure)
    {
        if (figure == null)
        {
            return "n/a";
        }
        final double scale = 1.0 / secondsPer(figure.unit().substring(figure.unit().indexOf('/') + 1));
        final double error = Double.isNaN(figure.error()) ? Double.NaN : figure.error() * scale;
        return String.format(Locale.ROOT, "%.0f", figure.score() * scale) +
            (Double.isNaN(error) ? "" : String.format(Locale.ROOT, " ± %.0f", error));
    }

    /**
     * @param value a time per operation.
     * @param unit  its JMH unit, such as {@code ms/op}.
     * @return the value in microseconds.
     */
    static double micros(final double value, final String unit)
    {
        return value * secondsPer(unit.substring(0, unit.indexOf('/'))) * 1e6;
    }

    static double secondsPer(final String timeUnit)
    {
        return switch (timeUnit)
        {
            case "s" -> 1.0;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            default -> throw new IllegalArgumentException("unknown JMH time unit: " + timeUnit);
        };
    }

    static String number(final double value)
    {
        if (Double.isNaN(value))
        {
            return "n/a";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : (value >= 10 ? "%.1f" : "%.2f"), value);
    }

    static String ratio(final double value)
    {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", value);
    }
}
