package io.respool.bench.report;

import io.respool.bench.dms.Pinning;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The results file is checked before the first benchmark and replaced (atomically) only when every suite has run;
 * the JMH JSON of each suite is kept in the JSON directory either way.
 */
public final class RunAll
{
    private static final String DATA_PATH = "io.respool.bench.dss.DssDataPathBenchmark.";
    private static final String MAPPED_COPY = "io.respool.bench.dss.DssMappedCopyBenchmark.";
    private static final String METADATA = "io.respool.bench.dss.DssMetadataBenchmark.";
    private static final String DMS = "io.respool.bench.dms.DmsBenchmark.";
    private static final String REFORM = "io.respool.bench.dms.ReformBenchmark.";
    private static final String USAGE =
        "expected --results FILE [--commit SHA] [--command TEXT] [--json-dir DIR] [--quick]";

    private final Path jsonDirectory;
    private final boolean quick;
    private final List<Suite> suites = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private RunAll(final Path jsonDirectory, final boolean quick)
    {
        this.jsonDirectory = jsonDirectory;
        this.quick = quick;
    }

    public static void main(final String[] args)
    {
        try
        {
            run(args);
        }
        catch (final IllegalArgumentException | IllegalStateException | IOException ex)
        {
            System.err.println("run-all: " + ex.getMessage());
            System.exit(2);
        }
    }

    private static void run(final String[] args) throws IOException
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
                default -> throw new IllegalArgumentException("unknown argument: " + args[i] + "; " + USAGE);
            }
        }
        if (results == null)
        {
            throw new IllegalArgumentException("missing --results FILE; " + USAGE);
        }
        final String existing = Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "";
        ResultsReport.splice(existing, ""); // a broken file fails now, not after the benchmarks
        final Path parent = results.toAbsolutePath().getParent();
        if (!Files.isWritable(parent) || (Files.exists(results) && !Files.isWritable(results)))
        {
            throw new IllegalArgumentException("cannot write the results file: " + results.toAbsolutePath());
        }
        Files.createDirectories(jsonDirectory);

        final Instant started = Instant.now();
        final String imageDirectory = System.getenv().getOrDefault("RESPOOL_BENCH_DIR",
            System.getProperty("java.io.tmpdir"));
        final Machine machine = Machine.describe(Path.of(imageDirectory));
        final RunAll runAll = new RunAll(jsonDirectory, quick);
        runAll.runSuites();

        final ResultsReport.Run run = new ResultsReport.Run(
            command, commit, started, quick, machine, runAll.suites, runAll.notes);
        final Path temporary = parent.resolve(results.getFileName() + ".tmp");
        Files.writeString(temporary, ResultsReport.splice(existing, ResultsReport.render(run)), StandardCharsets.UTF_8);
        Files.move(temporary, results, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("== wrote " + results + " (JMH JSON in " + jsonDirectory + ")");
    }

    private void runSuites()
    {
        final Instant started = Instant.now();
        final String loadBefore = Machine.loadAverage();
        final List<RunResult> dataPath = new ArrayList<>();
        for (final String backend : new String[]{ "MAPPED", "DIRECT" })
        {
            // One backend at a time, so that each DSS method runs right before its raw twin on the same disk state;
            // the MAPPED memory-copy floors (no backend parameter: always MAPPED) run right after their backend.
            final String include = DATA_PATH + "(read|write)(Dss|Raw)$" +
                ("MAPPED".equals(backend) ? "|" + MAPPED_COPY + "(read|write)MappedCopy$" : "");
            dataPath.addAll(jmh(Suite.DSS_DATA_PATH + "-" + backend, include,
                (options) -> options.param("backend", backend).mode(Mode.SampleTime)));
        }
        suites.add(suite(Suite.DSS_DATA_PATH, "DSS data path (issue 2)", started, loadBefore, dataPath));

        suite(Suite.DSS_METADATA, "DSS metadata (issue 2)", METADATA, UnaryOperator.identity());
        suite(Suite.DMS_UNPINNED, "DMS, unpinned (issue 4)", DMS,
            (options) -> options.jvmArgsPrepend("-D" + Pinning.CPUS_PROP_NAME + "="));
        final String[] cpus = pinnableCpus();
        if (cpus.length == 2)
        {
            suite(Suite.DMS_PINNED, "DMS, pinned: asking side on CPU " + cpus[0] + ", answering side on CPU " +
                cpus[1] + " (issue 4)", DMS,
                (options) -> options.jvmArgsPrepend("-D" + Pinning.CPUS_PROP_NAME + "=" + String.join(",", cpus)));
        }
        suite(Suite.DMS_REFORM, "DMS reform, 3 nodes, unpinned (issue 11)", REFORM,
            (options) -> options.jvmArgsPrepend("-D" + Pinning.CPUS_PROP_NAME + "="));
    }

    /**
     * @return the first two CPUs this process may run on, or none (with a note saying why) if pinning cannot work.
     */
    private String[] pinnableCpus()
    {
        final boolean hasTaskset = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch((dir) -> Files.isExecutable(Path.of(dir, "taskset")));
        final List<Integer> allowed = Machine.allowedCpus();
        if (!hasTaskset || allowed.size() < 2)
        {
            notes.add("The pinned DMS suite did not run: " + (hasTaskset ? "fewer than 2 CPUs are allowed" :
                "`taskset` (util-linux) is not on the PATH") + ".");
            return new String[0];
        }
        return new String[]{ String.valueOf(allowed.get(0)), String.valueOf(allowed.get(1)) };
    }

    private void suite(final String id, final String title, final String include,
        final UnaryOperator<ChainedOptionsBuilder> settings)
    {
        final Instant started = Instant.now();
        final String loadBefore = Machine.loadAverage();
        suites.add(suite(id, title, started, loadBefore, jmh(id, include, settings)));
    }

    private static Suite suite(final String id, final String title, final Instant started, final String loadBefore,
        final List<RunResult> results)
    {
        final BenchmarkParams params = results.get(0).getParams();
        final String iterations = params.getWarmup().getCount() + " × " + params.getWarmup().getTime() +
            " warmup, " + params.getMeasurement().getCount() + " × " + params.getMeasurement().getTime() + ", " +
            params.getForks() + " fork" + (params.getForks() == 1 ? "" : "s");
        return new Suite(id, title, iterations, loadBefore, Machine.loadAverage(),
            Duration.between(started, Instant.now()), results.stream().map(Figure::of).toList());
    }

    private List<RunResult> jmh(final String name, final String include,
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
            final List<RunResult> results = new ArrayList<>(new Runner(settings.apply(options).build()).run());
            if (results.isEmpty())
            {
                throw new IllegalStateException("benchmark suite " + name + " ran no benchmark: include=" + include);
            }
            return results;
        }
        catch (final RunnerException ex)
        {
            throw new IllegalStateException("benchmark suite " + name + " failed, the results file is unchanged " +
                "(JSON of the finished suites in " + jsonDirectory + "): " + ex.getMessage(), ex);
        }
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException("missing value after " + args[i - 1] + "; " + USAGE);
        }
        return args[i];
    }
}
