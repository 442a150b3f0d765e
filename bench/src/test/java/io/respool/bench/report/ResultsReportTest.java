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
    private static final String BEGIN = ResultsReport.BEGIN_MARKER;
    private static final String END = ResultsReport.END_MARKER;

    @Test
    void shouldPutEachDataPathFigureBesideItsRawTwinAsASpeedRatio()
    {
        final String report = ResultsReport.render(run(false, dataPath()));

        assertContains(report,
            "| 2 | DSS 8 KiB random read, MAPPED: raw time / DSS time (mean) | ≥ 0.9x | 5.00x | met |");
        assertContains(report,
            "| 2 | DSS 8 KiB random write, DIRECT: raw time / DSS time (mean) | ≥ 0.9x | 0.83x | **missed** |");
        assertContains(report,
            "| 8 KiB random read | MAPPED | 0.80 | 4.00 | 5.00x | 0.70 / 1.50 | 3.50 / 9.00 |");
    }

    @Test
    void shouldJudgeTheTwoWayFetchAgainstTheEchoOfTheSameSuite()
    {
        final String report = ResultsReport.render(run(false, dms(Suite.DMS_UNPINNED, 20, 50, 30, 60),
            dms(Suite.DMS_PINNED, 20, 50, 22, 120)));

        assertContains(report,
            "| 4 | DMS 2-way S page fetch median / raw echo median, unpinned | ≤ 1.25x | 1.50x | **missed** |");
        assertContains(report, "| 4 | DMS 2-way S page fetch p99 / raw echo p99, unpinned | ≤ 2.0x | 1.20x | met |");
        assertContains(report,
            "| 4 | DMS 2-way S page fetch median / raw echo median, pinned | ≤ 1.25x | 1.10x | met |");
        assertContains(report,
            "| 4 | DMS 2-way S page fetch p99 / raw echo p99, pinned | ≤ 2.0x | 2.40x | **missed** |");
        assertContains(report,
            "| rawEcho8k (floor: Aeron UDP) | 20.0 | 40.0 | 50.0 | 200 | 25.0 | 1.00x | 1.00x | n/a | n/a | n/a | n/a |");
        assertContains(report,
            "| fetch2WayS | 30.0 | 40.0 | 60.0 | 200 | 25.0 | 1.50x | 1.20x | n/a | n/a | n/a | n/a |");
    }

    @Test
    void shouldJudgeTheSameHostFetchAgainstTheIpcAndBothTcpFloorsOfTheSameSuite()
    {
        final String report = ResultsReport.render(run(false,
            dmsWithFloors(Suite.DMS_UNPINNED, 20, 50, 4, 10, 10, 30, 8, 30, 60),
            dmsWithFloors(Suite.DMS_PINNED, 20, 50, 4, 40, 10, 30, 4, 5, 60)));

        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw Aeron IPC echo median, " +
            "unpinned | ≤ 1.25x | 7.50x | **missed** |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw TCP loopback echo median, " +
            "blocking, unpinned | < 1.0x | 3.00x | **missed** |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw TCP loopback echo median, " +
            "polling, unpinned | < 1.0x | 3.75x | **missed** |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch p99 / raw Aeron IPC echo p99, " +
            "unpinned | ≤ 2.0x | 6.00x | **missed** |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw Aeron IPC echo median, " +
            "pinned | ≤ 1.25x | 1.25x | met |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw TCP loopback echo median, " +
            "blocking, pinned | < 1.0x | 0.50x | met |");
        // below the blocking echo is not enough: the polling echo, at 4 us, is the lower TCP floor
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw TCP loopback echo median, " +
            "polling, pinned | < 1.0x | 1.25x | **missed** |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch p99 / raw Aeron IPC echo p99, " +
            "pinned | ≤ 2.0x | 1.50x | met |");
        assertContains(report, "| 4 | DMS 2-way S page fetch median / raw echo median, unpinned | ≤ 1.25x | 1.50x | " +
            "**missed** |");
        assertContains(report, "| rawIpcEcho8k (floor: Aeron IPC) | 4.00 | 40.0 | 10.0 | 200 | 25.0 | 0.20x | " +
            "0.20x | 1.00x | 1.00x | 0.40x | 0.50x |");
        assertContains(report, "| rawTcpEcho8k (floor: TCP loopback, blocking) | 10.0 | 40.0 | 30.0 | 200 | 25.0 | " +
            "0.50x | 0.60x | 2.50x | 3.00x | 1.00x | 1.25x |");
        assertContains(report, "| rawTcpPollEcho8k (floor: TCP loopback, polling) | 8.00 | 40.0 | 30.0 | 200 | " +
            "25.0 | 0.40x | 0.60x | 2.00x | 3.00x | 0.80x | 1.00x |");
        assertContains(report, "| fetch2WayS | 30.0 | 40.0 | 60.0 | 200 | 25.0 | 1.50x | 1.20x | 7.50x | 6.00x | " +
            "3.00x | 3.75x |");
        assertContains(report, ResultsReport.SAME_HOST_TRANSPORT);
    }

    @Test
    void shouldJudgeTheCrossHostFetchAgainstTheUdpEchoOfTheUnpinnedSuiteOnly()
    {
        final String report = ResultsReport.render(run(false, dms(Suite.DMS_UNPINNED, 20, 50, 25, 60),
            dms(Suite.DMS_PINNED, 20, 50, 30, 60)));

        assertContains(report, "| 14 | cross-host DMS 2-way S page fetch median / raw Aeron UDP echo median, " +
            "unpinned | ≤ 1.25x | 1.25x | met |");
        assertFalse(report.contains("| 14 | cross-host DMS 2-way S page fetch median / raw Aeron UDP echo median, " +
            "pinned"), report);
    }

    @Test
    void shouldJudgeTheSameHostRowsOnTheIpcFetchAndTheCrossHostRowOnTheUdpFetch()
    {
        final Suite suite = dmsWithFloors(Suite.DMS_UNPINNED, 20, 50, 4, 10, 10, 30, 8, 25, 60);
        final List<Figure> figures = new java.util.ArrayList<>(suite.figures());
        figures.removeIf((figure) -> figure.is("fetch2WaySIpc", "sample"));
        // listed first, but not the host driver's default: not judged
        figures.add(new Figure("fetch2WaySIpc", Map.of("hostDriverIdle", "yield"), "sample", "us/op", 60, 1, 50,
            80, 150, 300));
        figures.add(new Figure("fetch2WaySIpc", Map.of("hostDriverIdle", "sleep"), "sample", "us/op", 6, 1, 5, 8,
            15, 30));
        final String report = ResultsReport.render(run(false, new Suite(suite.id(), suite.title(),
            suite.iterations(), suite.loadBefore(), suite.loadAfter(), suite.took(), figures)));

        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw Aeron IPC echo median, " +
            "unpinned | ≤ 1.25x | 1.25x | met |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch p99 / raw Aeron IPC echo p99, " +
            "unpinned | ≤ 2.0x | 1.50x | met |");
        assertContains(report, "| 14 | cross-host DMS 2-way S page fetch median / raw Aeron UDP echo median, " +
            "unpinned | ≤ 1.25x | 1.25x | met |");
        assertContains(report, "| 4 | DMS 2-way S page fetch p99 / raw echo p99, unpinned | ≤ 2.0x | 1.20x | met |");
    }

    @Test
    void shouldMissTheTcpTargetWhenTheFetchOnlyTiesTheTcpEcho()
    {
        final String report = ResultsReport.render(run(false,
            dmsWithFloors(Suite.DMS_UNPINNED, 20, 50, 4, 10, 10.002, 30, 10.002, 10, 60)));

        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw TCP loopback echo median, " +
            "blocking, unpinned | < 1.0x | 1.00x | **missed** |");
        assertContains(report, "| 14 | same-host DMS 2-way S page fetch median / raw TCP loopback echo median, " +
            "polling, unpinned | < 1.0x | 1.00x | **missed** |");
    }

    @Test
    void shouldJudgeTheMappedWriteAgainstTheMemoryCopyAndKeepThePwriteRatio()
    {
        final Suite dataPath = new Suite(Suite.DSS_DATA_PATH, "DSS data path (issue 2)",
            "1 × 1 s warmup, 2 × 1 s, 1 fork", "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO, List.of(
                figure("writeDss", "sample", "us/op", 1.0, 0.01, 0.9, 1.6, "backend", "MAPPED"),
                figure("writeRaw", "sample", "us/op", 20.0, 0.2, 19.0, 60.0, "backend", "MAPPED"),
                new Figure("writeMappedCopy", Map.of(), "sample", "us/op", 0.7, 0.01, 0.6, 0.6, 1.2, 1.2),
                new Figure("readMappedCopy", Map.of(), "sample", "us/op", 0.5, 0.01, 0.4, 0.4, 0.9, 0.9),
                figure("readDss", "sample", "us/op", 0.8, 0.01, 0.7, 1.5, "backend", "MAPPED"),
                figure("readDss", "sample", "us/op", 30, 1, 28, 50, "backend", "DIRECT"),
                figure("readRaw", "sample", "us/op", 29, 1, 27, 49, "backend", "DIRECT")));

        final String report = ResultsReport.render(run(false, dataPath));

        assertContains(report,
            "| 14 | DSS 8 KiB random write, MAPPED: memory copy time / DSS time (mean) | ≥ 0.8x | 0.70x | **missed** |");
        assertContains(report,
            "| 2 | DSS 8 KiB random write, MAPPED: raw time / DSS time (mean) | ≥ 0.9x | 20.00x | met |");
        assertContains(report, "| 8 KiB random write | MAPPED | 1.00 | 20.0 | 20.00x | 0.90 / 1.60 | 19.0 / 60.0 | " +
            "0.70 | 0.70x | 0.60 / 1.20 |");
        assertContains(report, "| 8 KiB random read | MAPPED | 0.80 | n/a | n/a | 0.70 / 1.50 | n/a | 0.50 | 0.63x | " +
            "0.40 / 0.90 |");
        assertContains(report, "| 8 KiB random read | DIRECT | 30.0 | 29.0 | 0.97x | 28.0 / 50.0 | 27.0 / 49.0 | " +
            "n/a | n/a | n/a |");
    }

    @Test
    void shouldJudgeOnTheRatioAsPrinted()
    {
        final String report = ResultsReport.render(run(false, dms(Suite.DMS_UNPINNED, 20, 50, 25.098, 100.2)));

        assertContains(report,
            "| 4 | DMS 2-way S page fetch median / raw echo median, unpinned | ≤ 1.25x | 1.25x | met |");
        assertContains(report, "| 4 | DMS 2-way S page fetch p99 / raw echo p99, unpinned | ≤ 2.0x | 2.00x | met |");
    }

    @Test
    void shouldSayATargetWasNotMeasuredWhenItsSuiteDidNotRun()
    {
        final String report = ResultsReport.render(new ResultsReport.Run("bench/run-all.sh", "abc1234",
            Instant.parse("2026-11-22T05:00:00Z"), false, MACHINE, List.of(dataPath()),
            List.of("The pinned DMS suite did not run: `taskset` (util-linux) is not on the PATH.")));

        assertContains(report,
            "| 4 | DMS 2-way S page fetch median / raw echo median | ≤ 1.25x | n/a | not measured |");
        assertContains(report,
            "**Note.** The pinned DMS suite did not run: `taskset` (util-linux) is not on the PATH.");
        assertFalse(report.contains("### DMS"), report);
    }

    @Test
    void shouldJudgeNothingInAQuickRun()
    {
        final String report = ResultsReport.render(run(true, dms(Suite.DMS_UNPINNED, 20, 50, 22, 60)));

        assertContains(report, "**Quick run:**");
        assertContains(report, "| 1.10x | not judged (quick run) |");
        assertFalse(report.contains("| met"), report);
    }

    @Test
    void shouldConvertMetadataThroughputToOperationsPerSecond()
    {
        final Suite metadata = new Suite(Suite.DSS_METADATA, "DSS metadata (issue 2)",
            "3 × 2 s warmup, 5 × 2 s, 1 fork", "1 / 1 / 1", "2 / 2 / 2", Duration.ofSeconds(75), List.of(
                figure("createDelete1Thread", "thrpt", "ops/ms", 1.2, 0.3, 0, 0),
                figure("rawTwoSyncsLogMechanism", "thrpt", "ops/ms", 2.4, Double.NaN, 0, 0),
                figure("rawTwoSyncsPwrite", "thrpt", "ops/ms", 2.0, 0.5, 0, 0),
                figure("createDelete1Thread", "sample", "ms/op", 0.9, 0.1, 0.8, 2.5)));

        final String report = ResultsReport.render(run(false, metadata));

        assertContains(report,
            "| createDelete1Thread | MAPPED | 1200 ± 300 | 2400 | 0.50x | 800 / 2500 | 2000 ± 500 |");
        assertContains(report,
            "| DSS metadata (issue 2) | 3 × 2 s warmup, 5 × 2 s, 1 fork | 1 / 1 / 1 | 2 / 2 / 2 | 1 min 15 s |");
    }

    @Test
    void shouldReplaceOnlyTheGeneratedSection()
    {
        final String existing = "# Benchmark results\n\nintro\n\n" + BEGIN + "\nold figures\n" + END +
            "\n\n## Analysis\n\nhand-written\n";

        final String spliced = ResultsReport.splice(existing, BEGIN + "\nnew figures\n" + END + "\n");

        assertEquals("# Benchmark results\n\nintro\n\n" + BEGIN + "\nnew figures\n" + END +
            "\n\n## Analysis\n\nhand-written\n", spliced);
    }

    @Test
    void shouldLeaveTheFileAsItWasWhenTheSameSectionIsSplicedAgain()
    {
        final String section = ResultsReport.render(run(false, dataPath()));
        final String once = ResultsReport.splice("# Results\n\nhand-written\n", section);

        assertEquals(once, ResultsReport.splice(once, section));
        assertEquals("# Results\n\n" + section + "\nhand-written\n", once);
    }

    @Test
    void shouldPutANewSectionAfterTheTitleOfAFileWithoutOne()
    {
        assertEquals("# Results\n\nNEW\n\nhand-written\n",
            ResultsReport.splice("# Results\n\nhand-written\n", "NEW\n"));
        assertEquals("# Benchmark results\n\nNEW\n", ResultsReport.splice("", "NEW\n"));
    }

    @Test
    void shouldRefuseAFileWithoutBothMarkersInOrder()
    {
        final IllegalArgumentException noEnd = assertThrows(IllegalArgumentException.class,
            () -> ResultsReport.splice("# R\n" + BEGIN + "\n", "NEW\n"));
        final IllegalArgumentException endFirst = assertThrows(IllegalArgumentException.class,
            () -> ResultsReport.splice("# R\n" + END + "\n" + BEGIN + "\n", "NEW\n"));
        final IllegalArgumentException noBegin = assertThrows(IllegalArgumentException.class,
            () -> ResultsReport.splice("# R\n" + END + "\n", "NEW\n"));

        assertEquals("the results file lacks the generated-section marker " + END + " after " + BEGIN +
            "; restore it or remove the other", noEnd.getMessage());
        assertEquals(noEnd.getMessage(), endFirst.getMessage());
        assertEquals("the results file lacks the generated-section marker " + BEGIN +
            "; restore it or remove the other", noBegin.getMessage());
    }

    @Test
    void shouldConvertTimeUnitsToMicroseconds()
    {
        assertEquals(1500.0, Format.micros(1.5, "ms/op"), 1e-9);
        assertEquals(0.25, Format.micros(250, "ns/op"), 1e-9);
        assertEquals(7.0, Format.micros(7, "us/op"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Format.micros(1, "min/op"));
    }

    private static void assertContains(final String report, final String expected)
    {
        assertTrue(report.contains(expected), () -> "expected " + expected + " in:\n" + report);
    }

    private static ResultsReport.Run run(final boolean quick, final Suite... suites)
    {
        return new ResultsReport.Run("bench/run-all.sh", "abc1234", Instant.parse("2026-11-22T05:00:00Z"), quick,
            MACHINE, List.of(suites), List.of());
    }

    private static Suite dataPath()
    {
        return new Suite(Suite.DSS_DATA_PATH, "DSS data path (issue 2)", "1 × 1 s warmup, 2 × 1 s, 1 fork",
            "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO, List.of(
                figure("readDss", "sample", "us/op", 0.8, 0.01, 0.7, 1.5, "backend", "MAPPED"),
                figure("readRaw", "sample", "us/op", 4.0, 0.2, 3.5, 9.0, "backend", "MAPPED"),
                figure("writeDss", "sample", "us/op", 120, 5, 100, 900, "backend", "DIRECT"),
                figure("writeRaw", "sample", "us/op", 100, 5, 90, 700, "backend", "DIRECT")));
    }

    @Test
    void shouldJudgeTheFailoverOfAMillionPagesAgainstOneSecond()
    {
        final String report = ResultsReport.render(run(false, new Suite(Suite.DMS_REFORM, "DMS reform", "1 fork",
            "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO, List.of(
                new Figure("failover", Map.of("pages", "10000"), "ss", "ms/op", 40, Double.NaN, 40, 40, 40, 40),
                new Figure("failover", Map.of("pages", "1000000"), "ss", "ms/op", 1250, 10, 1200, 1300, 1300, 1300)))));

        assertContains(report, "| 11 | DMS failover reform, 3 nodes, 1000000 pages cached on the survivors: view " +
            "published to access open on every survivor (mean) | < 1000 ms | 1250 ms | **missed** |");
        assertContains(report, "| failover | 10000 | 40.0 | n/a | 40.0 |");
    }

    private static Suite dms(final String id, final double echoP50, final double echoP99, final double fetchP50,
        final double fetchP99)
    {
        return new Suite(id, id, "1 × 1 s warmup, 2 × 1 s, 1 fork", "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO, List.of(
            new Figure("rawEcho8k", Map.of(), "sample", "us/op", 25, 1, echoP50, 40, echoP99, 200),
            new Figure("fetch2WayS", Map.of(), "sample", "us/op", 25, 1, fetchP50, 40, fetchP99, 200)));
    }

    private static Suite dmsWithFloors(final String id, final double udpP50, final double udpP99,
        final double ipcP50, final double ipcP99, final double tcpP50, final double tcpP99, final double tcpPollP50,
        final double fetchP50, final double fetchP99)
    {
        return new Suite(id, id, "1 × 1 s warmup, 2 × 1 s, 1 fork", "0 / 0 / 0", "0 / 0 / 0", Duration.ZERO, List.of(
            new Figure("rawEcho8k", Map.of(), "sample", "us/op", 25, 1, udpP50, 40, udpP99, 200),
            new Figure("rawIpcEcho8k", Map.of(), "sample", "us/op", 25, 1, ipcP50, 40, ipcP99, 200),
            new Figure("rawTcpEcho8k", Map.of(), "sample", "us/op", 25, 1, tcpP50, 40, tcpP99, 200),
            new Figure("rawTcpPollEcho8k", Map.of(), "sample", "us/op", 25, 1, tcpPollP50, 40, tcpP99, 200),
            new Figure("fetch2WayS", Map.of(), "sample", "us/op", 25, 1, fetchP50, 40, fetchP99, 200),
            new Figure("fetch2WaySIpc", Map.of("hostDriverIdle", "sleep"), "sample", "us/op", 25, 1, fetchP50, 40,
                fetchP99, 200)));
    }

    private static Figure figure(final String method, final String mode, final String unit, final double score,
        final double error, final double p50, final double p99, final String... params)
    {
        final Map<String, String> map = params.length == 0 ? Map.of("backend", "MAPPED") : Map.of(params[0], params[1]);
        return new Figure(method, map, mode, unit, score, error, p50, p50, p99, p99);
    }
}
