package io.respool.bench.report;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsReportTest
{
    private static final Machine MACHINE = new Machine(
        "2 CPUs (Test CPU)", "24 GiB", "Linux 6.0", "Test VM 17", "JMH 1.37, Aeron 1.51.0", "ext4 on /dev/vda (/tmp)");

    @Test
    void shouldPutEachDataPathFigureBesideItsRawTwinAsASpeedRatio()
    {
        final String report = ResultsReport.render(run(false, dataPath(), dms(Suite.DMS_UNPINNED, 20, 50, 30, 60)));

        assertTrue(report.contains("| 2 | DSS 8 KiB random read, MAPPED: raw time / DSS time (mean) | ≥ 0.9x | 5.00x | met |"),
            report);
        assertTrue(report.contains("| 2 | DSS 8 KiB random write, DIRECT: raw time / DSS time (mean) | ≥ 0.9x | 0.83x | " +
            "**missed** |"), report);
        assertTrue(report.contains("| 8 KiB random read | MAPPED | 0.80 | 4.00 | 5.00x | 0.70 / 1.50 | 3.50 / 9.00 |"),
            report);
    }

    @Test
    void shouldJudgeTheTwoWayFetchAgainstTheEchoOfTheSameSuite()
    {
        final String report = ResultsReport.render(run(false, dms(Suite.DMS_UNPINNED, 20, 50, 30, 60),
            dms(Suite.DMS_PINNED, 20, 50, 22, 120)));

        assertTrue(report.contains("| 4 | DMS 2-way S page fetch median / raw echo median, unpinned | ≤ 1.25x | 1.50x | " +
            "**missed** |"), report);
        assertTrue(report.contains("| 4 | DMS 2-way S page fetch p99 / raw echo p99, unpinned | ≤ 2.0x | 1.20x | met |"),
            report);
        assertTrue(report.contains("| 4 | DMS 2-way S page fetch median / raw echo median, pinned | ≤ 1.25x | 1.10x | " +
            "met |"), report);
        assertTrue(report.contains("| 4 | DMS 2-way S page fetch p99 / raw echo p99, pinned | ≤ 2.0x | 2.40x | " +
            "**missed** |"), report);
        assertTrue(report.contains("| rawEcho8k (baseline) | 20.0 | 40.0 | 50.0 | 200 | 25.0 | 1.00x | 1.00x |"), report);
        assertTrue(report.contains("| fetch2WayS | 30.0 | 40.0 | 60.0 | 200 | 25.0 | 1.50x | 1.20x |"), report);
    }

    @Test
    void shouldSayATargetWasNotMeasuredWhenItsSuiteDidNotRun()
    {
        final String report = ResultsReport.render(run(false, dataPath()));

        assertTrue(report.contains("| 4 | DMS 2-way S page fetch median / raw echo median | ≤ 1.25x | n/a | not measured |"),
            report);
        assertFalse(report.contains("### DMS"), report);
    }

    @Test
    void shouldMarkEveryVerdictOfAQuickRun()
    {
        final String report = ResultsReport.render(run(true, dms(Suite.DMS_UNPINNED, 20, 50, 22, 60)));

        assertTrue(report.contains("**Quick run:**"), report);
        assertTrue(report.contains("| 1.10x | met (quick run) |"), report);
    }

    @Test
    void shouldConvertMetadataThroughputToOperationsPerSecond()
    {
        final Suite metadata = new Suite(Suite.DSS_METADATA, "DSS metadata (issue 2)", "1 / 1 / 1", "2 / 2 / 2",
            Duration.ofSeconds(75), List.of(
                figure("createDelete1Thread", "thrpt", "ops/ms", 1.2, 0.3, 0, 0),
                figure("rawTwoSyncsLogMechanism", "thrpt", "ops/ms", 2.4, Double.NaN, 0, 0),
                figure("rawTwoSyncsPwrite", "thrpt", "ops/ms", 2.0, 0.5, 0, 0),
                figure("createDelete1Thread", "sample", "ms/op", 0.9, 0.1, 0.8, 2.5)));

        final String report = ResultsReport.render(run(false, metadata));

        assertTrue(report.contains("| createDelete1Thread | MAPPED | 1200 ± 300 | 2400 | 0.50x | 800 / 2500 | 2000 ± 500 |"),
            report);
        assertTrue(report.contains("| DSS metadata (issue 2) | 1 / 1 / 1 | 2 / 2 / 2 | 1 min 15 s |"), report);
    }

    @Test
    void shouldReplaceOnlyTheGeneratedSection()
    {
        final String existing = "# Benchmark results\n\nintro\n\n" + ResultsReport.BEGIN_MARKER + "\nold figures\n" +
            ResultsReport.END_MARKER + "\n\n## Analysis\n\nhand-written\n";

        final String spliced = ResultsReport.splice(existing, ResultsReport.BEGIN_MARKER + "\nnew figures\n" +
            ResultsReport.END_MARKER);

        assertEquals("# Benchmark results\n\nintro\n\n" + ResultsReport.BEGIN_MARKER + "\nnew figures\n" +
            ResultsReport.END_MARKER + "\n\n## Analysis\n\nhand-written\n", spliced);
    }

    @Test
    void shouldPutANewSectionAfterTheTitleOfAFileWithoutOne()
    {
        assertEquals("# Results\n\nNEW\n\nhand-written\n", ResultsReport.splice("# Results\n\nhand-written\n", "NEW\n"));
        assertEquals("# Benchmark results\n\nNEW\n", ResultsReport.splice("", "NEW\n"));
    }

    @Test
    void shouldRefuseAFileWithOnlyOneMarker()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ResultsReport.splice("# R\n" + ResultsReport.BEGIN_MARKER + "\n", "NEW\n"));

        assertEquals("the results file has only one of the generated-section markers; restore the other or remove " +
            "both: begin=true, end=false", ex.getMessage());
    }

    @Test
    void shouldConvertTimeUnitsToMicroseconds()
    {
        assertEquals(1500.0, ResultsReport.micros(1.5, "ms/op"), 1e-9);
        assertEquals(0.25, ResultsReport.micros(250, "ns/op"), 1e-9);
        assertEquals(7.0, ResultsReport.micros(7, "us/op"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> ResultsReport.micros(1, "min/op"));
    }

    private static ResultsReport.Run run(final boolean quick, final Suite... suites)
    {
        return new ResultsReport.Run("bench/run-all.sh", "abc1234", Instant.parse("2026-11-22T05:00:00Z"),
            "settings", quick, MACHINE, List.of(suites));
    }

    private static Suite dataPath()
    {
        return new Suite(Suite.DSS_DATA_PATH, "DSS data path (issue 2)", "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO,
            List.of(
                figure("readDss", "sample", "us/op", 0.8, 0.01, 0.7, 1.5, "backend", "MAPPED"),
                figure("readRaw", "sample", "us/op", 4.0, 0.2, 3.5, 9.0, "backend", "MAPPED"),
                figure("writeDss", "sample", "us/op", 120, 5, 100, 900, "backend", "DIRECT"),
                figure("writeRaw", "sample", "us/op", 100, 5, 90, 700, "backend", "DIRECT")));
    }

    private static Suite dms(final String id, final double echoP50, final double echoP99, final double fetchP50,
        final double fetchP99)
    {
        return new Suite(id, id, "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO, List.of(
            new Figure("rawEcho8k", Map.of(), "sample", "us/op", 25, 1, echoP50, 40, echoP99, 200),
            new Figure("fetch2WayS", Map.of(), "sample", "us/op", 25, 1, fetchP50, 40, fetchP99, 200)));
    }

    private static Figure figure(final String method, final String mode, final String unit, final double score,
        final double error, final double p50, final double p99, final String... params)
    {
        final Map<String, String> map = params.length == 0 ? Map.of("backend", "MAPPED") : Map.of(params[0], params[1]);
        return new Figure(method, map, mode, unit, score, error, p50, p50, p99, p99);
    }
}
