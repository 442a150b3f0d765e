package io.respool.bench.report;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result reduced to what the report prints: which benchmark method with which parameters in which mode, its
 * score and error (in {@code unit}), and, for sample-time runs, the mean and percentiles of single operations.
 *
 * @param method     the benchmark method's simple name, e.g. {@code fetch2WayS}.
 * @param params     the JMH {@code @Param} values by name.
 * @param mode       JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample}.
 * @param unit       the score's unit as JMH prints it, e.g. {@code us/op} or {@code ops/ms}.
 * @param score      the score.
 * @param error      JMH's 99.9% error of the score, NaN when it has too few iterations to tell.
 * @param p50        median of the operations (sample mode) or of the iteration scores (other modes).
 * @param p90        90th percentile, as above.
 * @param p99        99th percentile, as above.
 * @param p999       99.9th percentile, as above.
 */
public record Figure(
    String method,
    Map<String, String> params,
    String mode,
    String unit,
    double score,
    double error,
    double p50,
    double p90,
    double p99,
    double p999)
{
    public Figure
    {
        params = Map.copyOf(params);
    }

    /**
     * @param run one benchmark's result from {@link org.openjdk.jmh.runner.Runner#run()}.
     * @return its figure.
     */
    public static Figure of(final RunResult run)
    {
        final BenchmarkParams benchmark = run.getParams();
        final Map<String, String> params = new TreeMap<>();
        for (final String key : benchmark.getParamsKeys())
        {
            params.put(key, benchmark.getParam(key));
        }
        final Result<?> primary = run.getPrimaryResult();
        final Statistics statistics = primary.getStatistics();
        final String name = benchmark.getBenchmark();
        return new Figure(
            name.substring(name.lastIndexOf('.') + 1),
            params,
            benchmark.getMode().shortLabel(),
            primary.getScoreUnit(),
            primary.getScore(),
            primary.getScoreError(),
            statistics.getPercentile(50.0),
            statistics.getPercentile(90.0),
            statistics.getPercentile(99.0),
            statistics.getPercentile(99.9));
    }

    /**
     * @param method the method's simple name.
     * @param mode   the short mode name.
     * @param params the parameters that must match, as name, value pairs (others may differ).
     * @return whether this figure is of that method and mode with those parameters.
     */
    public boolean is(final String method, final String mode, final String... params)
    {
        if (!this.method.equals(method) || !this.mode.equals(mode))
        {
            return false;
        }
        for (int i = 0; i < params.length; i += 2)
        {
            if (!params[i + 1].equals(this.params.get(params[i])))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the method and its parameters, e.g. {@code upgradeXInvalidating copies=2}.
     */
    public String label()
    {
        final StringBuilder label = new StringBuilder(method);
        params.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach((entry) -> label.append(' ').append(entry.getKey()).append('=').append(entry.getValue()));
        return label.toString();
    }
}
