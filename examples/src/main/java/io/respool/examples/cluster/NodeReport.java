package io.respool.examples.cluster;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/**
 * A node's figures at the end of its run, as a properties file the launcher reads: counts, latency percentiles in
 * microseconds, DMS counters and event summaries, and the problems found.
 */
final class NodeReport
{
    private final Properties props = new Properties();

    NodeReport()
    {
    }

    private NodeReport(final Properties props)
    {
        this.props.putAll(props);
    }

    void put(final String key, final long value)
    {
        props.setProperty(key, Long.toString(value));
    }

    void put(final String key, final double value)
    {
        props.setProperty(key, String.format(Locale.ROOT, "%.3f", value));
    }

    void put(final String key, final String value)
    {
        props.setProperty(key, value);
    }

    /**
     * Record a histogram of nanoseconds as count and percentiles in microseconds.
     */
    void putLatency(final String prefix, final Histogram histogram)
    {
        put(prefix + ".count", histogram.getTotalCount());
        put(prefix + ".p50", histogram.getValueAtPercentile(50) / 1000.0);
        put(prefix + ".p90", histogram.getValueAtPercentile(90) / 1000.0);
        put(prefix + ".p99", histogram.getValueAtPercentile(99) / 1000.0);
        put(prefix + ".p999", histogram.getValueAtPercentile(99.9) / 1000.0);
        put(prefix + ".max", histogram.getMaxValue() / 1000.0);
    }

    long getLong(final String key)
    {
        final String value = props.getProperty(key);
        return value == null ? 0 : Long.parseLong(value);
    }

    double getDouble(final String key)
    {
        final String value = props.getProperty(key);
        return value == null ? 0 : Double.parseDouble(value);
    }

    String get(final String key)
    {
        return props.getProperty(key);
    }

    /**
     * Write atomically: to a temporary file, then renamed over the report.
     */
    void write(final Path file)
    {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))
        {
            props.store(out, "respool cluster demo node report");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write node report: file=" + tmp, ex);
        }
        try
        {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write node report: file=" + file, ex);
        }
    }

    /**
     * @return the report, or null if the node wrote none.
     */
    static NodeReport read(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            return null;
        }
        final Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            props.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read node report: file=" + file, ex);
        }
        return new NodeReport(props);
    }
}
