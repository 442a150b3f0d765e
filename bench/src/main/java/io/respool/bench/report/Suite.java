package io.respool.bench.report;

import java.time.Duration;
import java.util.List;

/**
 * One part of a run, as the report shows it: the figures of one or more JMH runs made back to back under one setting.
 *
 * @param id         what the report looks the suite up by, one of the constants here.
 * @param title      a heading for the suite's table.
 * @param iterations warmup, measurement and forks of each benchmark, as JMH ran them.
 * @param loadBefore load average when it started, from {@link Machine#loadAverage()}.
 * @param loadAfter  load average when it ended.
 * @param took       how long it ran.
 * @param figures    its results.
 */
public record Suite(
    String id,
    String title,
    String iterations,
    String loadBefore,
    String loadAfter,
    Duration took,
    List<Figure> figures)
{
    /** DSS 8 KiB random reads and writes beside raw {@code pread}/{@code pwrite}. */
    public static final String DSS_DATA_PATH = "dss-data-path";
    /** DSS create and delete beside raw durable writes. */
    public static final String DSS_METADATA = "dss-metadata";
    /** DMS beside the raw Aeron echo, threads placed by the scheduler. */
    public static final String DMS_UNPINNED = "dms-unpinned";
    /** DMS beside the raw Aeron echo, asking and answering sides each pinned to its own CPU. */
    public static final String DMS_PINNED = "dms-pinned";
    /** DMS reform time (failover, switchover) with many pages cached, single shot per fresh cluster. */
    public static final String DMS_REFORM = "dms-reform";

    public Suite
    {
        figures = List.copyOf(figures);
    }

    /**
     * @param method the method's simple name.
     * @param mode   the short mode name.
     * @param params parameters that must match, as name, value pairs.
     * @return the first figure that matches, or null.
     */
    public Figure find(final String method, final String mode, final String... params)
    {
        for (final Figure figure : figures)
        {
            if (figure.is(method, mode, params))
            {
                return figure;
            }
        }
        return null;
    }
}
