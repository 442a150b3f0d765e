package io.respool.bench.report;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs every DSS and DMS benchmark, suite after suite, and writes the generated section of the results file
 * ({@link ResultsReport}). Started by {@code bench/run-all.sh}, which builds the jar first and passes the commit and
 * the command line:
 * <pre>
 * java -cp benchmarks.jar io.respool.bench.report.RunAll --results bench/RESULTS.md --commit abc1234 \
 *     --command 'bench/run-all.sh' [--quick] [--json-dir /tmp/respool-bench]
 * </pre>
 * The results file changes only when every suite has run; the JMH JSON of each suite is kept in the JSON directory.
 */
public final class RunAll
{
    /** The system property through which {@code Pinning} in the DMS benchmarks receives its two CPUs. */
    static final String DMS_CPUS_PROP_NAME = "respool.bench.cpus";

    private static final String DATA_PATH = "io.respool.bench.dss.DssDataPathBenchmark.";
    private static final String METADATA = "io.respool.bench.dss.DssMetadataBenchmark.";
    private static final String DMS = "io.respool.bench.dms.DmsBenchmark.";

    private final Path jsonDirectory;
    private final boolean quick;
    private final List<Suite> suites = new ArrayList<>();

    private RunAll(final Path jsonDirectory, final boolean quick)
    {
        this.jsonDirectory = jsonDirectory;
        this.quick = quick;
    }

    public static void main(final String[] args) throws IOException
    {
        Path results = null;
        String commit = "unknown";
        String command = "bench/run-all.sh";
        Path jsonDirectory = Path.of(System.getProperty("java.io.tmpdir"), "respool-bench");
        boolean quick = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--results" -> results = Path.of(value(args, ++i));
                case "--commit" -> commit = value(args, ++i);
                case "--command" -> command = value(args, ++i);
                case "--json-dir" -> jsonDirectory = Path.of(value(args, ++i));
                case "--quick" -> quick = true;
                default -> fail("unknown argument: " + args[i] + "; expected --results FILE [--commit SHA] " +
                    "[--command TEXT] [--json-dir DIR] [--quick]");
            }
        }
        if (null == results)
        {
            fail("missing --results FILE: the results file whose generated section to write");
        }
        Files.createDirectories(jsonDirectory);

        final Instant started = Instant.now();
        final String imageDirectory = System.getenv().getOrDefault("RESPOOL_BENCH_DIR",
            System.getProperty("java.io.tmpdir"));
        final Machine machine = Machine.describe(Path.of(imageDirectory));
        final RunAll runAll = new RunAll(jsonDirectory, quick);
        runAll.runSuites();

        final ResultsReport.Run run = new ResultsReport.Run(
            command, commit, started, runAll.settings(), quick, machine, runAll.suites);
        final String existing = Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "";
        Files.writeString(results, ResultsReport.splice(existing, ResultsReport.render(run)), StandardCharsets.UTF_8);
        System.out.println("== wrote " + results + " (JMH JSON in " + jsonDirectory + ")");
    }

    private void runSuites()
    {
        final List<Figure> dataPath = new ArrayList<>();
        final Instant dataPathStarted = Instant.now();
        final String dataPathLoad = Machine.loadAverage();
        for (final String backend : new String[]{ "MAPPED", "DIRECT" })
        {
            // One backend at a time, so that each DSS method runs right before its raw twin on the same disk state.
            dataPath.addAll(jmh(Suite.DSS_DATA_PATH + "-" + backend, DATA_PATH + "(read|write)(Dss|Raw)$",
                (options) -> options.param("backend", backend).mode(Mode.SampleTime)));
        }
        suites.add(new Suite(Suite.DSS_DATA_PATH, "DSS data path (issue 2)", dataPathLoad, Machine.loadAverage(),
            Duration.between(dataPathStarted, Instant.now()), dataPath));

        suite(Suite.DSS_METADATA, "DSS metadata (issue 2)", METADATA, UnaryOperator.identity());
        suite(Suite.DMS_UNPINNED, "DMS, unpinned (issue 4)", DMS,
            (options) -> options.jvmArgsPrepend("-D" + DMS_CPUS_PROP_NAME + "="));
        if (Runtime.getRuntime().availableProcessors() >= 2)
        {
            suite(Suite.DMS_PINNED, "DMS, pinned: asking side on CPU 0, answering side on CPU 1 (issue 4)", DMS,
                (options) -> options.jvmArgsPrepend("-D" + DMS_CPUS_PROP_NAME + "=0,1"));
        }
    }

    private void suite(final String id, final String title, final String include,
        final UnaryOperator<ChainedOptionsBuilder> settings)
    {
        final Instant started = Instant.now();
        final String loadBefore = Machine.loadAverage();
        final List<Figure> figures = jmh(id, include, settings);
        suites.add(new Suite(id, title, loadBefore, Machine.loadAverage(), Duration.between(started, Instant.now()),
            figures));
    }

    private List<Figure> jmh(final String name, final String include,
        final UnaryOperator<ChainedOptionsBuilder> settings)
    {
        ChainedOptionsBuilder options = new OptionsBuilder()
            .include(include)
            .shouldFailOnError(true)
            .resultFormat(ResultFormatType.JSON)
            .result(jsonDirectory.resolve(name + ".json").toString());
        if (quick)
        {
            options = options
                .warmupIterations(1).warmupTime(TimeValue.seconds(1))
                .measurementIterations(2).measurementTime(TimeValue.seconds(1));
        }
        System.out.println("== suite " + name + ", load " + Machine.loadAverage());
        try
        {
            final List<Figure> figures = new ArrayList<>();
            for (final RunResult result : new Runner(settings.apply(options).build()).run())
            {
                figures.add(Figure.of(result));
            }
            return figures;
        }
        catch (final RunnerException ex)
        {
            fail("benchmark suite " + name + " failed, the results file is unchanged (JSON of the finished suites " +
                "in " + jsonDirectory + "): " + ex.getMessage());
            return List.of();
        }
    }

    private String settings()
    {
        return quick ?
            "Quick: one fork per benchmark, 1 × 1 s warmup, 2 × 1 s measurement." :
            "One fork per benchmark, 3 × 2 s warmup, 5 × 2 s measurement (the benchmarks' own annotations). " +
            "Each suite's JMH JSON is kept beside the run (`--json-dir`).";
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            fail("missing value after " + args[i - 1]);
        }
        return args[i];
    }

    private static void fail(final String message)
    {
        System.err.println("run-all: " + message);
        System.exit(2);
    }
}
